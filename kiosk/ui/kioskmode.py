"""Kiosk mode: full screen, no frame, and no way out without the technician PIN.

`kiosk run` is in kiosk mode unless `--windowed` is given. `KioskGuard.apply()` makes the
main window frameless, on top and full screen, and keeps it full screen if something
(a window manager shortcut) un-maximises it. Every way out that reaches the application
opens the technician PIN instead (`request_pin`):
- closing the window (Alt+F4 handled by the window manager, the close button of a taskbar,
  a `close()` call): the close event is refused and the window stays;
- Alt+F4 and the usual quitting chords when they reach the application (Ctrl+Q, Ctrl+W,
  Alt+Escape, Ctrl+Escape, Ctrl+Alt+Escape, Ctrl+Shift+Escape);
- Alt+Tab and the Windows/Super key are swallowed when the application gets them. Where the
  window manager or the operating system takes them first (Windows' Alt+Tab and
  Ctrl+Alt+Delete, most Linux desktops' Alt+Tab), the application cannot stop them; the
  window goes back to full screen when it is shown again.
After the technician chose "exit kiosk mode" the screen calls `release()`; then closing works.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

K, M = Qt.Key, Qt.KeyboardModifier
_ESCAPES = (K.Key_Escape,)
_SWALLOWED = (K.Key_Tab, K.Key_Backtab)  # with Alt: switching windows
_SUPER = (K.Key_Super_L, K.Key_Super_R, K.Key_Meta, K.Key_Menu)


def is_exit_chord(event: QKeyEvent) -> bool:
    """A key combination people use to close or leave a program."""
    key, mods = K(event.key()), event.modifiers()
    alt, ctrl = bool(mods & M.AltModifier), bool(mods & M.ControlModifier)
    if alt and key == K.Key_F4:
        return True
    if ctrl and key in (K.Key_Q, K.Key_W):
        return True
    return (alt or ctrl) and key in _ESCAPES


def is_switch_chord(event: QKeyEvent) -> bool:
    key, mods = K(event.key()), event.modifiers()
    return (bool(mods & M.AltModifier) and key in _SWALLOWED) or key in _SUPER


class KioskGuard(QObject):
    def __init__(self, window: QWidget, request_pin: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.request_pin = request_pin
        self.released = False
        self.refused_closes = 0

    def apply(self) -> None:
        """Frameless, on top, full screen; watch the window's close and state changes."""
        from PySide6.QtWidgets import QApplication

        focused = QApplication.focusWidget()
        flags = (self.window.windowFlags() | Qt.WindowType.FramelessWindowHint
                 | Qt.WindowType.WindowStaysOnTopHint)
        self.window.setWindowFlags(flags)
        self.window.installEventFilter(self)
        self.window.showFullScreen()  # changing the flags hid the window: show it again
        self.window.activateWindow()
        if focused is not None and self.window.isAncestorOf(focused):
            focused.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info("kiosk mode on")

    def release(self) -> None:
        """The technician let the kiosk go (or the program ends): closing works again."""
        if self.released:
            return
        self.released = True
        self.window.removeEventFilter(self)
        log.info("kiosk mode released")

    def _ask_pin(self, why: str) -> None:
        log.info("kiosk mode: %s; asking for the technician PIN", why)
        try:
            self.request_pin()
        except Exception:  # the kiosk must stay up even if the PIN screen fails to open
            log.exception("the technician PIN could not be shown")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if watched is not self.window or self.released:
            return False
        kind = event.type()
        if kind == QEvent.Type.Close:
            event.ignore()
            self.refused_closes += 1
            # After the close attempt has ended: the PIN page takes the focus cleanly.
            QTimer.singleShot(0, lambda: self._ask_pin("close attempt"))
            return True
        if kind == QEvent.Type.WindowStateChange and not self.window.isFullScreen():
            QTimer.singleShot(0, self._back_to_full_screen)
        return False

    def _back_to_full_screen(self) -> None:
        if not self.released and not self.window.isFullScreen():
            self.window.showFullScreen()

    def handle_key(self, event: QKeyEvent) -> bool:
        """Exit chords open the PIN; window-switch chords do nothing. True when taken."""
        if self.released:
            return False
        if is_exit_chord(event):
            if not event.isAutoRepeat():
                self._ask_pin("exit keys")
            return True
        return is_switch_chord(event)
