"""The technician's lesson bundles on the USB stick, with Install.

The stick page lists every bundle in the stick's KIOSK/bundles with what installing it would do
(new, update, already installed, older, or why it cannot be installed), checked in a background
task by kiosk.bundles.usb.scan_bundles whenever the USB watcher reports a change. Install runs
kiosk.bundles.install_bundle in a background task with a progress bar and a Cancel button, one
install at a time, then reloads the curriculum (still off the UI thread) and says that the
stick can be removed. Every refusal is the bundle error's own plain sentence.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from kiosk.bundles.errors import BundleError, CancelledError
from kiosk.bundles.install import install_bundle
from kiosk.bundles.usb import BundleStatus, FoundBundle, UsbFolder, classify, scan_bundles
from kiosk.i18n import _, ngettext
from kiosk.ui.screens.technician_parts import Card, Section, TechContext, add_now, clear_layout
from kiosk.ui.tasks import Task, run_in_background
from kiosk.ui.widgets import TextBlock, big_button, describe

log = logging.getLogger(__name__)


def failure(error: BaseException) -> str:
    if isinstance(error, BundleError):
        return error.user_message
    log.error("bundle work failed", exc_info=error)
    return str(error) or type(error).__name__


def lessons_text(count: int) -> str:
    return ngettext("{n} lesson", "{n} lessons", count).format(n=count)


class BundleRow(Card):
    """One bundle found on the stick: what it is, what installing would do, Install."""

    def __init__(self, ctx: TechContext, found: FoundBundle) -> None:
        super().__init__()
        self.ctx = ctx
        self.found = found
        self.title_text = found.path.name
        self.title = TextBlock("heading")
        self.details = TextBlock("muted")
        self.status = TextBlock()
        self.reason = TextBlock("hint")
        self.install_button = big_button("", "", role="primary")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.percent = QLabel()
        self.cancel_button = big_button("", "")
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.install_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.percent)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(0)
        for widget in (self.title, self.details, self.status, self.reason):
            self.layout_.addWidget(widget)
        self.layout_.addLayout(buttons)
        self.progress.hide()
        self.percent.hide()
        self.cancel_button.hide()
        self.retranslate()

    @property
    def installable(self) -> bool:
        return self.found.status in (BundleStatus.NEW, BundleStatus.UPDATE)

    def retranslate(self) -> None:
        found, manifest = self.found, self.found.manifest
        if manifest is not None:
            self.title_text = self.ctx.title_of(manifest.titles, manifest.id)
            # Translators: details of a bundle on the technician screen, e.g.
            # "Version 3 · 2 lessons · Sở TT&TT Hà Giang".
            details = _("Version {version} · {lessons} · from {publisher}").format(
                version=manifest.version, lessons=lessons_text(len(manifest.lessons)),
                publisher=manifest.publisher or manifest.publisher_key)
            self.details.set_plain(details)
        self.details.setVisible(manifest is not None)  # else the title is the file name
        self.title.set_plain(self.title_text)
        status = {
            BundleStatus.NEW: _("New: not on this kiosk yet."),
            BundleStatus.UPDATE: _("Update: this kiosk has version {version}."),
            BundleStatus.INSTALLED: _("Already installed."),
            BundleStatus.OLDER: _("Older than the version on this kiosk ({version}): it "
                                  "cannot be installed."),
            BundleStatus.INVALID: _("Cannot be installed:"),
        }[found.status].format(version=found.installed_version)
        self.status.set_plain(status)
        self.reason.set_plain(found.reason)
        self.reason.setVisible(found.status is BundleStatus.INVALID)
        self.install_button.setVisible(self.installable)
        verb = _("Update") if found.status is BundleStatus.UPDATE else _("Install")
        self.install_button.setText("⤓ " + verb)
        describe(self.install_button, f"{verb}: {self.title_text}", status)
        self.cancel_button.setText("✕ " + _("Cancel"))
        describe(self.cancel_button, _("Cancel the install"), _("Nothing is changed"))
        describe(self.progress, _("Install progress"))
        self.percent.setAccessibleName(self.percent.text())

    def set_found(self, found: FoundBundle) -> None:
        self.found = found
        self.retranslate()

    def begin(self) -> None:
        self.install_button.hide()
        self.progress.setValue(0)
        self.percent.setText("0%")
        for widget in (self.progress, self.percent, self.cancel_button):
            widget.show()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def progress_to(self, done: int, total: int) -> None:
        value = 100 * done // total if total else 100
        self.progress.setValue(value)
        self.percent.setText(f"{value}%")
        self.percent.setAccessibleName(self.percent.text())

    def end(self, done: bool) -> None:
        self.cancel_button.hide()
        if done:
            self.progress_to(1, 1)
        else:
            self.progress.hide()
            self.percent.hide()
        self.retranslate()


class UsbSection(Section):
    """Bundles on the USB stick, with Install."""

    def __init__(self, ctx: TechContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.status = TextBlock()
        self.rows_widget = QWidget()
        self.rows = QVBoxLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(16)
        self.body_layout.addWidget(self.status)
        self.body_layout.addWidget(self.rows_widget)
        self.body_layout.addStretch(1)
        self.folders: list[UsbFolder] = []
        self.found: list[FoundBundle] = []
        self._rows: list[BundleRow] = []
        self.looked = False  # the watcher answered at least once
        self.scanning: Task | None = None
        self.installing: Task | None = None
        self._rescan_later = False
        ctx.watcher.changed.connect(self.stick_changed)
        self.retranslate()

    def retranslate(self) -> None:
        # Translators: heading of the technician page listing the bundles on a USB stick.
        self.heading.set_plain(_("Lessons on the USB stick"))
        self._show_status()
        for row in self.row_widgets():
            row.retranslate()

    def row_widgets(self) -> list[BundleRow]:
        return list(self._rows)

    def _show_status(self) -> None:
        if not self.looked:
            text = _("Looking for a USB stick…")
        elif not self.folders:
            text = _("No USB stick with a KIOSK folder is plugged in. Plug one in: it shows here "
                     "by itself.")
        elif self.scanning is not None:
            text = _("Checking the bundles on the USB stick…")
        elif not self.found:
            text = _("The USB stick has no bundles in its KIOSK/bundles folder.")
        else:
            text = ngettext("{n} bundle on the USB stick.", "{n} bundles on the USB stick.",
                            len(self.found)).format(n=len(self.found))
        self.status.set_plain(text)

    def leave(self) -> None:
        # An install still running goes on: its end updates the lessons, even on the home
        # screen (a technician sent home by the idle timer loses nothing).
        if self.scanning is not None:
            self.scanning.abandon()
            self.scanning = None

    # -- the stick ---------------------------------------------------------------------------

    def stick_changed(self, folders: list[UsbFolder]) -> None:
        self.looked = True
        self.folders = list(folders)
        if self.installing is not None:
            self._rescan_later = True  # the row being installed stays until it ends
            return
        self.rescan()

    def rescan(self) -> None:
        if self.scanning is not None:
            self.scanning.abandon()
            self.scanning = None
        self._rescan_later = False
        folders, store, trust = list(self.folders), self.ctx.session.store, self.ctx.trust()
        if not folders:
            self._set_found([])
            return

        def work(task: Task) -> list[FoundBundle]:
            return [found for folder in folders
                    for found in scan_bundles(folder, store, trust, cancel=task.cancel_event)]

        self.scanning = run_in_background(work, self._scanned, self._scan_failed,
                                          name="usb-scan", owner=self)
        self._show_status()

    def _scanned(self, found: list[FoundBundle]) -> None:
        self.scanning = None
        self._set_found(found)

    def _scan_failed(self, error: BaseException) -> None:
        self.scanning = None
        self._set_found([])
        self.say(_("The USB stick could not be read: {reason}").format(reason=failure(error)),
                 ok=False)

    def _set_found(self, found: list[FoundBundle]) -> None:
        had_focus = self.rows_widget.isAncestorOf(self.focusWidget())
        clear_layout(self.rows)
        self.found = found
        self._rows = []
        for item in found:
            row = BundleRow(self.ctx, item)
            row.install_button.clicked.connect(lambda _c=False, r=row: self.install(r))
            row.cancel_button.clicked.connect(self.cancel_install)
            add_now(self.rows, row)
            self._rows.append(row)
        self._show_status()
        if had_focus:
            self.focus_first()

    def reclassify(self) -> None:
        """Installed versions changed (an install or removal): update each bundle's status."""
        store = self.ctx.session.store
        for row in self.row_widgets():
            found = row.found
            if found.manifest is None:
                continue
            current = store.installed_bundle(found.manifest.id)
            row.set_found(FoundBundle(found.path, classify(found.manifest, current),
                                      found.manifest, current.version if current else None))

    # -- install -----------------------------------------------------------------------------

    def install(self, row: BundleRow) -> None:
        if self.installing is not None or not row.installable:
            return
        self.clear_message()
        session, path, trust = self.ctx.session, row.found.path, self.ctx.trust()

        def work(task: Task) -> tuple[Any, Any]:
            shown = [-1]

            def progress(done: int, total: int) -> None:
                percent = 100 * done // total if total else 100
                if percent != shown[0]:  # at most 101 updates reach the UI thread
                    shown[0] = percent
                    task.report(done, total)

            result = install_bundle(path, session.data_dir, trust=trust, store=session.store,
                                    progress=progress, cancel=task.cancel_event)
            try:
                curriculum = session.load_curriculum()
            except Exception:  # the bundle is installed; the lessons show at the next start
                log.exception("lessons not reloaded after installing %s", path)
                curriculum = None
            return result, curriculum

        for other in self.row_widgets():
            other.install_button.setEnabled(False)
        row.begin()
        self.installing = run_in_background(
            work, lambda done: self._installed(row, done), lambda error: self._failed(row, error),
            row.progress_to, name="install", owner=self)

    def cancel_install(self) -> None:
        if self.installing is not None:
            self.installing.cancel()

    def _after_install(self, row: BundleRow, done: bool) -> None:
        self.installing = None
        had_focus = row.cancel_button.hasFocus()  # it disappears: the focus needs a new place
        for other in self.row_widgets():
            other.install_button.setEnabled(True)
        row.end(done)
        if self._rescan_later:
            self.rescan()
        if had_focus and self.isVisible() and not self.focus_first():
            self.ctx.focus_column()

    def _installed(self, row: BundleRow, done: tuple[Any, Any]) -> None:
        result, curriculum = done
        if curriculum is not None:
            self.ctx.session.use_curriculum(curriculum)
        self.reclassify()
        self._after_install(row, True)
        # Translators: after an install on the technician screen.
        text = _("“{title}” is installed ({lessons}). You can remove the USB stick now.").format(
            title=row.title_text, lessons=lessons_text(len(result.lessons)))
        self.say(text)
        self.ctx.announce(text)
        self.ctx.bundles_changed()

    def _failed(self, row: BundleRow, error: BaseException) -> None:
        self._after_install(row, False)
        if isinstance(error, CancelledError):
            text = _("The install was cancelled; nothing was changed.")
        else:
            text = _("Not installed: {reason}").format(reason=failure(error))
        self.say(text, ok=False)
        self.ctx.announce(text)
