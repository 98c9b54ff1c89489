"""Every lesson on disk played end to end by touch, as a learner's finger would play it.

One test per folder in lessons/ (a new lesson is covered without editing this file): the
lesson tile on the home screen, Next, a tap beside the practice target (gentle help), then
each place to press, a wrong and then the right quiz answer, Finish, the completion screen's
home button. Every tap is a real mouse click on whatever widget lies under that point of the
window, so a button hidden under another, or a hotspot drawn off its picture, fails here.
Afterwards `kiosk progress --json` must list the lesson as completed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from kiosk.cli import main as kiosk_main
from kiosk.content.catalog import lesson_folders
from kiosk.content.model import StepKind
from kiosk.ui.navigator import State

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
LESSONS = lesson_folders(REPO_LESSONS)


def tap(qtbot, widget: QWidget, point: QPoint | None = None) -> None:
    """Click where a finger would touch `widget` (its centre unless `point` is given)."""
    window = widget.window()
    point = widget.rect().center() if point is None else point
    touched = window.childAt(widget.mapTo(window, point))
    assert touched is widget or widget.isAncestorOf(touched), (
        f"a finger on {widget.accessibleName()!r} touches {touched!r} instead"
    )
    qtbot.mouseClick(touched, Qt.MouseButton.LeftButton, pos=touched.mapFrom(widget, point))


def empty_spot(image) -> QPoint | None:
    """A point on the practice picture that no place to press covers."""
    area = image.image_rect()
    for fy in (0.5, 0.35, 0.65, 0.2, 0.8):
        for fx in (0.5, 0.25, 0.75):
            point = QPoint(
                round(area.x() + area.width() * fx), round(area.y() + area.height() * fy)
            )
            if image.childAt(point) is None:
                return point
    return None


def play_practice(qtbot, player) -> None:
    step, phone = player.step, player.phone
    assert not player.next_button.isEnabled()  # "try" comes before going on
    miss = empty_spot(phone.image)
    assert miss is not None, "the places to press cover the whole picture"
    tap(qtbot, phone.image, miss)
    assert player.message.isVisible() and player.message.property("role") == "hint"
    assert phone.wrong_taps == 1 and not phone.is_complete
    for hotspot, button in zip(step.hotspots, phone.buttons, strict=True):
        r = hotspot.rect
        centre = phone.image.map_from_image(r.x, r.y, r.width, r.height).center().toPoint()
        assert phone.image.childAt(centre) is button, f"{hotspot.id}: not under its own place"
        assert button.accessibleName() == player.session.pick(hotspot.label).text
        tap(qtbot, phone.image, centre)
        assert button.done, f"{hotspot.id}: the tap did not press it"
    assert phone.is_complete and player.next_button.isEnabled()
    assert player.message.property("role") == "success"
    if step.success is not None:
        assert player.session.pick(step.success).text in player.message.plain()


def play_quiz(qtbot, player) -> None:
    step, quiz = player.step, player.quiz
    assert not player.next_button.isEnabled()
    wrong = next(i for i, c in enumerate(step.choices) if not c.correct)
    right = next(i for i, c in enumerate(step.choices) if c.correct)
    tap(qtbot, quiz.tiles[wrong])
    assert quiz.chosen == step.choices[wrong].id
    assert quiz.feedback.isVisible() and quiz.feedback.property("role") == "hint"
    assert player.session.pick(step.choices[wrong].feedback).text in quiz.feedback.plain()
    tap(qtbot, quiz.tiles[right])
    assert quiz.chosen == step.choices[right].id
    assert quiz.feedback.property("role") == "success"
    assert player.session.pick(step.choices[right].feedback).text in quiz.feedback.plain()
    assert player.next_button.isEnabled()


@pytest.mark.skipif(not LESSONS, reason="no built-in lessons yet")
@pytest.mark.parametrize("folder", LESSONS, ids=[folder.name for folder in LESSONS])
def test_lesson_plays_by_touch(qtbot, kiosk_window, data_dir, capsys, folder):
    window = kiosk_window(lessons=[folder])
    (lesson,) = window.session.lessons
    (tile,) = window.home.lesson_tiles
    tap(qtbot, tile)
    assert window.navigator.state is State.PLAYER
    player = window.player
    assert player.lesson is lesson and player.index == 0
    for index, step in enumerate(lesson.steps):
        assert player.index == index, f"expected step {step.id}"
        if step.kind is StepKind.PRACTICE:
            play_practice(qtbot, player)
        elif step.kind is StepKind.QUIZ:
            play_quiz(qtbot, player)
        tap(qtbot, player.next_button)
    assert window.navigator.state is State.DONE
    assert player.session.pick(lesson.title).text in window.done.lesson_title.plain()
    tap(qtbot, window.done.home_button)
    assert window.navigator.state is State.HOME
    assert "✓" in window.home.lesson_tiles[0].accessibleDescription()

    window.session.store.close()
    capsys.readouterr()
    assert kiosk_main(["progress", "--json", "--data", str(data_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    (entry,) = [x for learner in report["learners"] for x in learner["lessons"]]
    assert entry["id"] == lesson.id and entry["completed"] is True
    assert entry["steps_done"] == entry["steps_total"] == len(lesson.steps)
