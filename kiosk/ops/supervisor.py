"""The supervisor: a small parent process that keeps the kiosk's UI running all day.

`kiosk supervise` (or `kiosk run --supervised`) starts the UI as a child process
(`kiosk run ...` with the same options) and waits. When the child ends:
- exit 0: the technician closed the kiosk; the supervisor ends too;
- exit 75 (`RESTART`): the kiosk asked to be started again (after a database recovery, say);
  it is restarted at once and nothing is counted;
- anything else, or killed by a signal: a crash. It is logged (exit code, how long the child
  ran, the last lines it wrote to stderr) in `<data>/logs/supervisor.log` and counted as one
  JSON line in `<data>/logs/crashes.jsonl` (the technician's health view reads it). The child
  is restarted after a back-off (1 s, 2 s, 4 s ... at most 30 s; a child that ran a minute
  starts the back-off again), unless it crashed `max_crashes` times within a minute: then the
  supervisor stops with a clear message on stderr and in the log, because restarting a kiosk
  that cannot start only hides the problem from the technician.
SIGTERM or SIGINT to the supervisor stops the child (politely, then by force) and ends it.
No Qt here: the supervisor must outlive whatever breaks in the UI.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kiosk.ops import logs

log = logging.getLogger(__name__)

RESTART = 75  # the child asks to be started again (EX_TEMPFAIL)
CRASHES_FILE = "crashes.jsonl"
SUPERVISED_ENV = "KIOSK_SUPERVISED"  # set in the child: it runs under a supervisor
TAIL_LINES = 40
STOP_GRACE_S = 10.0
CRASH_RECORDS_KEPT = 1000


@dataclass(frozen=True)
class Policy:
    max_crashes: int = 5  # within `window_s`: then the supervisor gives up
    window_s: float = 60.0
    backoff_first_s: float = 1.0
    backoff_max_s: float = 30.0
    stable_after_s: float = 60.0  # a child that ran this long starts the back-off again


@dataclass(frozen=True)
class Crash:
    time: str  # ISO 8601, UTC
    exit_code: int  # negative: killed by that signal
    ran_s: float
    restart: bool  # False when this crash made the supervisor give up


def kiosk_command(args: Sequence[str]) -> list[str]:
    """The command line that runs `kiosk ARGS` (the frozen executable, or this Python)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "kiosk", *args]


def crashes_file(data_dir: Path) -> Path:
    return logs.logs_dir(data_dir) / CRASHES_FILE


def read_crashes(data_dir: Path) -> list[Crash]:
    """Every crash recorded in the data folder, oldest first (unreadable lines are skipped)."""
    path = crashes_file(data_dir)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        try:
            row = json.loads(line)
            found.append(Crash(str(row["time"]), int(row["exit_code"]), float(row["ran_s"]),
                               bool(row.get("restart", True))))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _record_crash(data_dir: Path, crash: Crash) -> None:
    path = crashes_file(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(crash.__dict__) + "\n")
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > CRASH_RECORDS_KEPT * 2:  # keep the file small, rarely rewritten
            path.write_text("\n".join(lines[-CRASH_RECORDS_KEPT:]) + "\n", encoding="utf-8")
    except OSError as error:
        log.warning("crash not recorded in %s: %s", path, error)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class _StderrTail:
    """Copies the child's stderr to ours, keeping the last lines for the crash report."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._stream = stream
        self._thread = threading.Thread(target=self._pump, name="child-stderr", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        out = getattr(sys.stderr, "buffer", None)
        for raw in iter(self._stream.readline, b""):
            self.lines.append(raw.decode("utf-8", "replace").rstrip())
            if out is not None:
                try:
                    out.write(raw)
                    out.flush()
                except (OSError, ValueError):
                    out = None

    def join(self) -> list[str]:
        self._thread.join(timeout=5)
        return list(self.lines)


class Supervisor:
    """Runs the child command until it ends on purpose or crashes too often."""

    def __init__(
        self,
        command: Sequence[str],
        data_dir: Path,
        policy: Policy | None = None,
        env: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.command = list(command)
        self.data_dir = Path(data_dir)
        self.policy = policy or Policy()
        self.env = dict(os.environ if env is None else env)
        self.env[SUPERVISED_ENV] = "1"
        self.clock = clock
        self.starts = 0
        self.crash_times: list[float] = []
        self._stopping = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self.gave_up_message = ""

    # -- stopping from outside -------------------------------------------------------------

    def stop(self) -> None:
        """End the child and the supervisor (from a signal handler or another thread)."""
        self._stopping.set()
        child = self._child
        if child is not None and child.poll() is None:
            try:
                child.terminate()
            except OSError:
                pass

    def install_signal_handlers(self) -> None:
        for name in ("SIGTERM", "SIGINT", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                signal.signal(number, lambda _n, _f: self.stop())

    # -- the loop --------------------------------------------------------------------------

    def backoff(self, consecutive: int) -> float:
        first, cap = self.policy.backoff_first_s, self.policy.backoff_max_s
        return min(cap, first * (2 ** max(0, consecutive - 1)))

    def run(self) -> int:
        consecutive = 0
        while not self._stopping.is_set():
            started = self.clock()
            code, tail = self._run_child()
            ran = self.clock() - started
            if self._stopping.is_set():
                log.info("supervisor stopped; the kiosk ended with %s", describe_exit(code))
                return 0
            if code == 0:
                log.info("the kiosk was closed (exit code 0); supervisor ends")
                return 0
            if code == RESTART:
                log.info("the kiosk asked to be restarted")
                consecutive = 0
                continue
            now = self.clock()
            consecutive = 1 if ran >= self.policy.stable_after_s else consecutive + 1
            self.crash_times = [t for t in self.crash_times if now - t < self.policy.window_s]
            self.crash_times.append(now)
            give_up = len(self.crash_times) >= self.policy.max_crashes
            crash = Crash(
                time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                exit_code=code, ran_s=round(ran, 3), restart=not give_up,
            )
            _record_crash(self.data_dir, crash)
            log.error(
                "the kiosk crashed (%s) after %.1f s; crash %d in the last %d s%s",
                describe_exit(code), ran, len(self.crash_times), round(self.policy.window_s),
                "".join("\n    | " + line for line in tail),
            )
            if give_up:
                self.gave_up_message = (
                    f"the kiosk crashed {len(self.crash_times)} times within "
                    f"{round(self.policy.window_s)} seconds, so it is not restarted again; "
                    f"see {logs.logs_dir(self.data_dir) / logs.SUPERVISOR_LOG}"
                )
                log.error("giving up: %s", self.gave_up_message)
                return 1
            delay = self.backoff(consecutive)
            log.info("restarting the kiosk in %.1f s", delay)
            if self._stopping.wait(delay):
                return 0
        return 0

    def _run_child(self) -> tuple[int, list[str]]:
        self.starts += 1
        log.info("starting the kiosk (start %d): %s", self.starts, " ".join(self.command))
        try:
            child = subprocess.Popen(
                self.command, env=self.env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError as error:
            log.error("the kiosk could not be started: %s", error)
            return 127, [str(error)]
        self._child = child
        assert child.stderr is not None
        tail = _StderrTail(child.stderr)
        try:
            code = child.wait()
        except KeyboardInterrupt:
            self.stop()
            code = self._wait_stopped(child)
        if self._stopping.is_set() and child.poll() is None:
            code = self._wait_stopped(child)
        lines = tail.join()
        child.stderr.close()
        self._child = None
        return code, lines

    def _wait_stopped(self, child: subprocess.Popen[bytes]) -> int:
        try:
            return child.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()


def supervise(
    child_args: Sequence[str], data_dir: Path, policy: Policy | None = None
) -> tuple[int, str]:
    """Run `kiosk CHILD_ARGS` under a supervisor until it ends; (exit code, message if any)."""
    logs.setup(data_dir, logs.SUPERVISOR_LOG)
    supervisor = Supervisor(kiosk_command(child_args), data_dir, policy)
    supervisor.install_signal_handlers()
    code = supervisor.run()
    return code, supervisor.gave_up_message
