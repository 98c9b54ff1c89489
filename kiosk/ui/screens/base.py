"""What every screen has in common: the calls the navigator and the main window make on it.

The window's top bar shows the current screen's `header()` (the where-am-I line, notes such
as "not yet translated", and whether a Home button belongs there). The navigator calls
`enter(**args)` when a screen is shown and `leave()` when another one replaces it, so each
screen starts and stops its own narration. The main window forwards
key presses to the current screen's `handle_key` (one place for the keyboard contract of
DESIGN §8), calls `retranslate()` after a language switch and `apply_scale()` after a text
size change, and `interrupt()` on any key or click so narration stops at once.
The voice keys reach screens as `repeat(rate)` (Space, keypad 5), `speak_where()` (W, keypad .)
and, in voice mode, `speak_intro()` when the screen shows. Notes from the narrator (a fallback
language, no loudspeaker) are kept in `speech_notes` and shown in the top bar with the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from kiosk.ui.voice import VoiceMode


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

    def __init__(self, parent: QWidget | None = None, voice: VoiceMode | None = None) -> None:
        super().__init__(parent)
        self.voice = voice
        self.speech_notes: list[str] = []

    def add_speech_note(self, text: str) -> None:
        """A note from the narrator ("reading in Vietnamese"), shown until the content changes."""
        if text and text not in self.speech_notes:
            self.speech_notes.append(text)
            self.header_changed.emit()

    def clear_speech_notes(self) -> None:
        self.speech_notes = []

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
        if self.voice is not None:
            self.voice.speech.stop()

    def repeat(self, rate: int | None = None) -> None:
        """Space or keypad 5: say the screen's main text again (at `rate` when given)."""
        self.speak_where(rate)

    def speak_where(self, rate: int | None = None) -> None:
        """W or keypad .: say where the learner is."""
        if self.voice is not None:
            self.voice.speech.say_shown(self.header().title, rate=rate)

    def speak_intro(self, queue: bool = False) -> None:
        """Voice mode: say what this screen is when it shows (player and done speak anyway)."""

    def focus_position(self, widget: QWidget) -> tuple[int, int] | None:
        """(n, total) of a focused widget for the focus echo; None: its siblings decide."""
        return None

    def handle_key(self, event: QKeyEvent) -> bool:
        """Handle a key before the focused widget does; True when it was used."""
        return False
