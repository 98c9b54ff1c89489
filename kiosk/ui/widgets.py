"""Small building blocks shared by the screens: big buttons, readable text, images, scrolling.

Each helper bakes in a rule of DESIGN §4b so screens cannot forget it: buttons always get an
accessible name and description and a style role (sizes come from the theme), text blocks wrap
and use 1.5 line spacing, scroll areas follow the keyboard focus and scroll by touch. (Step
pictures live in kiosk.ui.picture, which the home screen does not need at start-up.)
`move_in_grid` gives the arrow-key behaviour of tile grids.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QWidget,
)

from kiosk.ui.theme import paragraph_html

log = logging.getLogger(__name__)


def set_state(widget: QWidget, name: str, value: str) -> None:
    """Change a style-sheet property (`role`, `state` ...) and re-polish the widget if shown."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    # A widget not yet polished picks the property up when it is first shown.
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        for child in widget.findChildren(QWidget):
            child.style().unpolish(child)
            child.style().polish(child)


def set_role(widget: QWidget, role: str) -> None:
    """Tag a widget for the style sheet (`QLabel[role="title"]` ...)."""
    set_state(widget, "role", role)


def big_button(text: str, name: str, description: str = "", role: str = "") -> QPushButton:
    """A pressable target with its accessible name set (never shorter than the theme's target)."""
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setAccessibleDescription(description)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setAutoDefault(False)
    if role:
        button.setProperty("role", role)
    return button


def describe(widget: QWidget, name: str, description: str = "") -> None:
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)


class TextBlock(QLabel):
    """Wrapped text with 1.5 line spacing; its accessible name is the plain text."""

    def __init__(self, role: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        # No automatic indent: with a style-sheet border QLabel measures its height with one
        # indent and paints with half of it, so a bordered block came out lines too tall.
        self.setIndent(0)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._plain = ""
        if role:
            self.setProperty("role", role)

    def set_plain(self, text: str, align: str = "left") -> None:
        self._plain = text
        self.setText(paragraph_html(text, align))
        self.setAccessibleName(text)

    def plain(self) -> str:
        return self._plain


class FocusScrollArea(QScrollArea):
    """A vertical scroll area that keeps the focused child in view and scrolls by touch."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Kinetic scrolling with a finger; a tap still reaches the buttons.
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        content = self.widget()
        if new is None or content is None or not content.isAncestorOf(new):
            return
        if new.height() + 48 > self.viewport().height():
            # Taller than the view (long step text at 200 %): show its beginning, not its middle.
            top = new.mapTo(content, new.rect().topLeft()).y()
            self.verticalScrollBar().setValue(max(0, top - 24))
        else:
            self.ensureWidgetVisible(new, 24, 24)


def move_in_grid(items: Sequence[QWidget], columns: int, key: int) -> bool:
    """Move focus among `items` laid out row by row in `columns` columns; True if handled."""
    visible = [w for w in items if w.isVisible() and w.isEnabled()]
    if not visible:
        return False
    focused = QApplication.focusWidget()
    if focused not in visible:
        visible[0].setFocus(Qt.FocusReason.OtherFocusReason)
        return True
    index = visible.index(focused)
    steps = {
        Qt.Key.Key_Left: -1,
        Qt.Key.Key_Right: 1,
        Qt.Key.Key_Up: -max(1, columns),
        Qt.Key.Key_Down: max(1, columns),
    }
    step = steps.get(Qt.Key(key))
    if step is None:
        return False
    target = max(0, min(len(visible) - 1, index + step))
    visible[target].setFocus(Qt.FocusReason.OtherFocusReason)
    return True


def activate_focused() -> bool:
    """Press the focused button, as Enter should on a kiosk (Qt only does that in dialogs)."""
    focused = QApplication.focusWidget()
    if isinstance(focused, QAbstractButton) and focused.isEnabled() and focused.isVisible():
        focused.click()
        return True
    return False
