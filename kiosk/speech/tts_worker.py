"""The pyttsx3 worker process and the parent's handle on it (`WorkerClient`).

pyttsx3 can hang or crash, so it never runs in the kiosk's own process: a child started with
multiprocessing's *spawn* context (the only one that works the same on Linux, Windows and in a
PyInstaller build) renders one WAV per job and answers over a pipe. The child dodges the traps
measured with pyttsx3 2.99 (DESIGN §7): it takes one job at a time; it skips empty text, since
`runAndWait()` with nothing queued never returns; it waits for the `finished-utterance`
callback and then for a complete WAV, because `runAndWait()` can return before the file is
written; and it checks the voice the engine reports after the job, because a wrong voice id
silently speaks English (such a file is deleted and the job fails). espeak-ng works on its own
thread, and a rate set with setProperty() is lost when pyttsx3 cancels its queue (measured: 39
of 60 jobs at the wrong rate), so with espeak the child waits until espeak-ng is idle and puts
the rate into the text as an embedded speed command. pyttsx3's espeak driver prints to stdout,
so the child sends its stdout to the null device.

The parent (`WorkerClient`) waits for each answer with a timeout; a child that does not answer
is killed (a hang), one whose pipe closes has died (a crash); either way the next job starts a
fresh child. A frozen kiosk's child loads the espeak-ng shipped with it (`espeak_lib`).
Messages are plain dicts: the hello `{"ok", "engine", "voices", "library", "error"}` (`library`:
the shipped espeak-ng in use, or None) and per job `{"text", "voice", "rate", "out"}` ->
`{"ok", "voice", "seconds", "error"}`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import wave
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

FINISH_WAIT = 10.0  # seconds the child waits for espeak's finished callback and the file


class WorkerHung(Exception):
    """The worker did not answer within the timeout (it has been killed)."""


class WorkerDied(Exception):
    """The worker process ended or closed its pipe."""


# --- the child ---------------------------------------------------------------------------


def _wav_complete(path: str) -> float | None:
    try:
        with wave.open(path, "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
            need = 44 + frames * wav.getsampwidth() * wav.getnchannels()
        return frames / rate if frames > 0 and os.path.getsize(path) >= need else None
    except (OSError, EOFError, wave.Error):
        return None


def _idle_probe(engine: Any) -> Any:
    """espeak-ng's "still busy" test, or None for other drivers."""
    if getattr(engine, "driver_name", "") != "espeak":
        return None
    from pyttsx3.drivers import _espeak

    return _espeak.IsPlaying


def _wait_idle(is_busy: Any, seconds: float = 2.0) -> None:
    # espeak-ng runs its own thread; a job started while it still works on the last one gets
    # its commands cancelled (pyttsx3 calls Cancel() when the loop ends).
    deadline = time.monotonic() + seconds
    while is_busy is not None and is_busy() and time.monotonic() < deadline:
        time.sleep(0.002)


def _render(engine: Any, finished: threading.Event, errors: list[str], job: dict) -> dict:
    # Control characters would be read as espeak-ng commands: keep only printable text.
    text = "".join(ch for ch in str(job.get("text", "")) if ch.isprintable())
    voice, out, rate = str(job["voice"]), str(job["out"]), int(job["rate"])
    if not any(ch.isalnum() for ch in text):
        return {"ok": False, "error": "nothing to say"}
    is_busy = _idle_probe(engine)
    _wait_idle(is_busy)
    finished.clear()
    errors.clear()
    if os.path.exists(out):
        os.remove(out)
    engine.setProperty("voice", voice)
    if is_busy is not None:
        # setProperty("rate") goes through espeak-ng's asynchronous queue and is lost when
        # pyttsx3 cancels it (measured: 39 of 60 jobs came out at the previous rate); an
        # embedded speed command travels with the text and always applies.
        text = f"\x01{rate}S {text}"
    else:
        engine.setProperty("rate", rate)
    engine.save_to_file(text, out)
    engine.runAndWait()
    deadline = time.monotonic() + float(job.get("finish_wait", FINISH_WAIT))
    if not finished.wait(max(0.0, deadline - time.monotonic())):
        return {"ok": False, "error": "the engine never reported the end of the utterance"}
    seconds = _wav_complete(out)
    while seconds is None and time.monotonic() < deadline:
        time.sleep(0.01)
        seconds = _wav_complete(out)
    _wait_idle(is_busy)
    got = engine.getProperty("voice")
    if got != voice:
        # pyttsx3 keeps the previous (often English) voice when the id is wrong: never keep that.
        if os.path.exists(out):
            os.remove(out)
        return {"ok": False, "error": "voice", "voice": got, "detail": "; ".join(errors)}
    if seconds is None:
        return {"ok": False, "error": "the sound file was not written completely"}
    return {"ok": True, "voice": got, "seconds": seconds}


def worker_main(conn: Connection) -> None:
    """Entry point of the child process: hello, then one job per message until EOF or quit."""
    # pyttsx3's espeak driver print()s "Audio saved to ..." for every file: keep that out of
    # the kiosk's stdout (scripts parse `--json`) and stderr; espeak-ng's errors use stderr.
    sys.stdout = open(os.devnull, "w")  # kept open for the life of the process
    try:
        os.dup2(sys.stdout.fileno(), 1)
    except OSError:
        pass
    try:
        from kiosk.speech.espeak_lib import use_shipped_espeak

        library = use_shipped_espeak()  # a frozen kiosk brings its own espeak-ng
        import pyttsx3

        engine = pyttsx3.init()
        voices = [
            {"id": v.id, "name": v.name, "languages": list(v.languages or [])}
            for v in engine.getProperty("voices")
        ]
    except Exception as error:  # any failure here means "no engine" for the parent
        conn.send({"ok": False, "error": f"{type(error).__name__}: {error}"})
        return
    finished = threading.Event()
    errors: list[str] = []
    engine.connect("finished-utterance", lambda **_kw: finished.set())
    engine.connect("error", lambda exception=None, **_kw: errors.append(str(exception)))
    conn.send({"ok": True, "engine": getattr(engine, "driver_name", "unknown"),
               "voices": voices, "pid": os.getpid(),
               "library": str(library) if library else None})
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job.get("op") == "quit":
            return
        try:
            reply = _render(engine, finished, errors, job)
        except Exception as error:  # report, keep serving: one bad job must not end the worker
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        conn.send(reply)


# --- the parent ------------------------------------------------------------------------


class WorkerClient:
    """One worker child at a time; not thread-safe (the engine's dispatcher thread owns it)."""

    def __init__(self, start_timeout: float = 20.0) -> None:
        self.start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self.hello: dict = {}
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def died(self) -> bool:
        """True when the child we started has ended without being asked to."""
        return self._process is not None and not self._process.is_alive()

    def start(self) -> dict:
        """Start a child and return its hello; raises WorkerDied/WorkerHung when it cannot."""
        self.stop()
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main, args=(child,), name="kiosk-tts", daemon=True
        )
        process.start()
        child.close()  # the child holds its own copy; ours would hide its death from recv()
        self._process, self._conn = process, parent
        self.starts += 1
        hello = self._receive(self.start_timeout)
        if not hello.get("ok"):
            self.stop()
            raise WorkerDied(str(hello.get("error") or "the TTS engine did not start"))
        self.hello = hello
        log.info("TTS worker %s started (%s, %d voices)", process.pid, hello.get("engine"),
                 len(hello.get("voices", [])))
        return hello

    def request(self, job: dict, timeout: float) -> dict:
        """Send one job and wait for its answer; kills the child on a timeout."""
        if self._conn is None or not self.alive():
            raise WorkerDied("the TTS worker is not running")
        try:
            self._conn.send(job)
        except (OSError, ValueError) as error:
            self.stop()
            raise WorkerDied(f"the TTS worker closed its pipe ({error})") from None
        return self._receive(timeout)

    def _receive(self, timeout: float) -> dict:
        assert self._conn is not None
        try:
            ready = self._conn.poll(timeout)
            if ready:
                return self._conn.recv()
        except (EOFError, OSError):
            code = self._exit_code()
            self.stop()
            raise WorkerDied(f"the TTS worker died (exit code {code})") from None
        pid = self.pid
        self.stop(kill=True)
        raise WorkerHung(f"the TTS worker {pid} did not answer within {timeout:.1f} s")

    def _exit_code(self) -> int | None:
        if self._process is None:
            return None
        self._process.join(0.2)
        return self._process.exitcode

    def stop(self, kill: bool = False) -> None:
        """End the child: ask it to quit, then kill it (a hung espeak ignores requests)."""
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if conn is not None and not kill:
            try:
                conn.send({"op": "quit"})
            except (OSError, ValueError):
                pass
        if conn is not None:
            conn.close()
        if process is not None:
            process.join(0 if kill else 1.0)
            if process.is_alive():
                process.kill()
                process.join(2.0)
            process.close()
