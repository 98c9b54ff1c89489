"""Screens for every learner: language switch with honest labels, learner cards, accessibility."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.content.model import StepKind
from kiosk.i18n import _
from kiosk.ui.navigator import NavigationError, State
from kiosk.ui.voice import describe_focus, sibling_position


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Visible, enabled widgets a learner can focus or press (scroll bars are not focusable)."""
    return [
        w
        for w in root.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
    ]


def type_text(widget, text: str) -> None:
    """Type text character by character (QTest cannot type letters beyond Latin-1)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def choose_language(qtbot, window, name: str) -> None:
    click(qtbot, window.home.language_button)
    page = window.home.language_page
    assert window.home.current_page() is page
    tile = next(t for t in page.tiles if t.accessibleName() == name)
    click(qtbot, tile)
    assert window.home.current_page() is not page


def notes(window) -> list[str]:
    return [
        w.plain()
        for w in window.bar.findChildren(QLabel)
        if w.property("role") == "note" and w.isVisible()
    ]


def test_language_switch_labels_fallback_and_unreviewed(qtbot, press, kiosk_window):
    window = kiosk_window()
    choose_language(qtbot, window, "Tày")
    assert window.session.language.code == "tyz"
    assert window.session.store.get_learner(window.session.learner.id).language == "tyz"
    assert "Tày" in window.home.language_button.text()
    assert window.home.lesson_tiles[0].accessibleName() == "Nhấn nút điện thoại (bản thử)"
    press(Qt.Key.Key_Return)
    assert window.player.step_text.plain().startswith("Điện thoại mì lai nút")
    assert notes(window) == [_("Translation not yet checked")]
    press(Qt.Key.Key_Right)  # the practice step has no Tày text yet
    assert window.player.step_text.plain().startswith("Bác bấm nút")
    assert notes(window) == [_("Vietnamese — not yet translated")]


def test_language_picker_shows_native_and_vietnamese_names(qtbot, kiosk_window):
    window = kiosk_window()
    click(qtbot, window.home.language_button)
    page = window.home.language_page
    khmer = next(t for t in page.tiles if t.accessibleName() == "ភាសាខ្មែរ")
    lines = [b.plain() for b in khmer.lines if b.isVisible()]
    assert lines[:2] == ["ភាសាខ្មែរ", "Tiếng Khmer"]
    assert "Noto Sans Khmer" in khmer.lines[0].font().families()
    assert QApplication.focusWidget() is next(t for t in page.tiles if t.property("current"))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.home.current_page() is not page
    assert QApplication.focusWidget() is window.home.lesson_tiles[0]


def test_add_named_learner_card(qtbot, kiosk_window):
    window = kiosk_window()
    click(qtbot, window.home.learner_button)
    click(qtbot, window.home.learner_page.add_button)
    field = window.home.add_page.field
    assert QApplication.focusWidget() is field
    qtbot.keyClick(field, Qt.Key.Key_Return)  # empty name: a gentle message, no card
    assert window.home.add_page.message.isVisible()
    # Typed as an on-screen keyboard may send it: decomposed (NFD); the card is stored NFC.
    type_text(field, unicodedata.normalize("NFD", "Bà Tư"))
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert window.home.current_page() is window.home.decade_page  # optional: skipped
    click(qtbot, window.home.decade_page.skip_button)
    assert window.session.learner.name == "Bà Tư"
    assert not window.session.is_guest()
    assert "Bà Tư" in window.home.learner_button.text()
    # Back to the shared guest card.
    click(qtbot, window.home.learner_button)
    guest = window.home.learner_page.tiles[0]
    assert guest.accessibleName() == _("Guest")
    click(qtbot, guest)
    assert window.session.is_guest()


def test_home_arrow_keys_move_between_tiles(qtbot, press, kiosk_window):
    from pathlib import Path

    lessons = Path(__file__).resolve().parents[2] / "lessons"
    window = kiosk_window(lessons=[lessons, Path(__file__).parent / "fixtures" / "lessons"])
    tiles = window.home.lesson_tiles
    assert len(tiles) >= 2
    assert QApplication.focusWidget() is tiles[0]
    press(Qt.Key.Key_Right)
    assert QApplication.focusWidget() is tiles[1]
    press(Qt.Key.Key_Left)
    assert QApplication.focusWidget() is tiles[0]
    press(Qt.Key.Key_Down)
    below = tiles[min(len(tiles) - 1, window.home.grid.columns)]
    assert QApplication.focusWidget() is below
    press(Qt.Key.Key_Return)
    assert window.navigator.state is State.PLAYER


def test_text_size_keys_and_button(qtbot, press, kiosk_window):
    window = kiosk_window()
    assert window.scale == 1.0
    press(Qt.Key.Key_F2)
    assert window.scale == 1.5
    press(Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.scale == 2.0
    press(Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.scale == 1.5
    click(qtbot, window.size_button)
    assert window.scale == 2.0
    assert window.session.setting("ui.text_scale") == 2.0
    assert "200%" in window.size_button.text()


def audit(window, where: str) -> None:
    QApplication.processEvents()
    assert window.where.accessibleName(), where
    for widget in interactive_widgets(window):
        name = widget.accessibleName()
        assert name.strip(), f"{where}: {widget!r} has no accessible name"
        # What voice mode says on focus: the name first, then a role (and maybe state, place).
        spoken = widget.property("voice_name") or name  # a script the voice cannot read
        echo = describe_focus(widget, sibling_position(widget))
        assert echo.startswith(spoken.strip() + ", "), f"{where}: focus echo {echo!r}"
        if isinstance(widget, QLabel):
            continue  # focusable text (the step text) is read, not pressed
        assert widget.height() >= 64, f"{where}: {name!r} is {widget.height()} px high"
        assert widget.accessibleDescription(), f"{where}: {name!r} has no description"


def visit_everything(qtbot, press, window, check) -> None:
    check("home")
    click(qtbot, window.home.language_button)
    check("language picker")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    click(qtbot, window.home.learner_button)
    check("learner cards")
    click(qtbot, window.home.learner_page.add_button)
    check("add learner")
    window.home.add_page.field.insert("Lan")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    check("birth decade")
    for _page in ("birth decade", "add learner", "learner cards"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    window.home.lesson_tiles[0].setFocus()
    press(Qt.Key.Key_Return)
    player = window.player
    for step in player.lesson.steps:
        check(f"{step.kind.value} step")
        if step.kind is StepKind.PRACTICE:
            player.phone.show_target()
            for button in player.phone.buttons:
                click(qtbot, button)
        elif step.kind is StepKind.QUIZ:
            press(Qt.Key.Key_1)
        check(f"{step.kind.value} step after the learner acted")
        press(Qt.Key.Key_Right)
    check("completion")
    from tests.ui.test_ui_technician import walk_technician

    walk_technician(qtbot, window, check)  # Ctrl+Alt+T, the PIN, every technician page


def test_every_widget_named_and_big_enough(qtbot, press, kiosk_window):
    window = kiosk_window()
    visit_everything(qtbot, press, window, lambda where: audit(window, where))


def test_every_widget_named_in_voice_mode(qtbot, press, kiosk_window):
    window = kiosk_window(voice=True)
    assert window.voice.enabled and window.voice_button.text().startswith("✓")
    assert window.voice_button.accessibleName() == _("Voice mode") + ": " + _("on")
    visit_everything(qtbot, press, window, lambda where: audit(window, where + " (voice)"))


def test_nothing_clipped_at_200_percent(qtbot, press, kiosk_window):
    window = kiosk_window()
    window.set_text_scale(2.0)

    def check(where: str) -> None:
        audit(window, where + " at 200%")
        for widget in interactive_widgets(window):
            if isinstance(widget, QLabel) or widget.metaObject().className() == "HotspotButton":
                continue
            hint = widget.minimumSizeHint()
            text = getattr(widget, "text", lambda: "")()
            if text:  # a one-line button shows its whole label
                needed = widget.fontMetrics().horizontalAdvance(text)
                assert widget.width() >= needed, f"{where}: {text!r} clipped"
            assert widget.height() >= min(hint.height(), 64), where
        assert window.width() <= 1366 and window.height() <= 768

    visit_everything(qtbot, press, window, check)


def test_navigator_refuses_impossible_moves(kiosk_window):
    window = kiosk_window()
    with pytest.raises(NavigationError):
        window.navigator.go(State.DONE, lesson_id="ui-demo")
    assert window.navigator.state is State.HOME
