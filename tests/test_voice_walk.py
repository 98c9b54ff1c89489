"""A whole lesson in voice mode, by key presses only, with real espeak-ng speech.

The kiosk is built as `kiosk run --voice` builds it (kiosk.ui.app.start_speech attaches the
real narrator after the home screen is up). The speech log (KIOSK_SPEECH_LOG) is what a blind
learner heard: it must hold, in order, the home announcement, the lesson title, every step's
narration, the quiz question and its answers, the feedback and the completion; the progress
must be on disk afterwards (`kiosk progress --json`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.cli import main as kiosk_main
from kiosk.content.catalog import load_curriculum
from kiosk.content.languages import load_languages
from kiosk.content.model import StepKind
from kiosk.i18n import _
from kiosk.speech import speechlog
from kiosk.speech.cache import WavCache
from kiosk.speech.engine import RATE_MAX, TtsEngine
from kiosk.store import open_store
from kiosk.ui import theme
from kiosk.ui.app import load_fonts, start_speech
from kiosk.ui.navigator import State
from kiosk.ui.screens.done import CHEER
from kiosk.ui.session import Session
from kiosk.ui.voice import VOICE_ON
from kiosk.ui.window import MainWindow, apply_language_font

FIXTURE_LESSONS = Path(__file__).parent / "ui" / "fixtures" / "lessons"
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TtsEngine]:
    tts = TtsEngine(WavCache(tmp_path_factory.mktemp("tts-cache")))
    assert tts.wait_ready(60).state == "ready"
    yield tts
    tts.close()


def texts(log: Path) -> list[str]:
    return [entry["text"] for entry in speechlog.read_entries(log)]


def test_whole_lesson_in_voice_mode_by_keys_only(
    qtbot, qapp, data_dir, tmp_path, monkeypatch, engine, capsys
):
    log = tmp_path / "speech.jsonl"
    monkeypatch.setenv(speechlog.ENV, str(log))
    load_fonts(config.assets_dir() / "fonts")
    store = open_store(config.database_path(data_dir))
    # The learner once chose the fastest voice (+ pressed many times): the walk stays short.
    store.set_learner_speech_rate(store.guest().id, RATE_MAX)
    languages = load_languages()
    session = Session(store, load_curriculum([FIXTURE_LESSONS], languages), languages, "vi")
    apply_language_font(qapp, tuple(session.language.fonts))
    qapp.setStyleSheet(theme.stylesheet(1.0))
    window = MainWindow(session, voice=True)  # what `kiosk run --voice` builds
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.start()
    window.activateWindow()
    qtbot.waitExposed(window)
    narrator = start_speech(window, languages, data_dir, engine=engine)
    assert narrator is not None and narrator.rate == RATE_MAX

    def heard(text: str) -> None:
        try:
            qtbot.waitUntil(lambda: text in texts(log), timeout=WAIT_MS)
        except Exception:
            raise AssertionError(f"{text!r} never heard; log: {texts(log)!r}") from None

    def press(key: Qt.Key) -> None:
        focused = QApplication.focusWidget()
        assert focused is not None, "nothing has the keyboard focus"
        qtbot.keyClick(focused, key)

    try:
        lesson = session.lessons[0]
        announcement = _(VOICE_ON)
        heard(announcement)
        press(Qt.Key.Key_Return)  # the first lesson tile has the focus on arrival
        assert window.navigator.state is State.PLAYER
        heard(lesson.title.values["vi"])
        expected = [announcement, lesson.title.values["vi"]]
        player = window.player
        for index, step in enumerate(lesson.steps):
            assert player.index == index
            heard(step.text.values["vi"])
            expected.append(step.text.values["vi"])
            if step.kind is StepKind.PRACTICE:
                press(Qt.Key.Key_Tab)  # the first place to press, described by voice
                for _hotspot in step.hotspots:
                    press(Qt.Key.Key_Return)
                assert player.phone.is_complete
                heard(step.success.values["vi"])
                expected.append(step.success.values["vi"])
            elif step.kind is StepKind.QUIZ:
                answers = [f"{n}. {c.text.values['vi']}" for n, c in enumerate(step.choices, 1)]
                for answer in answers:
                    heard(answer)
                expected += answers
                right = next(i for i, c in enumerate(step.choices) if c.correct)
                press(getattr(Qt.Key, f"Key_{right + 1}"))
                feedback = step.choices[right].feedback.values["vi"]
                heard(feedback)
                expected.append(feedback)
            press(Qt.Key.Key_Return)
        assert window.navigator.state is State.DONE
        heard(_(CHEER))
        expected += [_(CHEER), lesson.title.values["vi"]]
        title = lesson.title.values["vi"]
        qtbot.waitUntil(lambda: texts(log).count(title) == 2, timeout=WAIT_MS)
        press(Qt.Key.Key_Return)
        assert window.navigator.state is State.HOME
    finally:
        window.close()
        QApplication.instance().removeEventFilter(window)
        narrator.close()

    entries = speechlog.read_entries(log)
    said = [e["text"] for e in entries]
    position = 0
    for text in expected:  # in this order, with focus echoes and hints in between
        assert text in said[position:], f"{text!r} missing after {said[:position]!r}"
        position = said.index(text, position) + 1
    assert all(e["source"] == "tts" and e["lang"] == "vi" for e in entries), entries
    assert all(Path(p).is_file() for e in entries for p in e["parts"])
    # Earcons were asked for (the test PC has no sound card, so they stayed silent).
    history = window.voice.earcons.history
    assert history.index("step") < history.index("correct") < history.index("done")

    store.close()
    capsys.readouterr()
    assert kiosk_main(["progress", "--json", "--data", str(data_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    (entry,) = [x for learner in report["learners"] for x in learner["lessons"]]
    assert entry["id"] == lesson.id and entry["completed"] is True
    assert entry["steps_done"] == entry["steps_total"] == len(lesson.steps)
