"""The PIN in front of the technician screen: set it on first use (typed twice), then ask for it.

The PIN is checked by kiosk.store.technician (an scrypt hash in the settings; this page never
sees it stored). A wrong PIN gets a calm message; after five wrong tries in a row the field
rests for 30 seconds before it takes another try, which makes guessing slow without locking a
technician out for long. Enter submits, Escape (or Back) returns to the lessons.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import _
from kiosk.store import Store, StoreError
from kiosk.store import technician as tech
from kiosk.ui.widgets import FocusScrollArea, TextBlock, big_button, describe, set_role

log = logging.getLogger(__name__)

MAX_TRIES = 5
WAIT_MS = 30_000
CHECK, NEW, REPEAT = "check", "new", "repeat"


class PinPage(QWidget):
    unlocked = Signal()
    back = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.mode = CHECK
        self.wrong = 0
        self._first = ""
        self.heading = TextBlock("title")
        self.prompt = TextBlock()
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(tech.PIN_MAX)
        self.field.setValidator(QRegularExpressionValidator(
            QRegularExpression(rf"[0-9]{{0,{tech.PIN_MAX}}}"), self.field))
        self.field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.field.setMaximumWidth(520)
        self.field.returnPressed.connect(self.submit)
        self.message = TextBlock("hint")
        self.message.hide()
        self.ok_button = big_button("", "", role="primary")
        self.ok_button.clicked.connect(self.submit)
        self.back_button = big_button("", "")
        self.back_button.clicked.connect(self.back)
        self.wait_timer = QTimer(self)
        self.wait_timer.setSingleShot(True)
        self.wait_timer.setInterval(WAIT_MS)
        self.wait_timer.timeout.connect(self.end_wait)
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(24)
        for widget in (self.heading, self.prompt, self.field, self.message):
            column.addWidget(widget)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 24)
        layout.setSpacing(24)
        layout.addWidget(FocusScrollArea(body), 1)  # at 200 % text it may need to scroll
        layout.addLayout(buttons)
        self.retranslate()

    @property
    def waiting(self) -> bool:
        return self.wait_timer.isActive()

    def retranslate(self) -> None:
        self.back_button.setText("◀ " + _("Back"))
        describe(self.back_button, _("Back"), _("Return to the list of lessons"))
        self._label()

    def _label(self) -> None:
        # Translators: heading of the PIN page in front of the technician screen.
        self.heading.set_plain(_("Technician PIN") if self.mode == CHECK else
                               _("Choose a technician PIN"))
        if self.mode == CHECK:
            prompt = _("Type the technician PIN, then press Enter.")
            field = _("Technician PIN")
            ok = _("Open")
        elif self.mode == NEW:
            prompt = _("No technician PIN is set yet. Choose a PIN of {low} to {high} digits, "
                       "then press Enter.").format(low=tech.PIN_MIN, high=tech.PIN_MAX)
            field = _("New technician PIN")
            ok = _("Next")
        else:
            prompt = _("Type the same PIN again, then press Enter.")
            field = _("New technician PIN, again")
            ok = _("Save the PIN")
        self.prompt.set_plain(prompt)
        describe(self.field, field, prompt)
        self.ok_button.setText("✓ " + ok)
        describe(self.ok_button, ok, prompt)

    def reset(self) -> None:
        """Shown again: ask for the PIN (or to set one), with an empty field."""
        self.mode = CHECK if tech.has_pin(self.store) else NEW
        self._first = ""
        self.field.clear()
        self._label()
        if not self.waiting:
            self.message.hide()
        self.focus_first()

    def focus_first(self) -> None:
        target = self.back_button if self.waiting else self.field
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, text: str, calm: bool = True) -> None:
        set_role(self.message, "hint" if calm else "success")
        self.message.set_plain(text)
        self.message.show()

    def submit(self) -> None:
        if self.waiting:
            return
        pin = self.field.text()
        self.field.clear()
        try:
            if self.mode == CHECK:
                self._check(pin)
            elif self.mode == NEW:
                self._choose(pin)
            else:
                self._confirm(pin)
        except StoreError as error:  # a full disk while saving the PIN
            log.warning("technician PIN: %s", error)
            self._say(error.user_message)
        self._label()

    def _check(self, pin: str) -> None:
        if tech.check_pin(self.store, pin):
            self.wrong = 0
            self.message.hide()
            self.unlocked.emit()
            return
        self.wrong += 1
        log.info("wrong technician PIN (%d in a row)", self.wrong)
        if self.wrong >= MAX_TRIES:
            self._say(_("That PIN is not right. Please wait {seconds} seconds, then try "
                        "again.").format(seconds=WAIT_MS // 1000))
            self.field.setEnabled(False)
            self.ok_button.setEnabled(False)
            self.wait_timer.start()
            self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._say(_("That PIN is not right. Please try again."))

    def end_wait(self) -> None:
        """The rest after five wrong tries is over: the field takes a PIN again."""
        self.wait_timer.stop()
        self.wrong = 0
        self.field.setEnabled(True)
        self.ok_button.setEnabled(True)
        self._say(_("You can try the PIN again now."))
        if self.isVisible():
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose(self, pin: str) -> None:
        problem = tech.pin_problem(pin)
        if problem:
            self._say(problem)
            return
        self._first = pin
        self.mode = REPEAT
        self.message.hide()

    def _confirm(self, pin: str) -> None:
        first, self._first = self._first, ""
        if pin != first:
            self.mode = NEW
            self._say(_("The two PINs were not the same. Please choose a PIN again."))
            return
        tech.set_pin(self.store, pin)
        self.mode = CHECK
        self._say(_("The technician PIN is saved."), calm=False)
        self.unlocked.emit()
