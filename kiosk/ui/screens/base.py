"""What every screen has in common: the calls the navigator and the main window make on it.

The window's top bar shows the current screen's `header()` (the where-am-I line, notes such
as "not yet translated", and whether a Home button belongs there). The navigator calls
`enter(**args)` when a screen is shown and `leave()` when another one replaces it, so each
screen starts and stops its own narration. The main window forwards
key presses to the current screen's `handle_key` (one place for the keyboard contract of
DESIGN §8), calls `retranslate()` after a language switch and `apply_scale()` after a text
size change, and `interrupt()` on any key or click so narration stops at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Header:
    """What the window's top bar shows for a screen: where am I, small notes, a Home button."""

    title: str
    notes: tuple[str, ...] = field(default=())
    home_button: bool = False


class Screen(QWidget):
    """Base class of the home, player and completion screens."""

    # Emitted when `header()` would now return something else.
    header_changed = Signal()

    def header(self) -> Header:
        return Header(title="")

    def enter(self, **args: object) -> None:
        """The screen is now shown; `args` carry what the previous screen decided."""

    def leave(self) -> None:
        """Another screen replaces this one; stop narration and timers."""

    def retranslate(self) -> None:
        """Re-read every UI string (the language changed)."""

    def apply_scale(self, scale: float) -> None:
        """The text size changed; rebuild anything laid out by hand (grid columns, images)."""

    def interrupt(self) -> None:
        """A key or click happened: stop narration."""

    def handle_key(self, event: QKeyEvent) -> bool:
        """Handle a key before the focused widget does; True when it was used."""
        return False
