"""Noticing USB sticks while the technician screen is open, without blocking the UI thread.

`UsbWatcher` polls every few seconds with a QTimer. Each poll lists the mounted volumes with
QStorageInfo on the UI thread (cheap: it reads the mount table), then looks for the `KIOSK/`
folder on them and on kiosk.bundles.usb's usual places in a background task (a slow or dying
stick may hang a file-system call for seconds). When the folders found, or the bundle and key
files in them (name, size, time), differ from the last poll, `changed` carries the new list:
a stick plugged in, pulled out, or a file copied onto it. `KIOSK_USB_ROOTS` (tests, unusual
set-ups) replaces the search places, as in kiosk.bundles.usb.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QStorageInfo, QTimer, Signal

from kiosk.bundles.usb import ROOTS_ENV, UsbFolder, candidate_roots, find_usb_folders
from kiosk.ui.tasks import Task, run_in_background

log = logging.getLogger(__name__)

POLL_MS = 2000
Signature = tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...]


def mounted_roots() -> list[Path]:
    """Tops of mounted volumes that may be a stick: kiosk.bundles.usb's places plus every
    real (device-backed) volume Qt knows, except the system disk."""
    roots = candidate_roots()
    if os.environ.get(ROOTS_ENV):
        return roots
    known = {str(root) for root in roots}
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isRoot():
            continue
        device = bytes(volume.device().data())
        if sys.platform.startswith("linux") and not device.startswith(b"/dev/"):
            continue  # proc, tmpfs, overlay and other pseudo file systems
        path = volume.rootPath()
        if path not in known:
            known.add(path)
            roots.append(Path(path))
    return roots


def _files(folder: UsbFolder) -> tuple[tuple[str, int, int], ...]:
    found = []
    for path in [*folder.bundle_files(), *folder.key_files()]:
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((path.as_posix(), info.st_size, info.st_mtime_ns))
    return tuple(found)


def look(roots: list[Path]) -> tuple[list[UsbFolder], Signature]:
    """The KIOSK folders on `roots` and what they hold (runs off the UI thread)."""
    folders = find_usb_folders(roots)
    signature = []
    for folder in folders:
        try:
            signature.append((folder.root.as_posix(), _files(folder)))
        except OSError as error:  # pulled out while looking
            log.info("cannot list %s: %s", folder.root, error)
    return folders, tuple(signature)


class UsbWatcher(QObject):
    """Polls for KIOSK folders on mounted volumes; `changed(list[UsbFolder])` on a change."""

    changed = Signal(list)

    def __init__(self, interval_ms: int = POLL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._task: Task | None = None
        self._last: Signature | None = None
        self.folders: list[UsbFolder] = []

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Look now and every interval; the first result is always reported."""
        self._last = None
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        if self._task is not None:
            self._task.abandon()
            self._task = None

    def poll(self) -> None:
        if self._task is not None and self._task.running:
            return  # the last look has not finished: a slow stick
        roots = mounted_roots()
        self._task = run_in_background(lambda _task: look(roots), self._looked, self._failed,
                                       name="usb-poll", owner=self)

    def _looked(self, result: tuple[list[UsbFolder], Signature]) -> None:
        folders, signature = result
        if signature == self._last:
            return
        self._last = signature
        self.folders = folders
        log.info("USB folders: %s", [str(f.root) for f in folders])
        self.changed.emit(folders)

    def _failed(self, error: BaseException) -> None:
        log.warning("looking for USB sticks failed: %r", error)
