"""The TTS engine facade: text in, cached WAV file out, never on the caller's thread.

`TtsEngine.submit(text, voice, rate)` returns a `concurrent.futures.Future` at once: a cache
hit is already done; anything else is queued for one dispatcher thread that owns the worker
process (`tts_worker.WorkerClient`) and renders one job at a time. Urgent jobs (what is about to
be said) go before render-ahead jobs (the next steps), and a cancelled future is skipped. The
voice id comes from `languages.yaml` (`tts`, an espeak-ng voice such as `vi`); it is matched
against the voices the worker reports, and a voice that is missing or that the engine does not
really use is an error (`VoiceMissing`), never English speech. A hung worker is killed
(`RenderTimeout` for that job) and a dead one restarted, so the next job renders again.
The rate is clamped to 80-300 words per minute: espeak-ng clamps below 80 by itself and is
unintelligible above 300.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

from kiosk.i18n import _
from kiosk.speech.cache import WavCache, cache_key
from kiosk.speech.errors import (
    EngineUnavailable,
    RenderFailed,
    RenderTimeout,
    SpeechError,
    VoiceMissing,
    WorkerCrashed,
)
from kiosk.speech.tts_worker import WorkerClient, WorkerDied, WorkerHung

log = logging.getLogger(__name__)

RATE_MIN, RATE_MAX = 80, 300
DEFAULT_RATE = 150  # a little slower than espeak-ng's 175: the learners are elderly
RATE_STEP = 20  # one press of + or -
RETRY_START_AFTER = 30.0  # seconds before trying again to start an engine that failed


def clamp_rate(rate: float) -> int:
    return max(RATE_MIN, min(RATE_MAX, int(round(rate))))


def engine_name() -> str:
    """The pyttsx3 driver this platform uses (part of every cache key), without starting it."""
    try:
        from pyttsx3.engine import default_engine_by_sys_platform
    except ImportError:
        return "none"
    return default_engine_by_sys_platform()


def resolve_voice(wanted: str, voices: list[dict]) -> str | None:
    """The id of the installed voice for `wanted` ("vi" -> "aav/vi"), or None if there is none."""
    wanted = wanted.lower()
    for voice in voices:
        vid = str(voice.get("id", "")).lower()
        if vid == wanted or vid.rsplit("/", 1)[-1] == wanted:
            return str(voice["id"])
    for voice in voices:
        if wanted in [str(lang).lower() for lang in voice.get("languages", [])]:
            return str(voice["id"])
    return None


@dataclass(frozen=True)
class EngineStatus:
    """What the technician sees: is the engine up, which voices it has, and why not."""

    state: str  # "starting" | "ready" | "unavailable"
    engine: str
    voices: tuple[str, ...] = ()
    error: str | None = None
    worker_pid: int | None = None
    worker_starts: int = 0
    hangs: int = 0
    crashes: int = 0
    library: str | None = None  # the espeak-ng shipped with a frozen kiosk, when it is used


@dataclass(order=True)
class _Job:
    priority: int
    seq: int
    text: str | None = field(compare=False)  # None: only make sure the worker runs
    voice: str = field(compare=False, default="")
    rate: int = field(compare=False, default=DEFAULT_RATE)
    future: Future = field(compare=False, default_factory=Future)


class TtsEngine:
    """Renders speech into the WAV cache through a restartable worker process."""

    URGENT, AHEAD = 0, 1

    def __init__(self, cache: WavCache, *, timeout: float = 10.0, start_timeout: float = 20.0):
        self.cache = cache
        self.timeout = timeout
        self.engine = engine_name()
        self._worker = WorkerClient(start_timeout=start_timeout)
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._status = EngineStatus(state="starting", engine=self.engine)
        self._failed_at: float | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="kiosk-tts-dispatch", daemon=True)
        self._thread.start()

    # --- the caller's side (any thread) ----------------------------------------------------

    def start(self) -> Future:
        """Start the worker in the background now, so the first sentence does not wait for it."""
        return self._put(_Job(-1, next(self._seq), None))

    def key(self, text: str, voice: str, rate: int) -> str:
        return cache_key(self.engine, voice, clamp_rate(rate), text)

    def cached(self, text: str, voice: str, rate: int) -> Path | None:
        return self.cache.get(self.key(text, voice, rate))

    def submit(self, text: str, voice: str, rate: int, *, urgent: bool = True) -> Future:
        """A future of the WAV path for `text` said by `voice` at `rate` (done at once if cached).

        The future fails with a `SpeechError`: EngineUnavailable, VoiceMissing, RenderTimeout,
        WorkerCrashed or RenderFailed. Cancel it when the sentence is no longer wanted.
        """
        rate = clamp_rate(rate)
        hit = self.cached(text, voice, rate)
        if hit is not None:
            done: Future = Future()
            done.set_result(hit)
            return done
        priority = self.URGENT if urgent else self.AHEAD
        return self._put(_Job(priority, next(self._seq), text, voice, rate))

    def render(self, text: str, voice: str, rate: int, timeout: float | None = None) -> Path:
        """Blocking form of `submit` for scripts, tests and diagnostics (never the UI thread)."""
        return self.submit(text, voice, rate).result(timeout)

    def status(self) -> EngineStatus:
        with self._lock:
            return self._status

    def wait_ready(self, timeout: float = 30.0) -> EngineStatus:
        """Start the worker if needed; wait until it is up or failed (never on the UI thread)."""
        try:
            self.start().result(timeout)
        except (SpeechError, TimeoutError):
            pass
        return self.status()

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid

    def close(self) -> None:
        """Stop the dispatcher and the worker; pending futures are cancelled."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_Job(-2, -1, None))  # wakes the thread, which then stops
        self._thread.join(5.0)

    def _put(self, job: _Job) -> Future:
        if self._closed:
            job.future.set_exception(EngineUnavailable(_("The speech engine has been shut down.")))
            return job.future
        self._queue.put(job)
        return job.future

    # --- the dispatcher thread -------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if self._closed:
                job.future.cancel()
                break
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(self._handle(job))
            except SpeechError as error:
                job.future.set_exception(error)
            except Exception as error:  # a bug here must not kill the dispatcher
                log.exception("TTS job failed unexpectedly")
                job.future.set_exception(RenderFailed(str(error)))
        while not self._queue.empty():
            self._queue.get_nowait().future.cancel()
        self._worker.stop()

    def _set_status(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]

    def _ensure_worker(self) -> dict:
        if self._worker.alive():
            return self._worker.hello
        if self._worker.died():
            log.warning("the TTS worker %s died between jobs; starting a new one",
                        self._worker.pid)
            self._set_status(crashes=self.status().crashes + 1, worker_pid=None)
        if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_START_AFTER:
            raise EngineUnavailable(self.status().error or _("The speech engine is not available."))
        try:
            hello = self._worker.start()
        except (WorkerDied, WorkerHung) as error:
            self._failed_at = time.monotonic()
            message = _(
                "The speech engine could not start ({detail}). "
                "Check that espeak-ng and pyttsx3 are installed."
            ).format(detail=error)
            self._set_status(state="unavailable", error=message, worker_pid=None,
                             worker_starts=self._worker.starts)
            raise EngineUnavailable(message) from None
        self._failed_at = None
        self._set_status(
            state="ready", engine=str(hello.get("engine", self.engine)), error=None,
            voices=tuple(str(v.get("id")) for v in hello.get("voices", [])),
            worker_pid=self._worker.pid, worker_starts=self._worker.starts,
            library=hello.get("library"),
        )
        return hello

    def _handle(self, job: _Job) -> Path | None:
        if job.text is None:
            self._ensure_worker()
            return None
        key = self.key(job.text, job.voice, job.rate)
        hit = self.cache.get(key)  # a render-ahead job may have made it meanwhile
        if hit is not None:
            return hit
        for attempt in (1, 2):
            hello = self._ensure_worker()
            voice = resolve_voice(job.voice, hello.get("voices", []))
            if voice is None:
                raise VoiceMissing(_(
                    "The speech engine has no voice “{voice}”. "
                    "Install the espeak-ng voice data for it."
                ).format(voice=job.voice))
            temp = self.cache.temp_path(key)
            request = {"text": job.text, "voice": voice, "rate": job.rate, "out": str(temp)}
            try:
                reply = self._worker.request(request, self.timeout)
            except WorkerHung as error:
                temp.unlink(missing_ok=True)
                log.warning("%s; killed, the next job starts a new worker", error)
                self._set_status(hangs=self.status().hangs + 1, worker_pid=None)
                raise RenderTimeout(_(
                    "The speech engine stopped answering and was restarted."
                )) from None
            except WorkerDied as error:
                temp.unlink(missing_ok=True)
                log.warning("%s (attempt %d)", error, attempt)
                self._set_status(crashes=self.status().crashes + 1, worker_pid=None)
                if attempt == 2:
                    raise WorkerCrashed(_(
                        "The speech engine crashed twice in a row."
                    )) from None
                continue
            return self._finish(job, key, temp, reply, voice)
        raise WorkerCrashed(_("The speech engine crashed twice in a row."))  # not reached

    def _finish(self, job: _Job, key: str, temp: Path, reply: dict, voice: str) -> Path:
        if not reply.get("ok"):
            temp.unlink(missing_ok=True)
            if reply.get("error") == "voice":
                raise VoiceMissing(_(
                    "The speech engine ignored the voice “{voice}” and used “{got}” instead."
                ).format(voice=voice, got=reply.get("voice")))
            raise RenderFailed(_("The speech engine could not say this text ({detail}).").format(
                detail=reply.get("error")))
        path = self.cache.commit(temp, key)
        if path is None:
            raise RenderFailed(_("The speech engine wrote an empty or broken sound file."))
        log.debug("rendered %.2f s with %s at %d: %s", reply.get("seconds", 0.0), voice,
                  job.rate, path.name)
        return path
