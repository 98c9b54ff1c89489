"""The recovery screen: what the kiosk shows when its database is damaged, instead of crashing.

A learner who switches the kiosk on sees, in big letters, that the saved data cannot be read,
that nothing was deleted, and to call the technician. The technician gets two ways out
(kiosk.store.recovery does the work): restore the newest backup that passes the integrity
check, or start with empty data. Either way the damaged file is first moved into
`<data>/damaged/<time>/`, never deleted, and the screen says where. A third button closes the
program. When a technician PIN can be read from the newest backup, the two repair buttons
wait for that PIN (the damaged file itself cannot be trusted to hold it); with no PIN known
they work at once, as on a kiosk that was never set up.
`run_recovery(...)` shows the screen and returns how it ended: `RECOVERED` (open the store
again and go on), or `CLOSED`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import _, format_datetime
from kiosk.store import recovery
from kiosk.store.errors import StoreError
from kiosk.ui.widgets import FocusScrollArea, TextBlock, activate_focused, big_button, describe

log = logging.getLogger(__name__)

RECOVERED, CLOSED = 10, 11


def _when(iso: str) -> str:
    import datetime as dt

    try:
        return format_datetime(dt.datetime.fromisoformat(iso).astimezone())
    except ValueError:
        return iso


class RecoveryScreen(QWidget):
    finished = Signal(int)  # RECOVERED or CLOSED

    def __init__(self, database: Path, problems: list[str]) -> None:
        super().__init__()
        self.database = Path(database)
        self.problems = problems
        self.setWindowTitle(_("The kiosk's saved data is damaged"))
        self.backups = recovery.list_backups(self.database, checked=True)
        self._pin_store = recovery.read_settings(self.backups[0].path) if self.backups else None
        self.unlocked = not self._needs_pin()
        self._confirm_fresh = False
        self.aside: Path | None = None

        self.title = TextBlock("title")
        self.learner_text = TextBlock("heading")
        self.tech_heading = TextBlock("heading")
        self.details = TextBlock("muted")
        self.pin_field = QLineEdit()
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setMaximumWidth(420)
        self.pin_field.returnPressed.connect(self.check_pin)
        self.message = TextBlock("hint")
        self.message.hide()
        self.restore_button = big_button("", "", role="primary")
        self.fresh_button = big_button("", "")
        self.close_button = big_button("", "")
        self.restore_button.clicked.connect(self.restore)
        self.fresh_button.clicked.connect(self.start_fresh)
        self.close_button.clicked.connect(lambda: self._finish(CLOSED))
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(48, 32, 48, 32)
        column.setSpacing(20)
        for widget in (self.title, self.learner_text, self.tech_heading, self.details,
                       self.pin_field, self.message):
            column.addWidget(widget)
        for button in (self.restore_button, self.fresh_button):
            column.addWidget(button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        column.addLayout(row)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(FocusScrollArea(body))
        self.retranslate()

    def _needs_pin(self) -> bool:
        from kiosk.store import technician

        return self._pin_store is not None and technician.has_pin(self._pin_store)

    def retranslate(self) -> None:
        self.title.set_plain("⚠ " + _("The kiosk's saved data is damaged"))
        self.learner_text.set_plain(_(
            "Nothing has been deleted. Please call the technician: they can repair it here."))
        # Translators: heading of the technician's part of the recovery screen.
        self.tech_heading.set_plain(_("For the technician"))
        detail = _("File: {path}. Problem found: {problem}").format(
            path=self.database, problem=self.problems[0] if self.problems else "?")
        self.details.set_plain(detail)
        describe(self.pin_field, _("Technician PIN"), _("Type the technician PIN, then Enter"))
        self.pin_field.setVisible(not self.unlocked)
        if self.backups:
            backup = self.backups[0]
            text = _("Restore the backup of {when}").format(when=_when(backup.made))
        else:
            text = _("No backup was found")
        self.restore_button.setText("↺ " + text)
        describe(self.restore_button, text, _("The damaged file is kept aside, not deleted"))
        fresh = (_("Press again to start with empty data") if self._confirm_fresh
                 else _("Start with empty data"))
        self.fresh_button.setText(fresh)
        describe(self.fresh_button, fresh, _("The damaged file is kept aside, not deleted"))
        self.close_button.setText(_("Close the kiosk"))
        describe(self.close_button, _("Close the kiosk"))
        self.restore_button.setEnabled(self.unlocked and bool(self.backups))
        self.fresh_button.setEnabled(self.unlocked)

    def focus_first(self) -> None:
        if not self.unlocked:
            self.pin_field.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.backups:
            self.restore_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.fresh_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, text: str) -> None:
        self.message.set_plain(text)
        self.message.show()

    def check_pin(self) -> None:
        from kiosk.store import technician

        pin = self.pin_field.text()
        self.pin_field.clear()
        if self._pin_store is not None and technician.check_pin(self._pin_store, pin):
            self.unlocked = True
            self.message.hide()
            self.retranslate()
            self.focus_first()
        else:
            self._say(_("That PIN is not right. Please try again."))

    def restore(self) -> None:
        if not (self.unlocked and self.backups):
            return
        try:
            self.aside = recovery.restore_backup(self.database, self.backups[0].path)
        except StoreError as error:
            log.warning("restore failed: %s", error)
            self._say(str(error))
            return
        self._finish(RECOVERED)

    def start_fresh(self) -> None:
        if not self.unlocked:
            return
        if not self._confirm_fresh:
            self._confirm_fresh = True
            self.retranslate()
            return
        try:
            self.aside = recovery.start_fresh(self.database)
        except OSError as error:
            log.warning("setting the damaged file aside failed: %s", error)
            self._say(_("The damaged file could not be moved: {error}").format(
                error=error.strerror or error))
            return
        self._finish(RECOVERED)

    def _finish(self, code: int) -> None:
        log.warning("recovery screen: %s (damaged file kept in %s)",
                    "recovered" if code == RECOVERED else "closed", self.aside)
        self.finished.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt naming)
        if Qt.Key(event.key()) in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and activate_focused():
            return
        super().keyPressEvent(event)


def run_recovery(database: Path, problems: list[str], windowed: bool) -> int:
    """Show the recovery screen until the technician repairs the data or closes; its outcome."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    screen = RecoveryScreen(database, problems)
    outcome = [CLOSED]

    def done(code: int) -> None:
        outcome[0] = code
        app.exit(0)

    screen.finished.connect(done)
    if windowed:
        screen.resize(1366, 768)
        screen.show()
    else:
        screen.showFullScreen()
    screen.activateWindow()
    screen.focus_first()
    app.exec()
    screen.hide()
    screen.deleteLater()
    return outcome[0]
