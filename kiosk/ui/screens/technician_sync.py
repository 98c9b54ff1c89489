"""The technician's Sync page: is the kiosk enrolled, what waits, and one button per way to sync.

It shows in plain words which hub and commune the kiosk belongs to, how many events wait and
how many the hub has, when the hub last got them, the last problem and the next automatic try
(kiosk.sync.status, delivered by kiosk.ui.synclink.SyncLink, which also updates the top bar's
dot). "Sync now" asks the link for a pass (the worker's, or one of its own off the UI thread).
"Save progress to USB stick" writes the waiting events into the stick's KIOSK/sync folder
(kiosk.sync.usb.export_events) and "Read receipt from USB stick" reads the hub's receipts back
from it (import_receipts); the stick is the one the screen's UsbWatcher found. A kiosk not yet
enrolled gets a small form: the hub's address (optional) and its one-time code, sent through
the same calls as `kiosk sync enroll`. Those jobs (kiosk.ui.syncjobs) run in kiosk.ui.tasks on
their own database connection; every result is shown at the top of the page and said in voice
mode.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk.bundles.usb import UsbFolder
from kiosk.i18n import _, ngettext
from kiosk.store import technician as tech
from kiosk.ui.screens.technician_parts import Card, Section, TechContext
from kiosk.ui.syncindicator import has_hub, when_text
from kiosk.ui.syncjobs import enroll_kiosk, export_to_stick, failure_text, receipts_from_stick
from kiosk.ui.synclink import worker_would_sync
from kiosk.ui.tasks import Task, run_in_background
from kiosk.ui.widgets import TextBlock, big_button, describe

log = logging.getLogger(__name__)

# -- the page ---------------------------------------------------------------------------------

class SyncSection(Section):
    """Status in words, Sync now, the two stick buttons, and enrollment when needed."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.link = ctx.sync
        self.state_card = Card()
        self.state_title = TextBlock("heading")
        self.state_lines = TextBlock()
        self.problem = TextBlock("hint")
        for widget in (self.state_title, self.state_lines, self.problem):
            self.state_card.layout_.addWidget(widget)
        self.sync_button = big_button("", "", role="primary")
        self.stick_box = QWidget()
        self.stick_heading = TextBlock("heading")
        self.stick_help = TextBlock()
        self.stick_line = TextBlock()
        self.save_button = big_button("", "")
        self.read_button = big_button("", "")
        stick_layout = QVBoxLayout(self.stick_box)
        stick_layout.setContentsMargins(0, 8, 0, 0)
        stick_layout.setSpacing(12)
        for widget in (self.stick_heading, self.stick_help, self.stick_line):
            stick_layout.addWidget(widget)
        for button in (self.save_button, self.read_button):
            stick_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.enroll_box = QWidget()
        self.enroll_heading = TextBlock("heading")
        self.enroll_intro = TextBlock()
        self.url_label, self.code_label = TextBlock(), TextBlock()
        self.url_field, self.code_field = QLineEdit(), QLineEdit()
        self.url_field.setMaxLength(300)
        self.code_field.setMaxLength(20)
        self.enroll_button = big_button("", "", role="primary")
        enroll_layout = QVBoxLayout(self.enroll_box)
        enroll_layout.setContentsMargins(0, 8, 0, 0)
        enroll_layout.setSpacing(12)
        for widget in (self.enroll_heading, self.enroll_intro, self.url_label, self.url_field,
                       self.code_label, self.code_field):
            enroll_layout.addWidget(widget)
        enroll_layout.addWidget(self.enroll_button, 0, Qt.AlignmentFlag.AlignLeft)
        # Without a hub only the enrollment form shows under the status: nothing else works yet.
        self.body_layout.addWidget(self.state_card)
        self.body_layout.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body_layout.addWidget(self.stick_box)
        self.body_layout.addWidget(self.enroll_box)
        self.body_layout.addStretch(1)

        self.sync_button.clicked.connect(self.sync_now)
        self.save_button.clicked.connect(self.save_to_stick)
        self.read_button.clicked.connect(self.read_receipt)
        self.enroll_button.clicked.connect(self.enroll)
        self.url_field.returnPressed.connect(
            lambda: self.code_field.setFocus(Qt.FocusReason.TabFocusReason))
        self.code_field.returnPressed.connect(self.enroll)
        self.link.status_changed.connect(self._status_arrived)
        self.link.pass_finished.connect(self._pass_finished)
        ctx.watcher.changed.connect(self._stick_changed)
        self.folders: list[UsbFolder] = list(ctx.watcher.folders)
        self.looked = False
        self.waiting_for_pass = False  # "Sync now" pressed: the next pass's outcome is said
        self.job: Task | None = None  # a stick or enrollment job
        self.focus_next: QWidget | None = None  # where the focus goes once the status is read
        self.retranslate()

    # -- what the screen calls ---------------------------------------------------------------

    def retranslate(self) -> None:
        # Translators: heading of the technician page about sending progress to the hub.
        self.heading.set_plain(_("Sync with the hub"))
        self.sync_button.setText("⇅ " + _("Sync now"))
        describe(self.sync_button, _("Sync now"),
                 _("Send the progress to the hub now and fetch new lessons"))
        self.stick_heading.set_plain(_("Without a network: the USB stick"))
        self.stick_help.set_plain(_("Save the progress on the stick and take it to the hub. "
                                    "The hub writes a receipt on the stick: bring it back and "
                                    "read it here."))
        self.save_button.setText(_("Save progress to USB stick"))
        describe(self.save_button, _("Save progress to USB stick"),
                 _("Writes the events not yet sent into the stick's KIOSK/sync folder, for "
                   "the hub"))
        self.read_button.setText(_("Read receipt from USB stick"))
        describe(self.read_button, _("Read receipt from USB stick"),
                 _("Reads the hub's receipt from the stick: the events it lists are delivered"))
        self.enroll_heading.set_plain(_("Enroll with a hub"))
        self.enroll_intro.set_plain(_("Type the one-time code the hub gave you. With the hub's "
                                      "address the kiosk enrolls over the network; leave the "
                                      "address empty to enroll by USB stick."))
        self.url_label.set_plain(_("Hub address (for example http://192.168.1.10:8765)"))
        describe(self.url_field, _("Hub address"),
                 _("Leave it empty to enroll by USB stick"))
        self.code_label.set_plain(_("Code from the hub (like ABCD-2345)"))
        describe(self.code_field, _("Code from the hub"), _("8 letters and digits"))
        self.enroll_button.setText("✓ " + _("Enroll"))
        describe(self.enroll_button, _("Enroll"), _("Enroll this kiosk with the hub"))
        self._show_status()
        self._show_stick()

    def refresh(self) -> None:
        self._show_status()
        self._show_stick()
        self.link.refresh()

    # -- status ------------------------------------------------------------------------------

    def _status_arrived(self, _status: object) -> None:
        self._show_status()

    def _show_status(self) -> None:
        focused = self.focusWidget()
        had_focus = focused is not None and focused.hasFocus()
        self._fill_status()
        wanted, self.focus_next = self.focus_next, None
        if had_focus and wanted is not None and wanted.isVisible():
            wanted.setFocus(Qt.FocusReason.OtherFocusReason)  # the next step after enrolling
        elif had_focus and focused is not None and not focused.isVisible():
            self.focus_first()  # its part of the page went away

    def _fill_status(self) -> None:
        status = self.link.status
        if status is None:
            self.state_title.set_plain(_("Reading the sync status…"))
            for widget in (self.state_lines, self.problem, self.sync_button, self.stick_box,
                           self.enroll_box):
                widget.hide()
            return
        self.state_title.set_plain(_state_title(status))
        self.state_lines.set_plain("\n".join(self._state_lines(status)))
        self.state_lines.show()
        error = status.get("last_error")
        if error:
            # Translators: on the Sync page; {message} says what went wrong in plain words.
            self.problem.set_plain(_("Last problem: {message}").format(message=error))
        self.problem.setVisible(bool(error))
        hub = has_hub(status)
        # "Sync now" needs the network: a hub's address (a kiosk enrolled by stick has none).
        self.sync_button.setVisible(worker_would_sync(status))
        self.stick_box.setVisible(hub)
        # Enrolled by stick only: a new code and the address give it the network too.
        self.enroll_box.setVisible(not status.get("online"))

    def _state_lines(self, status: dict[str, Any]) -> list[str]:
        lines = []
        address, commune = status.get("hub_url"), status.get("commune")
        if address and commune:
            # Translators: on the Sync page, e.g. "Hub: http://10.0.0.2:8765 (Xã Yên Thịnh)".
            lines.append(_("Hub: {address} ({commune})").format(address=address, commune=commune))
        elif address:
            lines.append(_("Hub: {address}").format(address=address))
        elif commune:
            lines.append(_("Commune: {commune}").format(commune=commune))
        pending, acked = int(status.get("pending") or 0), int(status.get("acked") or 0)
        lines.append(ngettext("Waiting to be sent: {n} event", "Waiting to be sent: {n} events",
                              pending).format(n=pending))
        lines.append(ngettext("Delivered to the hub: {n} event", "Delivered to the hub: {n} events",
                              acked).format(n=acked))
        if has_hub(status):
            last = when_text(status.get("last_success"))
            lines.append(_("Last sent to the hub: {time}").format(time=last) if last
                         else _("Not sent to the hub yet."))
        following = when_text(status.get("next_attempt"))
        worker = self.link.worker
        if following and worker is not None and worker.running and worker_would_sync(status):
            lines.append(_("Next automatic try: {time}").format(time=following))
        return lines

    # -- the stick ---------------------------------------------------------------------------

    def _stick_changed(self, folders: list[UsbFolder]) -> None:
        self.looked = True
        self.folders = list(folders)
        self._show_stick()

    def _show_stick(self) -> None:
        if self.folders:
            text = _("USB stick: {folder}").format(folder=self.folders[0].root)
        elif not self.looked:
            text = _("Looking for a USB stick…")
        else:
            text = _("No USB stick with a KIOSK folder is plugged in.")
        self.stick_line.set_plain(text)

    def _stick(self) -> UsbFolder | None:
        if self.folders:
            return self.folders[0]
        self._tell(_("No USB stick with a KIOSK folder is plugged in."), ok=False)
        return None

    # -- actions -----------------------------------------------------------------------------

    def _busy(self) -> bool:
        if self.job is None:
            return False
        self._tell(_("Please wait: the kiosk is still working."), ok=False)
        return True

    def _start(self, work: Any, on_done: Any, name: str, working: str) -> None:
        self._tell(working, speak=False)
        self.job = run_in_background(work, lambda result: self._ended(on_done, result),
                                     self._job_failed, name=name, owner=self)

    def _ended(self, on_done: Any, result: Any) -> None:
        self.job = None
        on_done(result)
        self.link.refresh()

    def _job_failed(self, error: BaseException) -> None:
        self.job = None
        self._tell(failure_text(error), ok=False)
        self.link.refresh()

    def sync_now(self) -> None:
        if self.waiting_for_pass:
            self._tell(_("Please wait: the kiosk is still working."), ok=False)
            return
        self.waiting_for_pass = True
        self._tell(_("Syncing with the hub…"), speak=False)
        self.link.sync_now()

    def _pass_finished(self, report: Any, error: object) -> None:
        if not self.waiting_for_pass:
            return  # a pass of the worker's own: the status shows it
        self.waiting_for_pass = False
        if isinstance(error, BaseException):
            self._tell(failure_text(error), ok=False)
            return
        acked = int(getattr(report, "acked", 0))
        parts = [ngettext("Sync done: {n} event delivered.", "Sync done: {n} events delivered.",
                          acked).format(n=acked)]
        if getattr(report, "enrolled_now", False):
            parts.insert(0, _("This kiosk is now enrolled with the hub."))
        installed = list(getattr(report, "installed", []))
        if installed:
            parts.append(ngettext("{n} new lesson bundle installed.",
                                  "{n} new lesson bundles installed.",
                                  len(installed)).format(n=len(installed)))
        problems = list(getattr(report, "problems", []))
        parts.extend(problems[-1:])
        self._tell(" ".join(parts), ok=not problems)

    def save_to_stick(self) -> None:
        if self._busy():
            return
        folder = self._stick()
        if folder is None:
            return
        data_dir = self.ctx.session.data_dir
        self._start(lambda _task: export_to_stick(data_dir, folder), self._saved, "sync-export",
                    _("Saving on the USB stick…"))

    def _saved(self, result: tuple[int, int]) -> None:
        files, pending = result
        if not files:
            self._tell(_("Nothing to save: the hub has every event."))
        elif pending:
            self._tell(ngettext("{n} event saved on the USB stick.",
                                "{n} events saved on the USB stick.", pending).format(n=pending))
        else:
            self._tell(_("The enrollment code is saved on the USB stick."))

    def read_receipt(self) -> None:
        if self._busy():
            return
        folder = self._stick()
        if folder is None:
            return
        data_dir = self.ctx.session.data_dir
        self._start(lambda _task: receipts_from_stick(data_dir, folder), self._receipts_read,
                    "sync-receipt", _("Reading the receipt…"))

    def _receipts_read(self, results: list[Any]) -> None:
        if not results:
            self._tell(_("No receipt for this kiosk on the USB stick."), ok=False)
            return
        acked = sum(result.acked for result in results)
        parts = []
        if any(result.enrolled_now for result in results):
            parts.append(_("This kiosk is now enrolled with the hub."))
        if acked:
            parts.append(ngettext("The hub confirmed {n} event.", "The hub confirmed {n} events.",
                                  acked).format(n=acked))
        else:
            parts.append(_("This receipt was read before."))
        self._tell(" ".join(parts))

    def enroll(self) -> None:
        if self._busy():
            return
        url = self.url_field.text().strip()
        code = self.code_field.text().strip()
        if not code:
            self._tell(_("Type the code from the hub first."), ok=False)
            self.code_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        data_dir = self.ctx.session.data_dir
        saved = tech.identity(self.ctx.session.store)  # the name and commune on "Kiosk name"
        self._start(lambda _task: enroll_kiosk(data_dir, url, code, saved.name, saved.commune),
                    self._enrolled, "sync-enroll", _("Enrolling…"))

    def _enrolled(self, result: Any) -> None:
        self.code_field.clear()
        if result.online:
            self._tell(_("This kiosk is now enrolled with the hub."))
            self.link.wake()  # send what waits without waiting for the next round
            self.focus_next = self.sync_button
        else:
            self._tell(_("The code is kept: now save the progress on the USB stick."))
            self.focus_next = self.save_button

    # -- results -----------------------------------------------------------------------------

    def _tell(self, text: str, ok: bool = True, speak: bool = True) -> None:
        self.say(text, ok)
        # The message takes room above the page: keep the button just pressed in view.
        QTimer.singleShot(0, self._keep_focus_visible)
        if speak:
            self.ctx.announce(text)

    def _keep_focus_visible(self) -> None:
        focused = self.focusWidget()
        if focused is not None and focused.hasFocus() and self.body.isAncestorOf(focused):
            self.scroll.ensureWidgetVisible(focused, 24, 24)


def _state_title(status: dict[str, Any]) -> str:
    # Translators: the first line of the Sync page's status.
    if status.get("enrolled") and status.get("online"):
        return _("Enrolled: sends progress over the network")
    if status.get("enrolled"):
        return _("Enrolled: sends progress by USB stick")
    if status.get("enrollment_waiting"):
        return _("Enrolling: the code waits for the hub")
    return _("Not enrolled with a hub yet")
