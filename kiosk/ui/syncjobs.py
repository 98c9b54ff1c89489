"""The Sync page's background jobs: stick export, the hub's receipts, enrollment, and their
failures in plain words.

Each job is what a `kiosk sync` command does (kiosk.sync.usb, kiosk.sync.enroll), on its own
database connection, for a kiosk.ui.tasks background task: no widgets here. The stick is the
KIOSK folder the technician screen's UsbWatcher found; a stick pulled out since then is said
as such (`StickGone`), and so is a full one. Sync errors carry their own plain message.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path
from typing import Any

from kiosk.bundles.usb import UsbFolder
from kiosk.i18n import _

log = logging.getLogger(__name__)


class StickGone(Exception):
    """The stick the watcher saw is not there any more."""


def _stick_sync_dir(folder: UsbFolder) -> Path:
    if not folder.root.is_dir():
        raise StickGone(str(folder.root))
    try:
        folder.sync_dir.mkdir(exist_ok=True)
    except FileNotFoundError as error:
        raise StickGone(str(folder.root)) from error
    return folder.sync_dir


def export_to_stick(data_dir: Path, folder: UsbFolder) -> tuple[int, int]:
    """(files written, events waiting) after writing the waiting events onto the stick."""
    from kiosk.sync.engine import store_for
    from kiosk.sync.errors import SyncError
    from kiosk.sync.usb import export_events

    target = _stick_sync_dir(folder)
    with store_for(data_dir, None) as store:
        try:
            written = export_events(store, data_dir, target)
        except SyncError as error:
            if not folder.root.is_dir():  # pulled out while writing
                raise StickGone(str(folder.root)) from error
            raise
        pending, _acked = store.outbox_counts()
    return len(written), pending


def receipts_from_stick(data_dir: Path, folder: UsbFolder) -> list[Any]:
    """The hub's receipts for this kiosk on the stick, imported (kiosk.sync.usb.ReceiptResult)."""
    from kiosk.sync.engine import store_for
    from kiosk.sync.usb import import_receipts

    if not folder.root.is_dir():
        raise StickGone(str(folder.root))
    with store_for(data_dir, None) as store:
        return import_receipts(store, folder.sync_dir)


def enroll_kiosk(data_dir: Path, url: str, code: str, name: str, commune: str) -> Any:
    """What `kiosk sync enroll [URL] CODE` does: online with an address, else by stick."""
    from kiosk.sync.engine import store_for
    from kiosk.sync.enroll import enroll_by_stick, enroll_online

    with store_for(data_dir, None) as store:
        if url:
            return enroll_online(store, data_dir, url, code, name=name or None,
                                 commune=commune or None)
        return enroll_by_stick(store, data_dir, code, name=name or None, commune=commune or None)


def failure_text(error: BaseException) -> str:
    """Plain words for what went wrong (sync errors carry their own)."""
    if isinstance(error, StickGone):
        return _("The USB stick was removed. Plug it in again.")
    cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return _("The USB stick is full: make room on it.")
    message = getattr(error, "user_message", None)
    if isinstance(message, str) and message:
        return message
    if isinstance(error, OSError):
        return _("The kiosk could not use the USB stick ({reason}).").format(
            reason=error.strerror or error)
    log.error("sync work failed", exc_info=error)
    return _("Something went wrong: {reason}").format(reason=str(error) or type(error).__name__)
