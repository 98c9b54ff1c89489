"""The technician's trusted keys: which publishers the kiosk trusts, and the keys on the stick.

The kiosk installs only bundles signed by a trusted key: keys shipped with the program
(assets/keys), keys a technician added, and keys listed by a keyring of a trusted root key
(kiosk.bundles.keys). The stick's KIOSK/keys folder is read in a background task
(kiosk.bundles.usb.scan_keys) whenever the USB watcher reports a change; each key file there
gets an "Add" button unless the kiosk trusts it already or it cannot be used (with the reason).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.bundles.errors import BundleError
from kiosk.bundles.keys import ROLE_ROOT, PublicKeyInfo
from kiosk.bundles.usb import StickKey, UsbFolder, scan_keys
from kiosk.i18n import _
from kiosk.ui.screens.technician_parts import Card, Section, TechContext, add_now, clear_layout
from kiosk.ui.tasks import Task, run_in_background
from kiosk.ui.widgets import TextBlock, big_button

log = logging.getLogger(__name__)


def _column() -> tuple[QWidget, QVBoxLayout]:
    """A layout of rows inside its own widget (rows are rebuilt on refresh)."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(12)
    return holder, layout


def _source_text(key: PublicKeyInfo) -> str:
    if key.source == "shipped":
        return _("comes with the kiosk program")
    if key.source == "added":
        return _("added by a technician")
    return _("listed by a signed keyring")


class KeysSection(Section):
    """Trusted keys, and the key files on the stick with Add."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.intro = TextBlock()
        self.stick_heading = TextBlock("heading")
        self.stick_status = TextBlock()
        trusted_box, self.trusted = _column()
        stick_box, self.stick_rows = _column()
        for part in (self.intro, trusted_box, self.stick_heading, self.stick_status, stick_box):
            self.body_layout.addWidget(part)
        self.body_layout.addStretch(1)
        self.folders: list[UsbFolder] = []
        self.stick_keys: list[StickKey] = []
        self.add_buttons: list[QWidget] = []
        self.looked = False
        self.reading: Task | None = None
        ctx.watcher.changed.connect(self.stick_changed)
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: heading of the technician page about publisher keys.
        self.heading.set_plain(_("Trusted keys"))
        self.intro.set_plain(_("The kiosk installs only lessons signed by one of these keys."))
        self.stick_heading.set_plain(_("Keys on the USB stick"))
        self.refresh()

    def refresh(self) -> None:
        trust = self.ctx.trust()
        clear_layout(self.trusted)
        entries = trust.entries()
        if not entries:
            empty = TextBlock("hint")
            empty.set_plain(_("No key is trusted yet: no bundle can be installed. Add the "
                              "publisher's key from the USB stick."))
            add_now(self.trusted, empty)
        for key in entries:
            card = Card()
            name, details = TextBlock("heading"), TextBlock("muted")
            name.set_plain(key.name or key.key_id)
            role = _("root key (signs keyrings)") if key.role == ROLE_ROOT else \
                _("publisher key")
            details.set_plain(f"{role} · {_source_text(key)} · {key.key_id}")
            card.layout_.addWidget(name)
            card.layout_.addWidget(details)
            if key.key_id in trust.revoked:
                revoked = TextBlock("hint")
                revoked.set_plain(_("Revoked: bundles signed by this key are refused."))
                card.layout_.addWidget(revoked)
            add_now(self.trusted, card)
        self._show_stick()

    def leave(self) -> None:
        if self.reading is not None:
            self.reading.abandon()
            self.reading = None

    # -- the stick ---------------------------------------------------------------------------

    def stick_changed(self, folders: list[UsbFolder]) -> None:
        self.looked = True
        self.folders = list(folders)
        self.reread()

    def reread(self) -> None:
        if self.reading is not None:
            self.reading.abandon()
        folders, trust = list(self.folders), self.ctx.trust()
        self.reading = run_in_background(
            lambda _task: [key for folder in folders for key in scan_keys(folder, trust)],
            self._read, self._read_failed, name="usb-keys", owner=self)

    def _read(self, keys: list[StickKey]) -> None:
        self.reading = None
        self.stick_keys = keys
        self._show_stick()

    def _read_failed(self, error: BaseException) -> None:
        self.reading = None
        log.warning("keys on the stick could not be read: %r", error)
        self.stick_keys = []
        self._show_stick()

    def _show_stick(self) -> None:
        had_focus = self.focusWidget() in self.add_buttons
        clear_layout(self.stick_rows)
        self.add_buttons = []
        if not self.looked:
            status = _("Looking for a USB stick…")
        elif not self.folders:
            status = _("No USB stick with a KIOSK folder is plugged in.")
        elif not self.stick_keys:
            status = _("The USB stick has no key files in its KIOSK/keys folder.")
        else:
            status = _("A publisher gives you its key file (.pub) or a signed keyring "
                       "(.keyring). Add only keys you got from the project.")
        self.stick_status.set_plain(status)
        for key in self.stick_keys:
            add_now(self.stick_rows, self._stick_row(key))
        if had_focus:
            self.focus_first()

    def _stick_row(self, key: StickKey) -> Card:
        card = Card()
        name, details = TextBlock("heading"), TextBlock("muted")
        name.set_plain(key.name)
        if key.version is not None:
            details.set_plain(_("keyring version {version} · {file}").format(
                version=key.version, file=key.path.name))
        else:
            details.set_plain(f"{key.path.name} · {key.key_id}")
        card.layout_.addWidget(name)
        card.layout_.addWidget(details)
        if key.problem:
            problem = TextBlock("hint")
            problem.set_plain(_("Cannot be added: {reason}").format(reason=key.problem))
            card.layout_.addWidget(problem)
        elif key.trusted:
            known = TextBlock()
            known.set_plain("✓ " + _("Already trusted."))
            card.layout_.addWidget(known)
        else:
            add = big_button("+ " + _("Add this key"), _("Add this key: {name}").format(
                name=key.name), _("The kiosk will install lessons signed by it"), role="primary")
            add.clicked.connect(lambda _c=False: self.add(key))
            row = QHBoxLayout()
            row.addWidget(add)
            row.addStretch(1)
            card.layout_.addLayout(row)
            self.add_buttons.append(add)
        return card

    def add(self, key: StickKey) -> None:
        try:
            self.ctx.trust().add(key.path)
        except (BundleError, OSError) as error:
            reason = error.user_message if isinstance(error, BundleError) else str(error)
            text = _("The key was not added: {reason}").format(reason=reason)
            self.say(text, ok=False)
            self.ctx.announce(text)
            return
        text = _("The key “{name}” is trusted now.").format(name=key.name)
        self.say(text)
        self.ctx.announce(text)
        self.refresh()
        self.reread()
        if not self.focus_first():
            self.ctx.focus_column()
        self.ctx.keys_changed()
