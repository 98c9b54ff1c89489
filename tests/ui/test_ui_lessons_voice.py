"""Every lesson on disk played end to end in voice mode, keyboard only, checked by ear.

One test per folder in lessons/ (a new lesson is covered without editing this file). The
kiosk runs as `kiosk run --voice` builds it, with real espeak-ng speech at the fastest rate a
learner can choose (the `spoken_window` fixture); what a blind learner heard is read back from
the speech log. The learner uses only the keys of DESIGN §8: Enter on the lesson tile, Space
to hear the first step again, Left and Right, Tab to each place to press and Enter to press
it, Down through the quiz answers, a wrong and then the right digit, Escape back to the lessons
in the middle and Enter to come back to the same step, and Enter on the completion screen.

Every key cuts the voice short, as it does for a learner who has heard enough, so the test
waits only for each utterance to *start* (the log line is written when sound starts) and a
lesson takes a few seconds. What voice mode queues behind a practice step's text (the picture
description, then "Press Tab to find the place to press, then Enter") is the same for every
lesson and is heard to the end once, on the short fixture lesson.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.cli import main as kiosk_main
from kiosk.content.catalog import lesson_folders
from kiosk.content.model import StepKind
from kiosk.i18n import _
from kiosk.speech import speechlog
from kiosk.ui.navigator import State
from kiosk.ui.screens.done import CHEER
from kiosk.ui.screens.player import PICTURE, PRACTICE_HOW
from kiosk.ui.voice import VOICE_ON

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
LESSONS = lesson_folders(REPO_LESSONS)
WAIT_MS = 30_000  # a long step text is rendered sentence by sentence on a busy machine


def said(log: Path) -> list[str]:
    return [entry["text"] for entry in speechlog.read_entries(log)]


@pytest.mark.skipif(not LESSONS, reason="no built-in lessons yet")
@pytest.mark.parametrize("folder", LESSONS, ids=[folder.name for folder in LESSONS])
def test_lesson_plays_in_voice_mode_by_keys(
    qtbot, press, spoken_window, heard, speech_log, data_dir, capsys, folder
):
    window = spoken_window(voice=True, lessons=[folder])
    (lesson,) = window.session.lessons
    player = window.player

    def text_of(localized) -> str:
        return window.session.pick(localized).text

    def key_then_hear(key: Qt.Key, *texts: str) -> None:
        """Press `key`, then wait until each of `texts` is said once more than before."""
        before = said(speech_log)
        press(key)
        for text in texts:
            heard(text, times=before.count(text) + 1, timeout=WAIT_MS)

    def echo_of(widget) -> str:
        return window.voice.focus_text(widget).values[window.session.language.code]

    heard(_(VOICE_ON))
    title = text_of(lesson.title)
    first = text_of(lesson.steps[0].text)
    # The lesson tile has the focus on arrival: its title, then the first step.
    key_then_hear(Qt.Key.Key_Return, title, first)
    assert window.navigator.state is State.PLAYER
    key_then_hear(Qt.Key.Key_Space, first)  # once more, please
    practised = escaped = False
    for index, step in enumerate(lesson.steps):
        assert player.index == index, f"expected step {step.id}"
        text = text_of(step.text)  # heard already: the key that brought us here waited for it
        if practised and not escaped:
            # Escape to the lessons after the first practice; Enter comes back to this step.
            escaped = True
            press(Qt.Key.Key_Escape)
            assert window.navigator.state is State.HOME
            key_then_hear(Qt.Key.Key_Return, title)  # the lesson again, at the same step
            assert window.navigator.state is State.PLAYER and player.index == index
        if index == 1:  # back one step and forward again: both are read again
            key_then_hear(Qt.Key.Key_Left, first)
            key_then_hear(Qt.Key.Key_Right, text)
        if step.kind is StepKind.PRACTICE:
            practised = True
            for n, hotspot in enumerate(step.hotspots):
                # Tab goes round the places to press; each is named as the focus reaches it.
                while True:
                    times = said(speech_log)
                    press(Qt.Key.Key_Tab)
                    focused = player.phone.focused_hotspot()
                    assert focused is not None
                    echo = echo_of(focused)
                    heard(echo, times=times.count(echo) + 1, timeout=WAIT_MS)
                    if focused.index == n:
                        break
                assert echo.startswith(text_of(hotspot.label) + ", ")
                press(Qt.Key.Key_Return)
            assert player.phone.is_complete
            if step.success is not None:
                heard(text_of(step.success), timeout=WAIT_MS)
        elif step.kind is StepKind.QUIZ:
            answers = zip(player.quiz.tiles, step.choices, strict=True)
            for n, (tile, choice) in enumerate(answers, start=1):
                press(Qt.Key.Key_Down)  # through the answers, each read as it gets the focus
                assert QApplication.focusWidget() is tile
                echo = echo_of(tile)
                assert echo.startswith(f"{n}. {text_of(choice.text)}, ")
                heard(echo, timeout=WAIT_MS)
            wrong = next(i for i, c in enumerate(step.choices) if not c.correct)
            right = next(i for i, c in enumerate(step.choices) if c.correct)
            for choice in (wrong, right):
                key = getattr(Qt.Key, f"Key_{choice + 1}")
                key_then_hear(key, text_of(step.choices[choice].feedback))
                assert player.quiz.chosen == step.choices[choice].id
        # Right arrow, or Enter on Next (which has the focus after a practice or an answer).
        key = Qt.Key.Key_Right if step.kind is StepKind.EXPLAIN else Qt.Key.Key_Return
        if index + 1 < len(lesson.steps):
            key_then_hear(key, text_of(lesson.steps[index + 1].text))
        else:  # the completion screen is announced
            key_then_hear(key, _(CHEER))
    assert escaped
    assert window.navigator.state is State.DONE
    press(Qt.Key.Key_Return)
    assert window.navigator.state is State.HOME

    window.session.store.close()
    capsys.readouterr()
    assert kiosk_main(["progress", "--json", "--data", str(data_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    (entry,) = [x for learner in report["learners"] for x in learner["lessons"]]
    assert entry["id"] == lesson.id and entry["completed"] is True
    assert entry["steps_done"] == entry["steps_total"] == len(lesson.steps)


def test_practice_step_says_picture_and_how_to_press(qtbot, press, spoken_window, heard):
    window = spoken_window(voice=True)  # the fixture lesson: short texts, heard to the end
    heard(_(VOICE_ON))
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    step = window.player.step
    assert step.kind is StepKind.PRACTICE and step.alt is not None
    heard(step.text.values["vi"], timeout=WAIT_MS)
    heard(_(PICTURE).format(description=step.alt.values["vi"]), timeout=WAIT_MS)
    heard(_(PRACTICE_HOW), timeout=WAIT_MS)
