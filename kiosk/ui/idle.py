"""Privacy between learners: after a quiet while the kiosk asks "Are you still there?".

`IdleWatcher` restarts a timer on every key press, click, touch or wheel turn anywhere in the
application (it only watches; it never takes an event). When nobody has touched the kiosk
for `privacy.idle_seconds` (a setting, 3 minutes by default) and there is something to
protect (a lesson open, a named learner card, a chooser page, a panel), `IdlePrompt` shows
and says "Are you still there?" with one large "I am here" button. Any key or touch answers
it. If nobody answers within `privacy.prompt_seconds` (30 s by default; the countdown is
shown calmly, second by second, and never beeps), the kiosk saves where the learner was and
goes back to the lessons on the guest card (kiosk.ui.attendant does the reset).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.i18n import N_, _, ngettext
from kiosk.ui.overlay import Overlay
from kiosk.ui.widgets import TextBlock, big_button, describe

log = logging.getLogger(__name__)

IDLE_SETTING = "privacy.idle_seconds"
PROMPT_SETTING = "privacy.prompt_seconds"
DEFAULT_IDLE_S = 180
DEFAULT_PROMPT_S = 30
MIN_IDLE_S = 1  # tests use a second; the technician screen offers minutes
MAX_IDLE_S = 3600

# Translators: the question shown and spoken after a long quiet time at the kiosk.
STILL_THERE = N_("Are you still there?")
# Translators: under "Are you still there?".
TOUCH_TO_GO_ON = N_("Touch the button or press any key to go on.")
I_AM_HERE = N_("I am here")

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
    QEvent.Type.Wheel, QEvent.Type.TabletPress,
})


def seconds_setting(value: object, default: int) -> int:
    """A stored number of seconds, or `default` when it is missing or absurd."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(min(MAX_IDLE_S, max(MIN_IDLE_S, value)))


class IdleWatcher(QObject):
    """Emits `idle` after `timeout_ms` without input in the application."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.idle)
        self._listening = False

    def set_timeout(self, timeout_ms: int) -> None:
        self.timer.setInterval(timeout_ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._listening:
            app.installEventFilter(self)
            self._listening = True
        self.timer.start()

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None and self._listening:
            app.removeEventFilter(self)
            self._listening = False
        self.timer.stop()

    def poke(self) -> None:
        """Someone is here: count from zero again."""
        if self._listening:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        # One event reaches the filter once per widget it travels through: restarting a
        # timer is cheap, so no bookkeeping is needed.
        if event.type() in _ACTIVITY:
            self.timer.start()
        return False


class IdlePrompt(Overlay):
    """"Are you still there?", a large "I am here" button and a calm countdown."""

    answered = Signal()  # the learner is still here
    expired = Signal()  # nobody answered

    def __init__(
        self, window: QWidget, seconds: int, say: Callable[[str], None] | None = None
    ) -> None:
        super().__init__(window, "idle")
        self.seconds = seconds
        self.left = seconds
        self._say = say
        self.hint = TextBlock("heading")
        self.countdown = TextBlock()
        self.here_button = big_button("", "", role="primary")
        self.here_button.setMinimumHeight(120)
        self.here_button.clicked.connect(self.answer)
        self.body.addWidget(self.hint)
        self.body.addWidget(self.here_button)
        self.body.addWidget(self.countdown)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.set_plain(_(STILL_THERE))
        self.hint.set_plain(_(TOUCH_TO_GO_ON))
        self.here_button.setText(_(I_AM_HERE))
        describe(self.here_button, _(I_AM_HERE), _(TOUCH_TO_GO_ON))
        self._show_left()

    def _show_left(self) -> None:
        # Translators: the countdown on the "Are you still there?" panel.
        text = ngettext(
            "In {n} second the kiosk goes back to the start. Your progress is saved.",
            "In {n} seconds the kiosk goes back to the start. Your progress is saved.",
            self.left,
        ).format(n=self.left)
        self.countdown.set_plain(text)

    def start(self) -> None:
        self.left = self.seconds
        self._show_left()
        self.tick.start()
        if self._say is not None:
            self._say(STILL_THERE)

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.tick.stop()
            log.info("nobody answered the idle question")
            self.expired.emit()
            return
        self._show_left()

    def answer(self) -> None:
        self.tick.stop()
        self.close_overlay()
        self.answered.emit()

    def close_overlay(self) -> None:
        self.tick.stop()
        super().close_overlay()

    # Any key or any touch means "I am here".
    def handle_key(self, event: QKeyEvent) -> bool:
        if Qt.Key(event.key()) in (Qt.Key.Key_F1, Qt.Key.Key_F12):
            return False
        self.answer()
        return True

    def escape(self) -> None:
        self.answer()

    def backdrop_clicked(self) -> None:
        self.answer()
