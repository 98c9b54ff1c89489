"""Panels shown over the whole window: the idle question, help, the key tutorial.

An `Overlay` covers the window completely with a plain dark backdrop (what was on the screen
behind is hidden: the next person never sees the last one's lesson) and holds a centred card
with big text and big buttons. While it is up it is modal: the main window sends it every key
first (`handle_key`), Tab and the arrows move between its buttons only, Enter presses the
focused one, Escape does what `escape()` says (close, by default). A click on the backdrop does
what `backdrop_clicked` says (nothing, by default). When it closes the keyboard focus goes back
where it was. `OverlayHost` (one per window) keeps the stack of open overlays.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.keys import ENTER
from kiosk.ui.theme import PALETTE
from kiosk.ui.widgets import TextBlock, activate_focused

log = logging.getLogger(__name__)

CARD_WIDTH = 960  # at most; never wider than the window less a margin
_MOVE_KEYS = {
    Qt.Key.Key_Tab: 1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1,
    Qt.Key.Key_Backtab: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1,
}


class Overlay(QWidget):
    """A modal panel over the whole window; subclasses fill `self.body` and `self.buttons`."""

    closed = Signal()

    def __init__(self, window: QWidget, name: str) -> None:
        super().__init__(window)
        self.setObjectName("overlayBackdrop")
        self.setProperty("overlay", name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(
            f"#overlayBackdrop {{ background: {PALETTE.bar}; }}"
            f"#overlayCard {{ background: {PALETTE.background}; border: 5px solid "
            f"{PALETTE.focus}; border-radius: 18px; }}"
        )
        self.window_ = window
        self.host: OverlayHost | None = None
        self._return_focus: QWidget | None = None
        self.card = QFrame()
        self.card.setObjectName("overlayCard")
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(40, 32, 40, 32)
        self.body.setSpacing(24)
        self.heading = TextBlock("title")
        self.body.addWidget(self.heading)
        # Centred by stretches, not by an alignment flag: an aligned widget gets its size
        # hint, and wrapped text in the card would lose its second line.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()
        window.installEventFilter(self)

    # -- geometry: always the whole window -------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.window_ and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self.window_.rect())
        self.card.setFixedWidth(max(320, min(CARD_WIDTH, self.window_.width() - 96)))

    # -- opening and closing ---------------------------------------------------------------

    def buttons(self) -> list[QAbstractButton]:
        """The pressable things on the card, in order (Tab and arrows cycle through them)."""
        return [b for b in self.card.findChildren(QAbstractButton)
                if b.isVisible() and b.isEnabled()]

    def default_button(self) -> QWidget | None:
        found = self.buttons()
        return found[0] if found else None

    def open(self) -> None:
        from PySide6.QtWidgets import QApplication

        focused = QApplication.focusWidget()
        if focused is not None and not self.isAncestorOf(focused):
            self._return_focus = focused
        self._fit()
        self.show()
        self.raise_()
        self.focus_default()

    def focus_default(self) -> None:
        target = self.default_button()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        back = self._return_focus
        self._return_focus = None
        if self.host is not None:
            self.host.closed(self)
        if back is not None and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    # -- input -----------------------------------------------------------------------------

    def escape(self) -> None:
        self.close_overlay()

    def backdrop_clicked(self) -> None:
        """A click outside the card."""

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt naming)
        if not self.card.geometry().contains(event.position().toPoint()):
            self.backdrop_clicked()
        event.accept()

    def handle_key(self, event: QKeyEvent) -> bool:
        """Every key while the overlay is up; True when used (the window then stops)."""
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            self.escape()
            return True
        if key in _MOVE_KEYS:
            self._move(_MOVE_KEYS[key])
            return True
        if key in ENTER:
            if not activate_focused():
                target = self.default_button()
                if isinstance(target, QAbstractButton):
                    target.click()
            return True
        return False

    def _move(self, step: int) -> None:
        from PySide6.QtWidgets import QApplication

        found = self.buttons()
        if not found:
            return
        focused = QApplication.focusWidget()
        index = found.index(focused) if focused in found else -step
        found[(index + step) % len(found)].setFocus(Qt.FocusReason.TabFocusReason)

    def retranslate(self) -> None:
        """Re-read the strings (the language changed while the overlay is up)."""


class OverlayHost:
    """The stack of open overlays of one window (the newest has the keys)."""

    def __init__(self) -> None:
        self.stack: list[Overlay] = []

    @property
    def current(self) -> Overlay | None:
        return self.stack[-1] if self.stack else None

    def open(self, overlay: Overlay) -> None:
        if overlay in self.stack:
            self.stack.remove(overlay)
        overlay.host = self
        self.stack.append(overlay)
        overlay.open()

    def closed(self, overlay: Overlay) -> None:
        if overlay in self.stack:
            self.stack.remove(overlay)
        top = self.current
        if top is not None:
            top.raise_()
            top.focus_default()

    def close_all(self) -> None:
        for overlay in list(reversed(self.stack)):
            overlay.close_overlay()

    def retranslate(self) -> None:
        for overlay in self.stack:
            overlay.retranslate()
