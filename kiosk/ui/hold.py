"""Press and hold: the touch-screen way into the technician screen, where there is no keyboard.

`HoldToOpen(widget, action)` calls `action` when a finger (or the mouse) stays on the top-left
corner of `widget` for five seconds without lifting; lifting it earlier, or leaving the
widget, cancels. The window puts it on the where-am-I title at the top left, so a learner's
ordinary taps never open anything. Kept apart from the technician screen so the window can use
it without loading that screen at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QWidget

HOLD_MS = 5000
CORNER_PX = 160


class HoldToOpen(QObject):
    """Calls `action` after `ms` of holding the top-left corner of `widget`."""

    def __init__(self, widget: QWidget, action: Callable[[], None], ms: int = HOLD_MS) -> None:
        super().__init__(widget)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(ms)
        self.timer.timeout.connect(action)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            point = event.position()
            if point.x() <= CORNER_PX and point.y() <= CORNER_PX:
                self.timer.start()
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.Leave, QEvent.Type.Hide):
            self.timer.stop()
        return False
