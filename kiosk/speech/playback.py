"""The narrator: the only Qt module of speech, and the object screens call to speak.

`Narrator.speak(text, lang)` and `Narrator.narrate(step, lang, lesson)` pick the source by the
ranked list of `sources.plan_sources`, make the text speakable (`lexicon.speakable`), split it
into sentences and ask the `TtsEngine` for each (cached WAVs come back at once, fresh ones from
the worker process); the first sentence plays as soon as it is ready while the rest render.
Playback is one QMediaPlayer + QAudioOutput, which also keeps time when the PC has no sound
card. Nothing here blocks the UI thread: render results arrive from the engine's thread through
a queued signal. When a source fails (missing file, no engine, no voice) the next one in the
list is tried; a fallback emits `notice` (and is said once per language, in Vietnamese) and the
last resort, silence, leaves the text on screen. Each utterance goes to the speech log.
`stop()` (any key or click, see `install_interrupt_filter`) silences everything at once.
`close()` ends the narrator for good, on the UI thread: from then on the engine's thread hands
it nothing (a sentence may still finish rendering after that, e.g. on a shared engine), and the
narrator with its media player is deleted there too, never on whichever thread the garbage
collector happens to run. Handing a result to a narrator being deleted crashed the process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

from kiosk import config
from kiosk.content.model import SOURCE_LANGUAGE, Lesson, LocalizedText, Step
from kiosk.i18n import _
from kiosk.speech import speechlog
from kiosk.speech.cache import WavCache, default_cache_dir
from kiosk.speech.diagnostics import Check, run_checks
from kiosk.speech.engine import DEFAULT_RATE, RATE_STEP, TtsEngine, clamp_rate
from kiosk.speech.lexicon import speakable
from kiosk.speech.sentences import split_sentences
from kiosk.speech.sources import (
    LanguageLookup,
    Option,
    Source,
    fallback_notice,
    notice_msgid,
    plan_sources,
    vietnamese,
)

log = logging.getLogger(__name__)

AHEAD_STEPS = 2  # steps rendered ahead while the learner reads


def audio_output_names() -> list[str]:
    return [device.description() for device in QMediaDevices.audioOutputs()]


@dataclass
class _Segment:
    future: Future
    content: bool  # False for the spoken fallback note (its failure is ignored)


@dataclass
class _Utterance:
    display: str
    requested: str
    options: tuple[Option, ...]
    rate: int  # this utterance's rate (a slower repeat differs from the narrator's)
    option: int = 0
    segments: list[_Segment] = field(default_factory=list)
    current: int = -1
    spoken: str | None = None
    files: list[Path] = field(default_factory=list)  # content audio, in order (for the log)
    announced: bool = False  # the content is heard (log written, `started` emitted)


class Narrator(QObject):
    """Speaks steps and short texts without blocking; see the module docstring."""

    started = Signal(str, str)  # source ("recorded" | "tts" | "none"), language spoken
    finished = Signal()  # the utterance (and anything queued after it) has ended by itself
    stopped = Signal()  # speech was interrupted by stop()
    notice = Signal(str)  # a note to show: fallback language, silence, no loudspeaker
    rateChanged = Signal(int)
    _segment_ready = Signal(int, int)  # generation, segment index: from the engine's thread

    def __init__(
        self,
        languages: LanguageLookup,
        engine: TtsEngine | None = None,
        rate: int = DEFAULT_RATE,
        parent: QObject | None = None,
        locales: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.languages = languages
        self._locales = locales
        self._own_engine = engine is None
        self.engine = engine or TtsEngine(WavCache(default_cache_dir(config.data_dir())))
        self.engine.start()  # the worker boots while the home screen shows
        self._rate = clamp_rate(rate)
        self.lexicon: dict[str, str] = {}
        self._player = QMediaPlayer(self)
        self._output = QAudioOutput(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._on_media_status)
        self._player.errorOccurred.connect(self._on_media_error)
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        # Queued even when a result is ready at once: the player is never re-entered.
        self._segment_ready.connect(self._on_segment_ready, Qt.ConnectionType.QueuedConnection)
        self._generation = 0
        self._played = 0  # counts setSource calls, so one broken file is handled only once
        self._failed_play = -1
        self._utterance: _Utterance | None = None
        self._queue: list[_Utterance] = []
        self._announced_fallbacks: set[tuple[str, str, str]] = set()
        self._checked_output = False
        self._filter: _InterruptFilter | None = None
        self._results = _ResultGate(self._segment_ready)
        self._closed = False

    # --- public API ------------------------------------------------------------------------

    @property
    def rate(self) -> int:
        return self._rate

    def set_rate(self, rate: int) -> int:
        """Set the TTS rate (clamped to 80-300); the caller stores it per learner."""
        rate = clamp_rate(rate)
        if rate != self._rate and not self._closed:
            self._rate = rate
            self.rateChanged.emit(rate)
        return rate

    def faster(self) -> int:
        return self.set_rate(self._rate + RATE_STEP)

    def slower(self) -> int:
        return self.set_rate(self._rate - RATE_STEP)

    def set_lexicon(self, lexicon: Mapping[str, str]) -> None:
        """The speak-as lexicon of the lesson or bundle now shown (empty outside lessons)."""
        self.lexicon = dict(lexicon)

    def is_speaking(self) -> bool:
        return self._utterance is not None or bool(self._queue)

    def speak(
        self,
        text: str | LocalizedText,
        lang: str,
        *,
        audio: Mapping[str, Path] | None = None,
        queue: bool = False,
        rate: int | None = None,
    ) -> None:
        """Say `text` in `lang`, replacing what is being said (or after it, with queue=True).

        A plain string is the text in `lang` only; pass a LocalizedText to allow the fallback to
        Vietnamese, and `audio` (lang -> file) to prefer recordings. `rate` overrides the
        narrator's rate for this utterance only (a slower repeat), clamped like it.
        """
        if self._closed:
            return
        localized = text if isinstance(text, LocalizedText) else LocalizedText({lang: text})
        options = plan_sources(localized, audio or {}, lang, self.languages)
        said_rate = self._rate if rate is None else clamp_rate(rate)
        utterance = _Utterance(options[-1].text, lang, options, said_rate)
        if queue and self.is_speaking():
            self._queue.append(utterance)
            return
        self._interrupt(emit=False)
        self._begin(utterance)

    def narrate(
        self,
        step: Step,
        lang: str,
        lesson: Lesson | None = None,
        *,
        queue: bool = False,
        rate: int | None = None,
    ) -> None:
        """Say a step (its recording or its text) and render the next steps ahead."""
        if lesson is not None:
            self.set_lexicon(lesson.lexicon)
        self.speak(step.text, lang, audio=step.audio, queue=queue, rate=rate)
        if lesson is not None:
            index = next((i for i, s in enumerate(lesson.steps) if s.id == step.id), None)
            if index is not None:
                for upcoming in lesson.steps[index + 1 : index + 1 + AHEAD_STEPS]:
                    self.prefetch(upcoming.text, lang, audio=upcoming.audio)

    def prefetch(
        self, text: str | LocalizedText, lang: str, *, audio: Mapping[str, Path] | None = None
    ) -> list[Future]:
        """Render ahead what `speak` would say by TTS (nothing when a recording comes first)."""
        if self._closed:
            return []
        localized = text if isinstance(text, LocalizedText) else LocalizedText({lang: text})
        first = plan_sources(localized, audio or {}, lang, self.languages)[0]
        if first.source is not Source.TTS or first.voice is None:
            return []
        return [
            self.engine.submit(sentence, first.voice, self._rate, urgent=False)
            for sentence in split_sentences(speakable(first.text, self.lexicon))
        ]

    def stop(self) -> None:
        """Silence now and forget anything queued (idempotent)."""
        self._interrupt(emit=True)

    def install_interrupt_filter(self, target: QObject) -> None:
        """Make any key press, click or touch on `target` (e.g. the QApplication) stop speech."""
        if self._filter is None:
            self._filter = _InterruptFilter(self)
        target.installEventFilter(self._filter)

    def diagnostics_work(self) -> Callable[[], list[Check]]:
        """The technician's speech checks as work for a background thread (they block).

        Call this on the UI thread (it reads Qt's audio devices there) and run the result off
        it, e.g. `run_in_background(narrator.diagnostics_work(), show_checks)`.
        """
        outputs = audio_output_names()
        languages = getattr(self.languages, "languages", ())
        return lambda: run_checks(self.engine, languages, outputs)

    def diagnostics(self) -> list[Check]:
        """`diagnostics_work()` run here and now (scripts and tests; blocks)."""
        return self.diagnostics_work()()

    def close(self) -> None:
        """Silence, take no more results, close an own engine; deleted on this thread soon."""
        if self._closed:
            return
        self._interrupt(emit=False)
        self._closed = True
        self._results.close()  # after this no engine thread emits on us
        if self._own_engine:
            self.engine.close()
        self.deleteLater()

    # --- utterances ------------------------------------------------------------------------

    def _interrupt(self, emit: bool) -> None:
        if self._closed:
            return
        was_speaking = self.is_speaking()
        self._generation += 1
        if self._utterance is not None:
            for segment in self._utterance.segments:
                segment.future.cancel()
        self._utterance = None
        self._queue.clear()
        # Not QMediaPlayer.stop(): with FFmpeg it waits on the audio thread while holding the
        # GIL, and deadlocks if that thread is logging through a Python Qt message handler
        # (pytest-qt installs one; reproduced in 1 of ~100 stops right after play()).
        # Dropping the source stops playback without that wait (600 tries, no hang).
        self._player.setSource(QUrl())
        if emit and was_speaking:
            self.stopped.emit()

    def _begin(self, utterance: _Utterance) -> None:
        self._generation += 1
        self._utterance = utterance
        self._try_option(utterance)

    def _try_option(self, utterance: _Utterance) -> None:
        option = utterance.options[utterance.option]
        self._check_output()
        note = fallback_notice(option)
        if note:
            self.notice.emit(note)  # shown at once; said (once) before the content
        if option.source is Source.NONE:
            self._say_nothing(utterance, option)
            return
        utterance.segments = self._spoken_notice(option, utterance.rate)
        if option.source is Source.RECORDED and option.audio is not None:
            done: Future = Future()
            done.set_result(option.audio)
            utterance.segments.append(_Segment(done, content=True))
            utterance.files = [option.audio]
        else:
            assert option.voice is not None
            utterance.spoken = speakable(option.text, self.lexicon)
            sentences = split_sentences(utterance.spoken)
            for sentence in sentences:
                future = self.engine.submit(sentence, option.voice, utterance.rate)
                utterance.segments.append(_Segment(future, content=True))
            # Cache names are known before rendering, so the log can list every part now.
            utterance.files = [
                self.engine.cache.path(self.engine.key(s, option.voice, utterance.rate))
                for s in sentences
            ]
        if not any(s.content for s in utterance.segments):
            self._next_option(utterance, None)
            return
        utterance.current = -1
        self._advance(utterance)

    def _spoken_notice(self, option: Option, rate: int) -> list[_Segment]:
        """The fallback note, said once per (learner language, source, language) in Vietnamese."""
        msgid = notice_msgid(option)
        key = (option.requested, option.source.value, option.lang)
        fresh = msgid is not None and key not in self._announced_fallbacks
        note = vietnamese(msgid, self._locales) if fresh and msgid else None
        info = self.languages.find(SOURCE_LANGUAGE)
        if note is None or info is None or not info.tts:
            return []
        self._announced_fallbacks.add(key)
        sentences = split_sentences(speakable(note))
        return [_Segment(self.engine.submit(s, info.tts, rate), content=False)
                for s in sentences]

    def _next_option(self, utterance: _Utterance, reason: str | None) -> None:
        failed = utterance.options[utterance.option]
        log.info("narration source %s/%s failed (%s); trying the next one",
                 failed.source.value, failed.lang, reason)
        self._generation += 1  # results still on their way for the failed source are stale
        for segment in utterance.segments:
            segment.future.cancel()
        utterance.option += 1
        utterance.segments = []
        self._try_option(utterance)

    def _advance(self, utterance: _Utterance) -> None:
        utterance.current += 1
        if utterance.current >= len(utterance.segments):
            self._end(utterance)
            return
        generation, index = self._generation, utterance.current
        results = self._results
        # Runs on the engine's thread (or here, if already done): the signal is queued to us.
        utterance.segments[index].future.add_done_callback(
            lambda _f: results.deliver(generation, index)
        )

    @Slot(int, int)
    def _on_segment_ready(self, generation: int, index: int) -> None:
        utterance = self._utterance
        if generation != self._generation or utterance is None or index != utterance.current:
            return  # a stale result from an interrupted utterance
        segment = utterance.segments[index]
        if segment.future.cancelled() or not segment.future.done():
            return
        error = segment.future.exception()
        if error is not None:
            if not segment.content:
                self._advance(utterance)  # the note could not be said: go on with the content
            elif not utterance.announced:
                self._next_option(utterance, str(error))
            else:
                log.warning("a later sentence could not be rendered: %s", error)
                self._end(utterance)
            return
        self._play(utterance, segment.future.result(), segment.content)

    def _play(self, utterance: _Utterance, path: Path, content: bool) -> None:
        option = utterance.options[utterance.option]
        recorded = option.source is Source.RECORDED and content
        self._player.setPlaybackRate(utterance.rate / DEFAULT_RATE if recorded else 1.0)
        self._played += 1
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def _check_output(self) -> None:
        if not self._checked_output:
            self._checked_output = True
            if not QMediaDevices.audioOutputs():
                # The player still keeps time, so the lesson flows; the learner must know why
                # it is silent, and the technician sees it in diagnostics().
                self.notice.emit(_("No loudspeaker found: please read the text on the screen."))

    def _announce(self, utterance: _Utterance, option: Option, audio: Path | None) -> None:
        speechlog.write_entry(
            text=utterance.display, lang=option.lang, source=option.source.value, audio=audio,
            requested=utterance.requested, spoken=utterance.spoken,
            notice=fallback_notice(option), parts=utterance.files,
        )
        self.started.emit(option.source.value, option.lang)

    def _say_nothing(self, utterance: _Utterance, option: Option) -> None:
        utterance.announced = True
        utterance.segments = []
        self._announce(utterance, option, None)
        generation = self._generation
        # Finish on the next turn of the event loop, like real audio would, never re-entrantly.
        QTimer.singleShot(0, lambda: self._end_if_current(generation))

    def _end_if_current(self, generation: int) -> None:
        if generation == self._generation and self._utterance is not None:
            self._end(self._utterance)

    def _end(self, utterance: _Utterance) -> None:
        if utterance is not self._utterance:
            return
        self._utterance = None
        if self._queue:
            self._begin(self._queue.pop(0))
            return
        self.finished.emit()

    # --- the player ------------------------------------------------------------------------

    @Slot(QMediaPlayer.MediaStatus)
    def _on_media_status(self, status: QMediaPlayer.MediaStatus) -> None:
        utterance = self._utterance
        if utterance is None:
            return
        if status == QMediaPlayer.MediaStatus.BufferedMedia:
            index = utterance.current
            if not utterance.announced and 0 <= index < len(utterance.segments):
                if utterance.segments[index].content:
                    # Announce only once sound really flows: a broken file falls back unlogged.
                    utterance.announced = True
                    source = self._player.source().toLocalFile()
                    self._announce(utterance, utterance.options[utterance.option], Path(source))
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._advance(utterance)
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._on_media_error(QMediaPlayer.Error.FormatError, "invalid media")

    @Slot(QMediaPlayer.Error, str)
    def _on_media_error(self, error: QMediaPlayer.Error, message: str) -> None:
        utterance = self._utterance
        if utterance is None or error == QMediaPlayer.Error.NoError:
            return
        if self._failed_play == self._played:
            return  # Qt reports a bad file twice (errorOccurred and InvalidMedia)
        self._failed_play = self._played
        if not 0 <= utterance.current < len(utterance.segments):
            return
        log.warning("cannot play narration: %s", message)
        if not utterance.segments[utterance.current].content:
            self._advance(utterance)  # the spoken note failed: go on with the content
        elif not utterance.announced:
            self._next_option(utterance, message)
        else:
            self._end(utterance)

    @Slot()
    def _on_outputs_changed(self) -> None:
        # Follow the system default, e.g. when a USB speaker is plugged in during a lesson.
        self._output.setDevice(QMediaDevices.defaultAudioOutput())
        self._checked_output = False


class _ResultGate:
    """Passes render results from the engine's thread to the narrator until it closes.

    The lock makes `close()` wait for an emit in progress, so no emit can overlap the
    narrator's deletion (the signal is queued: an emit only posts an event).
    """

    def __init__(self, signal: Signal) -> None:
        self._signal = signal
        self._lock = threading.Lock()
        self._open = True

    def deliver(self, generation: int, index: int) -> None:
        with self._lock:
            if self._open:
                self._signal.emit(generation, index)

    def close(self) -> None:
        with self._lock:
            self._open = False


class _InterruptFilter(QObject):
    """Stops narration on any key press, click or touch, then lets the event through."""

    _TYPES = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)

    def __init__(self, narrator: Narrator) -> None:
        super().__init__(narrator)
        self._narrator = narrator

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in self._TYPES and self._narrator.is_speaking():
            self._narrator.stop()
        return False
