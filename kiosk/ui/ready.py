"""`--exit-when-ready`: decide when the home screen is really usable, report it, and quit.

"Ready" means the window is shown, the home screen has been painted, and its first lesson
tile (or the "continue" tile) has the keyboard focus, so a learner pressing Enter would open
a lesson. The probe watches for the first paint of that tile, then checks focus on the next
turn of the event loop, prints `ready in N ms` (N counted from the process start) and ends
the event loop with 0. If that never happens it says why on stderr and exits 1. Once it has
reported, the probe stops its timers: a late `QApplication.exit()` with no `exec()` running
would make every later nested event loop of the process return at once.
`AfterFirstPaint` runs a callback once the home screen is painted (the app starts speech so).
"""

from __future__ import annotations

import logging
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


class ReadyProbe(QObject):
    def __init__(self, window, started: float, timeout_ms: int = 20_000) -> None:
        super().__init__(window)
        self.window = window
        self.started = started
        self.exit_code = 1
        self.target: QWidget = window.home.first_tile() or window.home.language_button
        self.painted = False
        self.reported = False
        self.target.installEventFilter(self)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._give_up)
        self._deadline.start(timeout_ms)
        if self.target.isVisible():
            self.target.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.target and event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self, self._check)
        return False

    def _check(self) -> None:
        if self.reported:
            return
        if self.target.isVisible() and QApplication.focusWidget() is self.target:
            elapsed = round((time.perf_counter() - self.started) * 1000)
            print(f"ready in {elapsed} ms", flush=True)
            self.exit_code = 0
            self._finish(0)
            return
        # Focus arrives with window activation, which may come a moment after the paint.
        self.window.activateWindow()
        QTimer.singleShot(10, self, self._check)

    def _give_up(self) -> None:
        focus = QApplication.focusWidget()
        print(
            f"kiosk: home screen not ready (painted={self.painted}, focus={focus!r})",
            file=sys.stderr,
        )
        log.error("home screen never became ready")
        self.exit_code = 1
        self._finish(1)

    def _finish(self, code: int) -> None:
        self.reported = True
        self._deadline.stop()
        self.target.removeEventFilter(self)
        QApplication.instance().exit(code)


class AfterFirstPaint(QObject):
    """Calls `callback` once, on the event-loop turn after `widget` is first painted.

    The app uses it to start speech only once the home screen is on the glass, so the
    learner never waits for the TTS worker or QtMultimedia to load.
    """

    def __init__(self, widget: QWidget, callback) -> None:
        super().__init__(widget)
        self.widget = widget
        self.callback = callback
        self.done = False
        widget.installEventFilter(self)
        if widget.isVisible():
            widget.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is self.widget and event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            self.widget.removeEventFilter(self)
            QTimer.singleShot(0, self.callback)
        return False
