"""Whole lessons walked like a learner would: keys only, clicks only; progress lands on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.cli import main as kiosk_main
from kiosk.content.model import StepKind
from kiosk.i18n import _
from kiosk.ui.navigator import State

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"


def progress_json(capsys, data_dir: Path) -> dict:
    capsys.readouterr()
    assert kiosk_main(["progress", "--json", "--data", str(data_dir)]) == 0
    return json.loads(capsys.readouterr().out)


def lesson_entry(report: dict, lesson_id: str) -> dict:
    entries = [
        x for learner in report["learners"] for x in learner["lessons"] if x["id"] == lesson_id
    ]
    assert entries, report
    return entries[0]


def walk_with_keys(press, window, lesson) -> None:
    """From the player's first step to the completion screen with the keyboard only."""
    player = window.player
    for index, step in enumerate(lesson.steps):
        assert player.index == index
        assert f"{index + 1}" in window.where.plain()
        if step.kind is StepKind.PRACTICE:
            for n in range(len(step.hotspots)):
                press(Qt.Key.Key_Tab)
                while player.phone.focused_hotspot().index != n:
                    press(Qt.Key.Key_Tab)
                press(Qt.Key.Key_Return)
            assert player.phone.is_complete
        elif step.kind is StepKind.QUIZ:
            right = next(i for i, c in enumerate(step.choices) if c.correct)
            press(getattr(Qt.Key, f"Key_{right + 1}"))
            assert player.quiz.chosen == step.choices[right].id
        press(Qt.Key.Key_Return)
    assert window.navigator.state is State.DONE


def test_fixture_lesson_with_keys_only(qtbot, press, kiosk_window, data_dir, capsys):
    window = kiosk_window()
    home = window.home
    assert QApplication.focusWidget() is home.lesson_tiles[0]
    press(Qt.Key.Key_Return)
    assert window.navigator.state is State.PLAYER
    lesson = window.player.lesson
    assert lesson.id == "ui-demo"
    walk_with_keys(press, window, lesson)
    assert lesson.steps[0].text.values["vi"] not in window.done.cheer.plain()
    assert "Bấm nút trên điện thoại" in window.done.lesson_title.plain()
    press(Qt.Key.Key_Return)
    assert window.navigator.state is State.HOME
    assert "✓" in window.home.lesson_tiles[0].accessibleDescription()
    window.session.store.close()
    entry = lesson_entry(progress_json(capsys, data_dir), "ui-demo")
    assert entry["completed"] is True
    assert entry["steps_done"] == entry["steps_total"] == 4


def _click_center(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_fixture_lesson_with_clicks_only(qtbot, press, kiosk_window, data_dir, capsys):
    window = kiosk_window()
    _click_center(qtbot, window.home.lesson_tiles[0])
    player = window.player
    _click_center(qtbot, player.next_button)
    assert player.step.kind is StepKind.PRACTICE
    assert not player.next_button.isEnabled()
    image = player.phone.image
    for hotspot in player.step.hotspots:
        r = hotspot.rect
        area = image.map_from_image(r.x, r.y, r.width, r.height)
        pos = area.center().toPoint()
        target = image.childAt(pos)  # what a finger at that place on the screen touches
        assert target is not None and target.accessibleName() == hotspot.label.values["vi"]
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(image, pos))
    assert player.next_button.isEnabled()
    assert "Đúng rồi" in player.message.plain()
    _click_center(qtbot, player.next_button)
    assert player.step.kind is StepKind.QUIZ
    _click_center(qtbot, player.quiz.tiles[1])  # a wrong answer first: gentle feedback
    assert player.quiz.feedback.isVisible()
    assert "Chưa đúng" in player.quiz.feedback.plain()
    _click_center(qtbot, player.quiz.tiles[0])
    assert "✓" in player.quiz.feedback.plain()
    _click_center(qtbot, player.next_button)
    _click_center(qtbot, player.next_button)  # summary: finish
    assert window.navigator.state is State.DONE
    _click_center(qtbot, window.done.home_button)
    assert window.navigator.state is State.HOME
    window.session.store.close()
    assert lesson_entry(progress_json(capsys, data_dir), "ui-demo")["completed"] is True


def test_wrong_tap_shows_hint_then_target(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    player = window.player
    image = player.phone.image
    empty = image.map_from_image(180, 350, 1, 1).center().toPoint()  # between the two buttons
    assert image.childAt(empty) is None
    qtbot.mouseClick(image, Qt.MouseButton.LeftButton, pos=empty)
    hint = player.step.hint.values["vi"]
    assert player.message.isVisible() and hint in player.message.plain()
    assert player.message.property("role") == "hint"
    assert not player.phone.target_highlighted()
    qtbot.mouseClick(image, Qt.MouseButton.LeftButton, pos=empty)
    assert player.phone.target_highlighted()  # after two wrong taps the place is shown
    assert player.phone.buttons[0].highlighted
    # Pressing the second place before the first is also a wrong tap, never a silent success.
    qtbot.mouseClick(player.phone.buttons[1], Qt.MouseButton.LeftButton)
    assert player.phone.wrong_taps == 3 and not player.phone.is_complete


def test_show_me_outlines_target(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    player = window.player
    assert player.show_me.isVisible()
    _click_center(qtbot, player.show_me)
    assert player.phone.buttons[0].highlighted


def test_resume_after_restart(qtbot, press, kiosk_window, data_dir):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)  # step 1 done, now on the practice step
    assert window.player.index == 1
    window.close()
    window.session.store.close()
    QApplication.instance().removeEventFilter(window)

    again = kiosk_window(data=data_dir)
    home = again.home
    assert home.continue_tile.isVisible()
    assert QApplication.focusWidget() is home.continue_tile
    press(Qt.Key.Key_Return)
    assert again.player.index == 1
    assert again.player.step.kind is StepKind.PRACTICE


def test_escape_goes_home_and_keeps_progress(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Escape)
    assert window.navigator.state is State.HOME
    progress = window.session.progress()["ui-demo"]
    assert progress.steps_done == 1 and not progress.completed
    assert window.home.continue_tile.isVisible()
    assert "1/4" in window.home.lesson_tiles[0].accessibleDescription()
    # Left goes back a step from where we resumed, and that is remembered too.
    press(Qt.Key.Key_Return)
    assert window.player.index == 1
    press(Qt.Key.Key_Left)
    assert window.player.index == 0
    assert window.session.store.resume_step(window.session.learner.id, "ui-demo") == 0


def test_quiz_next_needs_an_answer(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    player = window.player
    player.go_next()
    player.phone.show_target()
    for button in player.phone.buttons:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    press(Qt.Key.Key_Right)
    assert player.step.kind is StepKind.QUIZ
    assert not player.next_button.isEnabled()
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Return)
    assert player.step.kind is StepKind.QUIZ  # still here: no answer yet
    assert player.message.isVisible()  # and told, gently, why
    press(Qt.Key.Key_9)  # there is no ninth answer: nothing happens
    assert player.quiz.chosen is None
    press(Qt.Key.Key_2)
    assert player.quiz.chosen == "hold"
    assert player.next_button.isEnabled()
    assert QApplication.focusWidget() is player.next_button


def test_space_repeat_and_held_keys_do_not_skip(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    player = window.player
    press(Qt.Key.Key_Space)  # repeat narration: stays on the step
    assert player.index == 0
    # An auto-repeated key (a hand resting on it) must not race through the lesson.
    qtbot.keyPress(QApplication.focusWidget(), Qt.Key.Key_Right)
    from PySide6.QtGui import QKeyEvent

    held = QKeyEvent(
        QKeyEvent.Type.KeyPress, Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier, "", True
    )
    QApplication.sendEvent(QApplication.focusWidget(), held)
    assert player.index == 1


@pytest.mark.skipif(not any(REPO_LESSONS.glob("*/lesson.yaml")), reason="no built-in lessons yet")
def test_every_builtin_lesson_with_keys_only(qtbot, press, kiosk_window, data_dir, capsys):
    window = kiosk_window(lessons=[REPO_LESSONS])
    ids = [lesson.id for lesson in window.session.lessons]
    assert ids
    for n, lesson_id in enumerate(ids):
        home = window.home
        tile = home.lesson_tiles[n]
        tile.setFocus()
        press(Qt.Key.Key_Return)
        assert window.player.lesson.id == lesson_id
        walk_with_keys(press, window, window.player.lesson)
        press(Qt.Key.Key_Return)
    window.session.store.close()
    report = progress_json(capsys, data_dir)
    for lesson_id in ids:
        assert lesson_entry(report, lesson_id)["completed"] is True


def test_where_am_i_line_in_player(qtbot, press, kiosk_window):
    window = kiosk_window()
    press(Qt.Key.Key_Return)
    assert window.where.plain().endswith(_("Step {n} of {total}").format(n=1, total=4))
    assert window.where.plain().startswith("Bấm nút trên điện thoại")
    assert window.where.accessibleName() == window.where.plain()
    assert window.home_button.isVisible()
    press(Qt.Key.Key_Right)
    assert window.where.plain().endswith(_("Step {n} of {total}").format(n=2, total=4))
