"""The Qt narrator for real: rendered and recorded audio through QMediaPlayer, offscreen.

There is no sound card here: QMediaPlayer still plays in real time (DESIGN §7), so these
tests measure that speech lasts as long as its WAV, and read the speech log to see what a
learner would have heard.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from speechtools import espeak_cli_wav, table_with, wav_stats

from kiosk.content.languages import LanguageTable
from kiosk.content.model import Lesson, LocalizedText, Step, StepKind
from kiosk.speech import speechlog
from kiosk.speech.cache import WavCache
from kiosk.speech.engine import RATE_MAX, RATE_MIN, TtsEngine
from kiosk.speech.playback import Narrator
from kiosk.speech.sentences import split_sentences

VI = "Bấm vào nút Cài đặt."
TYZ = "Nhấn pày nút Cài đặt."
KM = "ចុចប៊ូតុងដំឡើង។"
NO_SPEAKER = "No loudspeaker found: please read the text on the screen."


@pytest.fixture
def speech_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "speech.jsonl"
    monkeypatch.setenv(speechlog.ENV, str(path))
    return path


@pytest.fixture
def narrator(qtbot, engine: TtsEngine, languages: LanguageTable) -> Iterator[Narrator]:
    voice = Narrator(languages, engine=engine, rate=RATE_MAX)
    yield voice
    voice.close()


def _record(folder: Path, lang: str, text: str) -> Path:
    """A real recording stand-in: the text spoken by the espeak-ng command line."""
    path = folder / "audio" / lang / "step.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    return espeak_cli_wav(text, path, "vi", 250)


def _notices(narrator: Narrator) -> list[str]:
    seen: list[str] = []
    narrator.notice.connect(lambda text: seen.append(text) if text != NO_SPEAKER else None)
    return seen


def test_speech_plays_in_real_time_without_a_sound_card(qtbot, narrator, engine, speech_log):
    text = "Hôm nay bác học cách gọi video cho con cháu."
    wav = engine.render(text, "vi", narrator.rate, timeout=30)
    seconds, _ = wav_stats(wav)
    with qtbot.waitSignal(narrator.started, timeout=5000) as started:
        narrator.speak(text, "vi")
    begun = time.monotonic()
    with qtbot.waitSignal(narrator.finished, timeout=int(seconds * 1000) + 5000):
        pass
    elapsed = time.monotonic() - begun
    assert started.args == ["tts", "vi"]
    assert seconds * 0.8 < elapsed < seconds + 2.0  # it kept time: no sound card, no shortcut
    (entry,) = speechlog.read_entries(speech_log)
    assert (entry["text"], entry["lang"], entry["source"]) == (text, "vi", "tts")
    assert entry["audio"] == str(wav) and Path(entry["audio"]).is_file()


def test_recording_in_the_learners_language_is_played(qtbot, narrator, tmp_path, speech_log):
    recording = _record(tmp_path, "tyz", "Một hai ba.")
    notices = _notices(narrator)
    step = Step("press", StepKind.EXPLAIN, LocalizedText({"vi": VI, "tyz": TYZ}),
                audio={"tyz": recording})
    with qtbot.waitSignal(narrator.started, timeout=5000) as started:
        narrator.narrate(step, "tyz")
    assert started.args == ["recorded", "tyz"]
    qtbot.waitSignal(narrator.finished, timeout=10000).wait()
    assert notices == []
    (entry,) = speechlog.read_entries(speech_log)
    assert (entry["text"], entry["source"], entry["audio"]) == (TYZ, "recorded", str(recording))


def test_fallback_to_vietnamese_is_shown_and_said_once(
    qtbot, engine, languages, tmp_path, speech_log
):
    msgid = "No recording in this language: reading in Vietnamese."
    said_vi = "Chưa có bản ghi tiếng này, máy đọc tiếng Việt."
    catalog = Catalog(locale="vi")
    catalog.add(msgid, said_vi)
    mo = tmp_path / "locales" / "vi" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as handle:
        write_mo(handle, catalog)
    narrator = Narrator(languages, engine=engine, rate=RATE_MAX, locales=tmp_path / "locales")
    try:
        notices = _notices(narrator)
        note_seconds = sum(wav_stats(engine.render(s, "vi", RATE_MAX, timeout=30))[0]
                           for s in split_sentences(said_vi))
        text = LocalizedText({"vi": VI, "km": KM})
        begun = time.monotonic()
        with qtbot.waitSignal(narrator.started, timeout=10000) as started:
            narrator.speak(text, "km")
        assert started.args == ["tts", "vi"]
        assert notices == [msgid]  # shown at once (in the UI language; English here)
        assert time.monotonic() - begun > note_seconds * 0.8  # the note was said first
        qtbot.waitSignal(narrator.finished, timeout=10000).wait()
        begun = time.monotonic()
        with qtbot.waitSignal(narrator.started, timeout=10000):
            narrator.speak(text, "km")
        assert time.monotonic() - begun < note_seconds * 0.5  # said once, not at every step
        assert notices == [msgid, msgid]  # but always shown
        narrator.stop()
    finally:
        narrator.close()
    first = speechlog.read_entries(speech_log)[0]
    assert (first["text"], first["lang"], first["requested"]) == (KM, "vi", "km")
    assert first["spoken"] == VI and first["notice"] == msgid


def test_silence_with_a_note_when_nothing_can_speak(qtbot, engine, speech_log):
    narrator = Narrator(table_with({"vi": {"tts": None}}), engine=engine)
    try:
        notices = _notices(narrator)
        with qtbot.waitSignal(narrator.finished, timeout=5000):
            narrator.speak(LocalizedText({"vi": VI, "tyz": TYZ}), "tyz")
        assert notices == ["Narration is not available here: please read the text on the screen."]
    finally:
        narrator.close()
    (entry,) = speechlog.read_entries(speech_log)
    assert (entry["text"], entry["source"], entry["audio"]) == (TYZ, "none", None)


def test_a_broken_recording_falls_back_to_tts(qtbot, narrator, tmp_path, speech_log):
    broken = tmp_path / "audio" / "vi" / "step.wav"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVE this is not audio")
    with qtbot.waitSignal(narrator.started, timeout=10000) as started:
        narrator.speak(LocalizedText({"vi": VI}), "vi", audio={"vi": broken})
    assert started.args == ["tts", "vi"]
    qtbot.waitSignal(narrator.finished, timeout=10000).wait()
    assert [e["source"] for e in speechlog.read_entries(speech_log)] == ["tts"]


def test_a_missing_engine_leaves_the_text_and_a_note(
    qtbot, tmp_path, languages, monkeypatch, speech_log
):
    empty = tmp_path / "no-espeak-data"
    empty.mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(empty))  # espeak-ng exits in the worker
    broken = TtsEngine(WavCache(tmp_path / "cache"))
    narrator = Narrator(languages, engine=broken)
    try:
        notices = _notices(narrator)
        with qtbot.waitSignal(narrator.started, timeout=20000) as started:
            narrator.speak(VI, "vi")
        assert started.args == ["none", "vi"]
        assert notices[-1].startswith("Narration is not available")
        qtbot.waitSignal(narrator.finished, timeout=5000).wait()
        checks = {c.name: c for c in narrator.diagnostics()}
        assert not checks["engine"].ok and "could not start" in checks["engine"].message
    finally:
        narrator.close()
        broken.close()
    assert [e["source"] for e in speechlog.read_entries(speech_log)] == ["none"]


def test_any_key_or_click_interrupts(qtbot, narrator):
    button = QPushButton("Next")
    qtbot.addWidget(button)
    narrator.install_interrupt_filter(button)
    finished: list[bool] = []
    narrator.finished.connect(lambda: finished.append(True))
    long_text = "Đây là một câu rất dài. " * 8
    for press in (lambda: qtbot.keyClick(button, Qt.Key.Key_Space),
                  lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton)):
        with qtbot.waitSignal(narrator.started, timeout=10000):
            narrator.speak(long_text, "vi")
        with qtbot.waitSignal(narrator.stopped, timeout=1000):
            press()
        assert not narrator.is_speaking()
    qtbot.wait(300)
    assert finished == []


def test_long_text_plays_sentence_by_sentence_and_queue_keeps_order(qtbot, narrator, speech_log):
    text = "Mở điện thoại. Tìm ứng dụng. Bấm vào biểu tượng."
    sources: list[str] = []
    narrator.started.connect(lambda source, lang: sources.append(source))
    with qtbot.waitSignal(narrator.finished, timeout=20000):
        narrator.speak(text, "vi")
        narrator.speak("Xong rồi.", "vi", queue=True)
    first, second = speechlog.read_entries(speech_log)
    assert (first["text"], second["text"]) == (text, "Xong rồi.")
    assert len(first["parts"]) == 3 and len(set(first["parts"])) == 3
    assert sources == ["tts", "tts"]


def test_rate_is_clamped_and_announced(qtbot, narrator):
    changes: list[int] = []
    narrator.rateChanged.connect(changes.append)
    assert narrator.set_rate(1000) == RATE_MAX
    assert narrator.slower() == RATE_MAX - 20
    assert narrator.set_rate(10) == RATE_MIN
    assert narrator.slower() == RATE_MIN
    assert changes == [RATE_MAX - 20, RATE_MIN]


def test_narrate_uses_the_lesson_lexicon_and_renders_the_next_steps(
    qtbot, narrator, engine, tmp_path, speech_log
):
    steps = tuple(
        Step(f"s{i}", StepKind.EXPLAIN, LocalizedText({"vi": f"Bước {i}: đến UBND xã."}))
        for i in range(1, 5)
    )
    lesson = Lesson(id="demo", version=1, topic="public-services", minutes=5,
                    title=LocalizedText({"vi": "Thử"}), summary=LocalizedText({"vi": "Thử"}),
                    steps=steps, folder=tmp_path, lexicon={"UBND": "Ủy ban nhân dân"})
    with qtbot.waitSignal(narrator.started, timeout=10000):
        narrator.narrate(steps[0], "vi", lesson)
    entry = speechlog.read_entries(speech_log)[0]
    assert entry["spoken"] == "Bước 1: đến Ủy ban nhân dân xã."
    for ahead in steps[1:3]:
        spoken = ahead.text.values["vi"].replace("UBND", "Ủy ban nhân dân")
        qtbot.waitUntil(lambda s=spoken: engine.cached(s, "vi", narrator.rate) is not None,
                        timeout=10000)
    assert engine.cached("Bước 4: đến Ủy ban nhân dân xã.", "vi", narrator.rate) is None
    narrator.stop()


def test_one_utterance_at_its_own_rate_and_a_queued_step(qtbot, narrator, engine, speech_log):
    """A slower repeat: one utterance at another rate; the narrator's own rate stays."""
    step = Step("slow", StepKind.EXPLAIN, LocalizedText({"vi": "Bác nghe chậm lại nhé."}))
    with qtbot.waitSignal(narrator.finished, timeout=20000):
        narrator.speak("Xin chào.", "vi")
        narrator.narrate(step, "vi", queue=True, rate=RATE_MIN)
    first, second = speechlog.read_entries(speech_log)
    assert (first["text"], second["text"]) == ("Xin chào.", "Bác nghe chậm lại nhé.")
    slow = engine.cache.path(engine.key("Bác nghe chậm lại nhé.", "vi", RATE_MIN))
    assert second["parts"] == [str(slow)]
    assert first["parts"] == [str(engine.cache.path(engine.key("Xin chào.", "vi", RATE_MAX)))]
    assert narrator.rate == RATE_MAX


def test_a_closed_narrator_drops_late_results_and_is_deleted_on_this_thread(
    qtbot, engine, languages, caplog
):
    """Closed while its sentence still renders on a shared engine (as the UI tests share one):
    the result that arrives afterwards is dropped, and the narrator is deleted here, on the UI
    thread. Left to the garbage collector it was deleted on whatever thread collected, while
    the engine's thread handed it that result: the process crashed."""
    from concurrent.futures import wait

    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    narrator = Narrator(languages, engine=engine, rate=RATE_MAX)
    narrator.speak("Bác đóng ứng dụng khi câu này vẫn đang được đọc thành tiếng, chậm rãi.", "vi")
    future = narrator._utterance.segments[0].future  # the sentence now rendering
    qtbot.waitUntil(lambda: future.running() or future.done(), timeout=20_000)
    narrator.close()
    assert not narrator.is_speaking()
    narrator.stop()  # harmless once closed, as is speaking
    narrator.speak(VI, "vi")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(narrator)
    wait([future], timeout=20)
    qtbot.wait(50)  # a stray queued result would be delivered now
    assert not [r for r in caplog.records if r.name == "concurrent.futures"]
