"""Help for the learner: the "Call a helper" panel and the key tutorial.

`HelpPanel` shows and speaks who to ask here, in big letters: the text the technician set
(`help.text` in the settings, e.g. "Ask Ms Lan at the desk, or call 0912 345 678"), or a
sensible default in the learner's language. It also offers the key tutorial.

`KeyTutorial` teaches the keys by doing them: "Press the Space bar", then the Right arrow,
the Left arrow and Enter, each shown as a big key and spoken; the right key says "Well done"
and goes on, another key gently says the instruction again. Escape ends it at any moment. It
runs by itself the first time the kiosk starts (`tutorial.done` is then set) and from the
help panel whenever someone asks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from kiosk.i18n import N_, _
from kiosk.ui import keys
from kiosk.ui.overlay import Overlay
from kiosk.ui.theme import PALETTE
from kiosk.ui.widgets import TextBlock, big_button, describe

log = logging.getLogger(__name__)

HELP_TEXT_SETTING = "help.text"
TUTORIAL_DONE_SETTING = "tutorial.done"

# Translators: the button in the top bar (every screen) and the heading of the help panel.
CALL_HELPER = N_("Call a helper")
# Translators: the help panel's text when the technician has not written who to ask.
DEFAULT_HELP = N_(
    "Please ask the staff of the cultural house. They are glad to help you. "
    "You can also ask the person next to you."
)
LEARN_KEYS = N_("Learn the keys")
CLOSE = N_("Close")
WELL_DONE = N_("Well done!")
# Translators: key tutorial, after a wrong key.
OTHER_KEY = N_("That was another key. Try again:")
# Translators: key tutorial: how to leave it.
SKIP_HINT = N_("Press Escape to stop learning the keys.")
TUTORIAL_END = N_("You know the keys now. Press Enter to begin.")

Say = Callable[..., None]


def help_text(setting: object) -> tuple[str, bool]:
    """(text to show, True when it is the technician's own text)."""
    if isinstance(setting, str) and setting.strip():
        return setting.strip(), True
    return _(DEFAULT_HELP), False


class HelpPanel(Overlay):
    tutorial_requested = Signal()

    def __init__(
        self, window: QWidget, text: Callable[[], object], say: Say | None = None
    ) -> None:
        super().__init__(window, "help")
        self._text = text
        self._say = say
        self.message = TextBlock("heading")
        self.close_button = big_button("", "", role="primary")
        self.close_button.clicked.connect(self.close_overlay)
        self.keys_button = big_button("", "")
        self.keys_button.clicked.connect(self._tutorial)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.close_button, 1)
        row.addWidget(self.keys_button, 1)
        self.body.addWidget(self.message)
        self.body.addLayout(row)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.set_plain("☎ " + _(CALL_HELPER))
        self.message.set_plain(help_text(self._text())[0])
        self.close_button.setText("✓ " + _(CLOSE))
        describe(self.close_button, _(CLOSE), _("Go back to where you were"))
        self.keys_button.setText("⌨ " + _(LEARN_KEYS))
        describe(self.keys_button, _(LEARN_KEYS), _("Practise the keys of the kiosk"))

    def open(self) -> None:
        self.retranslate()  # the technician may have changed the text
        super().open()
        if self._say is not None:
            text, own = help_text(self._text())
            self._say(CALL_HELPER)
            self._say(text if own else DEFAULT_HELP, queue=True, shown=own)

    def _tutorial(self) -> None:
        self.close_overlay()
        self.tutorial_requested.emit()


# (keys that count, what the key cap shows, the instruction)
_STEPS: tuple[tuple[tuple[Qt.Key, ...], str, str], ...] = (
    ((Qt.Key.Key_Space,), N_("Space"),
     # Translators: key tutorial, step 1.
     N_("Press the Space bar: the long key at the bottom of the keyboard. "
        "It says things again.")),
    ((Qt.Key.Key_Right,), "→",
     N_("Press the Right arrow, at the bottom right. It goes to the next step.")),
    ((Qt.Key.Key_Left,), "←", N_("Press the Left arrow. It goes back one step.")),
    ((Qt.Key.Key_Return, Qt.Key.Key_Enter), N_("Enter"),
     N_("Press Enter: the big key on the right. It chooses.")),
)


class KeyTutorial(Overlay):
    finished = Signal(bool)  # True: done to the end; False: skipped with Escape

    def __init__(self, window: QWidget, say: Say | None = None) -> None:
        super().__init__(window, "tutorial")
        self._say = say
        self.index = 0
        self.setStyleSheet(self.styleSheet() + (
            f"#keycap {{ background: {PALETTE.surface}; color: {PALETTE.text}; "
            f"border: 6px solid {PALETTE.text}; border-radius: 16px; padding: 12px 48px; "
            "font-size: 56px; font-weight: bold; }"
        ))
        self.progress = TextBlock("muted")
        self.instruction = TextBlock("heading")
        self.keycap = QLabel()
        self.keycap.setObjectName("keycap")
        self.keycap.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.feedback = TextBlock()
        self.feedback.setProperty("role", "success")
        self.feedback.hide()
        self.skip = TextBlock("muted")
        self.body.addWidget(self.progress)
        self.body.addWidget(self.instruction)
        self.body.addWidget(self.keycap, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.feedback)
        self.body.addWidget(self.skip)
        self.retranslate()

    @property
    def at_end(self) -> bool:
        return self.index >= len(_STEPS)

    def retranslate(self) -> None:
        # Translators: heading of the key tutorial.
        self.heading.set_plain(_("Learn the keys"))
        self.skip.set_plain(_(SKIP_HINT))
        if self.at_end:
            self.progress.set_plain("")
            self.instruction.set_plain(_(TUTORIAL_END))
            self.keycap.setText(_("Enter"))
        else:
            _keys, cap, text = _STEPS[self.index]
            self.progress.set_plain(_("Key {n} of {total}").format(
                n=self.index + 1, total=len(_STEPS)))
            self.instruction.set_plain(_(text))
            self.keycap.setText(_(cap) if cap.isascii() and cap.isalpha() else cap)
        describe(self.keycap, self.keycap.text(), self.instruction.plain())

    def start(self, queue: bool = False) -> None:
        """Show the first key; `queue` lets what is being said (the start announcement) end."""
        self.index = 0
        self.feedback.hide()
        self.retranslate()
        self._speak_step(queue=queue)

    def _speak_step(self, queue: bool = False) -> None:
        if self._say is None:
            return
        if self.at_end:
            self._say(TUTORIAL_END, queue=queue)
        else:
            self._say(_STEPS[self.index][2], queue=queue)
            if self.index == 0:
                self._say(SKIP_HINT, queue=True)

    def _wanted(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        digit = keys.keypad_digit(event)
        if self.at_end:
            return key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        wanted = _STEPS[self.index][0]
        if digit is not None:  # the number pad: 5 repeats, 6 and 4 move (kiosk.ui.keys)
            key = {5: Qt.Key.Key_Space, 6: Qt.Key.Key_Right, 4: Qt.Key.Key_Left}.get(digit, key)
        return key in wanted

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            self.escape()
            return True
        if key in (Qt.Key.Key_F1, Qt.Key.Key_F12):
            return False
        if event.isAutoRepeat():
            return True
        if self._wanted(event):
            if self.at_end:
                self._finish(True)
                return True
            self.index += 1
            self.feedback.set_plain("✓ " + _(WELL_DONE))
            self.feedback.show()
            self.retranslate()
            if self._say is not None:
                self._say(WELL_DONE)
            self._speak_step(queue=True)
        else:
            self.feedback.set_plain(_(OTHER_KEY) + " " + self.instruction.plain())
            self.feedback.show()
            if self._say is not None:
                self._say(OTHER_KEY)
                self._speak_step(queue=True)
        return True

    def escape(self) -> None:
        self._finish(False)

    def _finish(self, completed: bool) -> None:
        log.info("key tutorial %s at step %d", "finished" if completed else "skipped",
                 self.index)
        self.close_overlay()
        self.finished.emit(completed)
