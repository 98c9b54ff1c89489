"""Speech: TTS synthesis time against espeak-ng, and narration start latency (DESIGN §10).

Synthesis: about ten real step texts of the built-in lessons (Vietnamese, loaded through
kiosk.content, made speakable with each lesson's lexicon as the narrator does) are rendered
whole by the kiosk's `TtsEngine` (pyttsx3 + espeak-ng in its worker process, warm, with a fresh
WAV cache in a temporary folder, emptied before each pass) and, interleaved, by the espeak-ng
command line on the same text at the same rate (`espeak-ng -v vi -s RATE -w out.wav TEXT`,
process start included: that is what a script would run). Figures: median and p95 per text.
Narration start: the real `Narrator` (QMediaPlayer + QAudioOutput, offscreen; with no sound
card it still keeps time), timed from the call that narrates a step until its `started` signal,
which the narrator emits when the player reports BufferedMedia (sound flows): (a) the recorded
Hmong narration of vneid-level1 (lang hmn), (b) a step's TTS a second time (every sentence
cached), (c) a step's TTS never rendered before (the first sentence is rendered, then plays;
the worker is idle and already started, as after the home screen). Before each sample the last
one is stopped as the kiosk does (the source is cleared; never QMediaPlayer.stop()).
The reference, in the same process: a bare QMediaPlayer playing the same file (the OGG, or the
cached WAV of the step's first sentence), from setSource until it is playing with its media
buffered.
`measure()` runs everything in a child process (`speech.py --json`; `--quick` for a tiny
sample), so the suite's own process never holds a QApplication or a TTS worker.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, Row, offscreen_env

sys.path.insert(0, str(ROOT))

TEXTS = 10  # step texts, spread over the built-in lessons
SYNTH_PASSES = 5  # synthesis passes over the texts (the cache emptied before each)
PASSES = 3  # TTS narration passes (the same)
RECORDED_PASSES = 10  # passes over the 3 recorded Hmong files
QUICK = {"texts": 3, "synth_passes": 1, "passes": 1, "recorded_passes": 1}
RECORDED_LESSON, RECORDED_LANG = "vneid-level1", "hmn"
TIMEOUT_S = 30.0
SETTLE_MS = 40  # event loop time after stopping one sample, before the next


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _curriculum():
    from kiosk import config
    from kiosk.content.catalog import load_curriculum
    from kiosk.content.languages import load_languages

    languages = load_languages()
    return languages, load_curriculum([config.builtin_lessons_dir()], languages)


def _sample_steps(curriculum, count: int) -> list[tuple[object, object]]:
    """`count` (lesson, step) pairs spread evenly over every step of every lesson."""
    steps = [(lesson, step) for lesson in curriculum for step in lesson.steps]
    if count >= len(steps):
        return steps
    last = len(steps) - 1
    return [steps[round(i * last / max(1, count - 1))] for i in range(count)]


# --- synthesis ---------------------------------------------------------------------------


def _synthesis(engine, texts: list[str], passes: int, work: Path, rate: int
               ) -> tuple[list[float], list[float]]:
    from kiosk.speech.cache import wav_seconds

    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (build/setup-system.sh)")
    kiosk_ms: list[float] = []
    cli_ms: list[float] = []
    out = work / "cli.wav"
    for _ in range(passes):
        for path in engine.cache.files():
            path.unlink(missing_ok=True)
        for text in texts:
            start = time.perf_counter()
            wav = engine.render(text, "vi", rate, timeout=TIMEOUT_S)
            kiosk_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            subprocess.run([espeak, "-v", "vi", "-s", str(rate), "-w", str(out), text],
                           check=True, capture_output=True, timeout=TIMEOUT_S)
            cli_ms.append((time.perf_counter() - start) * 1000)
            ours, theirs = wav_seconds(wav), wav_seconds(out)
            if not ours or not theirs or abs(ours - theirs) > 0.1 * theirs:
                print(f"speech: the kiosk's WAV lasts {ours} s, espeak-ng's {theirs} s: "
                      "not the same speech, the ratio is suspect", file=sys.stderr)
    return kiosk_ms, cli_ms


# --- narration start ---------------------------------------------------------------------


def _spin(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, lambda: loop.exit(0))
    loop.exec()


def _wait(ready: Callable[[], bool], connect: Callable[[Callable], None],
          disconnect: Callable[[Callable], None], action: Callable[[], None], what: str) -> float:
    """Run `action`; ms until a signal (hooked by `connect`) finds `ready()` true."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    seen: list[float] = []

    def check(*_args) -> None:
        if not seen and ready():
            seen.append(time.perf_counter())
            loop.exit(0)

    connect(check)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: loop.exit(1))
    timer.start(int(TIMEOUT_S * 1000))
    start = time.perf_counter()
    action()
    if not seen:
        loop.exec()
    timer.stop()
    disconnect(check)
    if not seen:
        raise RuntimeError(f"timed out waiting for {what}")
    return (seen[0] - start) * 1000


class _BarePlayer:
    """The reference: one QMediaPlayer + QAudioOutput and nothing else."""

    def __init__(self) -> None:
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        self.player = QMediaPlayer()
        self.output = QAudioOutput()
        self.player.setAudioOutput(self.output)

    def _playing(self) -> bool:
        from PySide6.QtMultimedia import QMediaPlayer

        return (self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
                and self.player.mediaStatus() == QMediaPlayer.MediaStatus.BufferedMedia)

    def time(self, path: Path) -> float:
        from PySide6.QtCore import QUrl

        player = self.player

        def connect(slot) -> None:
            player.playbackStateChanged.connect(slot)
            player.mediaStatusChanged.connect(slot)

        def disconnect(slot) -> None:
            player.playbackStateChanged.disconnect(slot)
            player.mediaStatusChanged.disconnect(slot)

        def play() -> None:
            player.setSource(QUrl.fromLocalFile(str(path)))
            player.play()

        elapsed = _wait(self._playing, connect, disconnect, play, f"the bare player on {path}")
        player.setSource(QUrl())  # as the kiosk stops: never QMediaPlayer.stop()
        _spin(SETTLE_MS)
        return elapsed


class _Narration:
    """The kiosk's Narrator with its own engine, and the timed calls."""

    def __init__(self, languages, engine) -> None:
        from kiosk.speech.playback import Narrator

        self.narrator = Narrator(languages, engine=engine, rate=_rate())
        self.engine = engine
        self.heard: list[tuple[str, str]] = []

    def time(self, action: Callable[[], None], source: str, lang: str) -> float:
        narrator = self.narrator
        self.heard.clear()

        def connect(slot) -> None:
            narrator.started.connect(slot)

        def disconnect(slot) -> None:
            narrator.started.disconnect(slot)

        narrator.started.connect(self._heard)
        try:
            elapsed = _wait(lambda: True, connect, disconnect, action, "the narrator's started")
        finally:
            narrator.started.disconnect(self._heard)
        if self.heard != [(source, lang)]:
            raise RuntimeError(f"expected {source}/{lang} narration, got {self.heard}")
        return elapsed

    def _heard(self, source: str, lang: str) -> None:
        self.heard.append((source, lang))

    def stop(self) -> None:
        self.narrator.stop()
        _spin(SETTLE_MS)

    def close(self) -> None:
        self.narrator.close()


def _rate() -> int:
    from kiosk.speech.engine import DEFAULT_RATE

    return DEFAULT_RATE


def _sentences(lesson, step) -> list[str]:
    from kiosk.speech.lexicon import speakable
    from kiosk.speech.sentences import split_sentences

    return split_sentences(speakable(step.text.values["vi"], lesson.lexicon))


def _recorded(narration: _Narration, bare: _BarePlayer, lesson, passes: int
              ) -> tuple[list[float], list[float]]:
    steps = [step for step in lesson.steps if RECORDED_LANG in step.audio]
    if not steps:
        raise RuntimeError(f"{lesson.id} has no {RECORDED_LANG} recordings")
    kiosk_ms: list[float] = []
    reference: list[float] = []
    for _ in range(passes):
        for step in steps:
            kiosk_ms.append(narration.time(
                lambda step=step: narration.narrator.narrate(step, RECORDED_LANG, lesson),
                "recorded", RECORDED_LANG))
            narration.stop()
            reference.append(bare.time(step.audio[RECORDED_LANG]))
    return kiosk_ms, reference


def _tts(narration: _Narration, bare: _BarePlayer, sample, passes: int
         ) -> tuple[list[float], list[float], list[float]]:
    """Fresh and cached TTS narration of each sampled step, and the bare player's figure."""
    engine, rate = narration.engine, narration.narrator.rate
    fresh: list[float] = []
    cached: list[float] = []
    reference: list[float] = []
    for _ in range(passes):
        for path in engine.cache.files():
            path.unlink(missing_ok=True)
        for lesson, step in sample:
            sentences = _sentences(lesson, step)
            if engine.cached(sentences[0], "vi", rate) is not None:
                raise RuntimeError(f"{step.id} is already cached: not a fresh render")
            narration.narrator.set_lexicon(lesson.lexicon)
            # No lesson given: the narrator would render the next steps ahead, and they must
            # stay fresh for their own turn.
            fresh.append(narration.time(lambda step=step: narration.narrator.narrate(step, "vi"),
                                        "tts", "vi"))
            narration.stop()
            # Render the rest now (untimed), so every sentence is cached and the worker idle.
            for future in [engine.submit(s, "vi", rate) for s in sentences]:
                future.result(TIMEOUT_S)
            cached.append(narration.time(lambda step=step: narration.narrator.narrate(step, "vi"),
                                         "tts", "vi"))
            narration.stop()
            reference.append(bare.time(engine.cached(sentences[0], "vi", rate)))
    return fresh, cached, reference


# --- the rows ----------------------------------------------------------------------------


def _rows(label: str, values: list[float], reference: list[float], reference_name: str,
          budget: str) -> list[Row]:
    count = len(values)
    return [
        Row(f"{label} (median of {count})", statistics.median(values), "ms",
            statistics.median(reference), f"{reference_name}, median", budget),
        Row(f"{label} (p95 of {count})", _p95(values), "ms", _p95(reference),
            f"{reference_name}, p95", budget),
    ]


def measure_here(quick: bool = False) -> list[Row]:
    """Both benchmarks in this process (it starts a TTS worker and creates the QApplication)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.pop("KIOSK_SPEECH_LOG", None)
    from PySide6.QtWidgets import QApplication

    from kiosk.speech.cache import WavCache
    from kiosk.speech.engine import TtsEngine

    texts_n = QUICK["texts"] if quick else TEXTS
    synth_passes = QUICK["synth_passes"] if quick else SYNTH_PASSES
    passes = QUICK["passes"] if quick else PASSES
    recorded_passes = QUICK["recorded_passes"] if quick else RECORDED_PASSES
    languages, curriculum = _curriculum()
    sample = _sample_steps(curriculum, texts_n)
    texts = [" ".join(_sentences(lesson, step)) for lesson, step in sample]
    rate = _rate()
    with tempfile.TemporaryDirectory(dir=os.environ.get("KIOSK_BENCH_TMP")) as folder:
        work = Path(folder)
        engine = TtsEngine(WavCache(work / "tts-cache"))
        try:
            status = engine.wait_ready(60)
            if status.state != "ready":
                raise RuntimeError(f"the TTS engine did not start: {status.error}")
            synth, cli = _synthesis(engine, texts, synth_passes, work, rate)
            app = QApplication.instance() or QApplication([sys.argv[0]])
            narration = _Narration(languages, engine)
            bare = _BarePlayer()
            lesson = curriculum.get(RECORDED_LESSON)
            if lesson is None:
                raise RuntimeError(f"the built-in lesson {RECORDED_LESSON} did not load")
            # Warm-up, untimed: the first QMediaPlayer use in a process loads FFmpeg.
            warm = next(s for s in lesson.steps if RECORDED_LANG in s.audio)
            narration.time(lambda: narration.narrator.narrate(warm, RECORDED_LANG),
                           "recorded", RECORDED_LANG)
            narration.stop()
            bare.time(warm.audio[RECORDED_LANG])
            recorded, recorded_ref = _recorded(narration, bare, lesson, recorded_passes)
            fresh, cached, tts_ref = _tts(narration, bare, sample, passes)
            narration.close()
            app.processEvents()  # the last queued signals arrive before the engine stops
        finally:
            engine.close()
    player = "bare QMediaPlayer, same"
    return [
        *_rows(f"TTS synthesis of a whole step text, {len(texts)} texts × {synth_passes}", synth,
               cli, "espeak-ng CLI, same text and rate", "—"),
        *_rows(f"narration start, recorded {RECORDED_LANG} OGG", recorded, recorded_ref,
               f"{player} OGG", "< 100 ms"),
        *_rows("narration start, cached TTS", cached, tts_ref, f"{player} WAV", "< 100 ms"),
        *_rows("narration start, fresh TTS", fresh, tts_ref, f"{player} WAV", "< 300 ms"),
    ]


def measure(quick: bool = False) -> list[Row]:
    """`measure_here` in a child process; its rows come back as JSON on its stdout."""
    args = [sys.executable, str(Path(__file__).resolve()), "--json"]
    if quick:
        args.append("--quick")
    done = subprocess.run(args, env=offscreen_env(), capture_output=True, text=True,
                          timeout=900, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    if not lines:
        raise RuntimeError(f"speech failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    if done.returncode != 0:
        print(f"speech: the measuring process ended with {done.returncode} after reporting "
              f"its figures: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
    return [Row(**fields) for fields in json.loads(lines[-1])]


if __name__ == "__main__":
    quick_run = "--quick" in sys.argv[1:]
    if "--json" in sys.argv[1:]:
        rows = measure_here(quick_run)
        print(json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False),
              flush=True)
    else:
        from common import print_table

        print_table(measure(quick_run))
