"""Voice mode: the kiosk used without sight, by keyboard or numeric keypad, everything spoken.

`VoiceMode` belongs to the main window and is shared by the screens. It holds the `Speech`
handle (narration works in both modes: every step is read aloud) and adds, while voice mode
is on: the focus echo (each focus change speaks name, role, state and position, "Next, button,
3 of 3"), earcons, the screen intros, and the start announcement. The kiosk-wide voice keys
(kiosk.ui.keys) land here: key guide, rate up/down (stored per learner), voice mode on/off.
When a screen reader is running (QAccessible.isActive(): Orca or NVDA read the accessible
names themselves) the focus echo is off so nothing is said twice; narration stays.
The echo waits for the end of the current event: if a screen started narration meanwhile
(a new step), that narration wins and the echo is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from kiosk import i18n
from kiosk.content.model import SOURCE_LANGUAGE, LocalizedText
from kiosk.i18n import N_, _
from kiosk.ui.narration import Narrator, Speech, vietnamese_ui
from kiosk.ui.session import Session

log = logging.getLogger(__name__)

# Translators: what the kiosk says (in Vietnamese) after it starts, for a blind visitor.
START_ANNOUNCEMENT = N_(
    "To use the kiosk by voice, press F12: the last key on the top row of the keyboard, at "
    "the right. On a number pad, press the star key."
)
# Translators: spoken when voice mode starts.
VOICE_ON = N_("Voice mode is on. Press F1 to hear the keys.")
VOICE_OFF = N_("Voice mode is off.")
# Translators: the spoken key guide (F1). Keep the key names as they are printed on keys.
KEY_GUIDE = N_(
    "Keys. Tab or the arrow keys move. Enter chooses. Space, or 5 on the number pad, says it "
    "again; press twice to hear it slower. Escape goes back. Right arrow or 6: next step. "
    "Left arrow or 4: previous step. Number keys 1 to 9 choose an answer. Plus and minus "
    "change the speed of the voice. W, or the dot on the number pad: where am I. 0 on the "
    "number pad stops the voice; hold it to hear this guide. F12, or the star key, turns "
    "voice mode on or off. F1: this guide."
)
# Translators: spoken after + or -, e.g. "Speech rate 170" (words per minute).
RATE_SAID = N_("Speech rate {speed}")

# Roles spoken by the focus echo (a widget may name its own with the `voice_role` property).
ROLE_BUTTON = N_("button")
ROLE_TEXT = N_("text")
ROLE_FIELD = N_("text field")
# Translators: focus echo: a state of the focused item.
STATE_UNAVAILABLE = N_("unavailable")
STATE_RIGHT = N_("chosen, right")
STATE_TRIED = N_("chosen, not right")
STATE_DONE = N_("done")
STATE_SELECTED = N_("selected")
# Translators: focus echo: the place of the focused item among its neighbours, e.g. "3 of 7".
POSITION = N_("{n} of {total}")

Translate = Callable[[str], str]


def should_echo(voice_mode: bool, screen_reader: bool) -> bool:
    """Speak focus changes only in voice mode, and never over a running screen reader."""
    return voice_mode and not screen_reader


def role_of(widget: QWidget) -> str:
    """The role msgid of a widget for the focus echo."""
    own = widget.property("voice_role")
    if isinstance(own, str) and own:
        return own
    if isinstance(widget, QLineEdit):
        return ROLE_FIELD
    if isinstance(widget, QLabel):
        return ROLE_TEXT
    return ROLE_BUTTON


def state_of(widget: QWidget) -> str | None:
    if not widget.isEnabled():
        return STATE_UNAVAILABLE
    state = widget.property("state")
    if state == "right":
        return STATE_RIGHT
    if state == "tried":
        return STATE_TRIED
    if getattr(widget, "done", False) is True:
        return STATE_DONE
    if widget.property("current") is True:
        return STATE_SELECTED
    return None


def sibling_position(widget: QWidget) -> tuple[int, int] | None:
    """Place among the visible focusable widgets that share its parent (1-based)."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    group = [
        w for w in parent.children()
        if isinstance(w, QWidget) and w.isVisible() and w.focusPolicy().value != 0
        and (isinstance(w, QAbstractButton | QLineEdit) or w is widget)
    ]
    if widget not in group or len(group) < 2:
        return None
    return group.index(widget) + 1, len(group)


def describe_focus(
    widget: QWidget, position: tuple[int, int] | None, tr: Translate = _
) -> str:
    """"Next, button, 3 of 3. Go to the next step" in the language of `tr`."""
    own = widget.property("voice_name")  # a spoken form of the name, where it differs
    name = own if isinstance(own, str) and own else widget.accessibleName()
    parts = [name.strip(), tr(role_of(widget))]
    state = state_of(widget)
    if state:
        parts.append(tr(state))
    if position is not None:
        parts.append(tr(POSITION).format(n=position[0], total=position[1]))
    text = ", ".join(p for p in parts if p)
    description = widget.accessibleDescription().strip()
    return f"{text}. {description}" if description else text


class VoiceMode(QObject):
    """Voice mode state and its speech; see the module docstring."""

    enabledChanged = Signal(bool)

    def __init__(
        self,
        session: Session,
        root: QWidget,
        screen_reader: Callable[[], bool] = QAccessible.isActive,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.root = root
        self.speech = Speech()
        self.enabled = False
        self.earcons = None
        self.positions: Callable[[QWidget], tuple[int, int] | None] = sibling_position
        self._screen_reader = screen_reader
        self._pending: QWidget | None = None
        self._pending_serial = -1
        self._last_echoed: QWidget | None = None
        self._started = False

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Listen to focus changes (the window's screens are built)."""
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._started:
            app.focusChanged.connect(self._focus_changed)
            self._started = True

    def stop_listening(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._started:
            app.focusChanged.disconnect(self._focus_changed)
            self._started = False

    def attach(self, narrator: Narrator | None, intro: Callable[[], None] | None = None) -> None:
        """The narrator is ready (after the home screen showed): say the start announcement."""
        from kiosk.ui.earcons import Earcons

        self.speech.attach(narrator)
        self.earcons = Earcons(parent=self)
        rate = self.session.speech_rate()
        if narrator is not None and rate is not None:
            narrator.set_rate(rate)
        if self.enabled:
            self.speech.say_ui(VOICE_ON)
            if intro is not None:
                intro()
        else:
            self.announce_voice_key()

    def announce_voice_key(self) -> None:
        """The start announcement, always in Vietnamese: which key starts voice mode."""
        self.speech.say(vietnamese_ui(START_ANNOUNCEMENT), SOURCE_LANGUAGE)

    # -- on / off --------------------------------------------------------------------------

    def set_enabled(self, on: bool, announce: bool = True) -> None:
        if on == self.enabled:
            return
        self.enabled = on
        log.info("voice mode %s", "on" if on else "off")
        self.enabledChanged.emit(on)
        if announce:
            self.speech.say_ui(VOICE_ON if on else VOICE_OFF)
            if on:
                self.echo_focus(queue=True)

    def toggle(self) -> None:
        self.set_enabled(not self.enabled)

    # -- what voice mode says --------------------------------------------------------------

    def earcon(self, name: str) -> None:
        if self.enabled and self.earcons is not None:
            self.earcons.play(name)

    def key_guide(self) -> None:
        self.speech.say_ui(KEY_GUIDE)

    def change_rate(self, step: int) -> int | None:
        """+1 faster, -1 slower: set, store for the learner, and say the new rate."""
        narrator = self.speech.narrator
        if narrator is None:
            return None
        rate = narrator.set_rate(narrator.rate + step * 20)
        try:
            self.session.set_speech_rate(rate)
        except Exception:  # a full disk must not silence the kiosk
            log.exception("speech rate not stored")
        self.speech.say_ui(RATE_SAID, speed=rate)
        return rate

    def apply_learner_rate(self) -> None:
        rate = self.session.speech_rate()
        narrator = self.speech.narrator
        if narrator is not None and rate is not None:
            narrator.set_rate(rate)

    def focus_text(self, widget: QWidget) -> LocalizedText:
        position = self.positions(widget)
        lang = i18n.language()
        values = {lang: describe_focus(widget, position, _)}
        if lang != SOURCE_LANGUAGE:
            values[SOURCE_LANGUAGE] = describe_focus(widget, position, vietnamese_ui)
        return LocalizedText(values)

    def echo_focus(self, queue: bool = False) -> bool:
        """Say what has the focus now (voice mode only; not over a screen reader)."""
        if not should_echo(self.enabled, self._screen_reader()):
            return False
        widget = QApplication.focusWidget()
        if widget is None or widget.window() is not self.root:
            return False
        said = self.speech.say(self.focus_text(widget), i18n.language(), queue=queue)
        if said:
            self._last_echoed = widget
            if not queue:
                self.earcon("move")
        return said

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not should_echo(self.enabled, self._screen_reader()):
            return
        self._pending = new
        self._pending_serial = self.speech.serial
        # At the end of this event: a new step's narration, if any, has started by then.
        QTimer.singleShot(0, self._echo_pending)

    def _echo_pending(self) -> None:
        widget, self._pending = self._pending, None
        if widget is None or widget is not QApplication.focusWidget():
            return
        if self.speech.serial != self._pending_serial:
            return  # the screen said something more important in the same turn
        speaking = self.speech.is_speaking()
        if speaking and widget is self._last_echoed:
            return  # already said (or about to be), e.g. the home tile when the window activates
        # A key press has already silenced the narrator, so speech still going means the focus
        # moved by itself (window activation, a rebuilt list): wait for the sentence to end.
        self.echo_focus(queue=speaking)
