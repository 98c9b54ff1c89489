"""Sync without a network: events out to the stick, the hub's receipts back in.

`export_events` writes every unacknowledged event into `KIOSK/sync/` on the stick, one signed
`.ksync` file per batch of at most 1000 (PROTOCOL.md "USB files"), each written to a temporary
name, flushed and renamed, so a stick pulled out mid-way holds whole files or none. While the
kiosk enrolls through the stick, the files carry the technician's code (and, with no event yet,
one empty batch is written so the code can travel). Exporting does not acknowledge anything:
the events stay pending until a receipt (or the online hub) says the hub has them, so the same
events may travel twice, by stick and online, and the hub counts them once.
`import_receipt` believes a receipt only if its signature verifies, its hub key is the one this
kiosk pinned (the first receipt pins it for a kiosk enrolled by stick) and it names this kiosk;
then it acknowledges the listed ids. Importing the same receipt again changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.bundles.fsutil import write_atomic
from kiosk.bundles.usb import USB_FOLDER
from kiosk.i18n import _
from kiosk.store import Store
from kiosk.store.db import now_iso
from kiosk.sync.engine import require_key
from kiosk.sync.errors import NotEnrolledError, SyncError, SyncFileError
from kiosk.sync.identity import canonical
from kiosk.sync.wire import MAX_BATCH, MAX_RECEIPT_FILE, events_file, make_batch, parse_receipt

log = logging.getLogger(__name__)

SYNC_SUFFIX = ".ksync"
RECEIPT_SUFFIX = ".receipt"


@dataclass(frozen=True)
class ReceiptResult:
    file: Path
    listed: int  # ids the receipt lists
    acked: int  # of them, newly acknowledged here (0 when imported before)
    enrolled_now: bool


def sync_folder(target: Path) -> Path:
    """`DIR/KIOSK/sync`, or DIR itself when it already is such a folder."""
    target = Path(target)
    parts = [part.lower() for part in target.parts[-2:]]
    if parts == [USB_FOLDER.lower(), "sync"]:
        return target
    return target / USB_FOLDER / "sync"


def export_events(store: Store, data_dir: Path, target: Path) -> list[Path]:
    """Write the pending events as signed files into the stick's sync folder; return them."""
    state = store.sync_state()
    if state.kiosk_id is None or not (state.is_enrolled or state.enroll_code):
        raise NotEnrolledError(_("This kiosk is not enrolled with a hub. Type the code from the "
                                 "hub first (enroll), then export."))
    key = require_key(data_dir)
    enroll = None
    if not state.is_enrolled and state.enroll_code:
        enroll = {"code": state.enroll_code, "name": state.name or "",
                  "commune": state.commune or ""}
    folder = sync_folder(target)
    if not Path(target).is_dir():
        raise SyncError(_("The folder {folder} does not exist. Is the stick plugged in?").format(
            folder=target))
    written: list[Path] = []
    after = 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        while True:
            events = store.pending_events(MAX_BATCH, after_seq=after)
            if not events and (written or enroll is None):
                break
            batch = make_batch(state.kiosk_id, events, store.next_hlc())
            first, last = (events[0].seq, events[-1].seq) if events else (0, 0)
            path = folder / f"{state.kiosk_id}-{first}-{last}{SYNC_SUFFIX}"
            write_atomic(path, canonical(events_file(key, batch, enroll)))
            written.append(path)
            if not events:
                break
            after = last
    except OSError as error:
        raise SyncError(_("The kiosk could not write to {folder} ({reason}). Check the stick "
                          "and try again.").format(folder=folder,
                                                   reason=error.strerror or error)) from error
    log.info("exported %d sync file(s) into %s", len(written), folder)
    return written


def import_receipt(store: Store, path: Path) -> ReceiptResult:
    """Acknowledge the events a hub receipt lists, after checking who signed it and for whom."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_RECEIPT_FILE + 1)
    except OSError as error:
        raise SyncFileError(_("The kiosk cannot read {file} ({reason}).").format(
            file=path, reason=error.strerror or error)) from error
    if len(data) > MAX_RECEIPT_FILE:
        raise SyncFileError(_("{file} is too large to be a hub receipt.").format(file=path.name))
    receipt = parse_receipt(data, path.name)
    state = store.sync_state()
    if state.kiosk_id is None or receipt.kiosk_id != state.kiosk_id:
        raise SyncFileError(_("The receipt {file} is for another kiosk.").format(file=path.name))
    if state.hub_public_key and state.hub_public_key != receipt.hub_public_key:
        raise SyncFileError(_("The receipt {file} was signed by another hub than this kiosk's; "
                              "it is ignored.").format(file=path.name))
    enrolled_now = False
    if not state.hub_public_key:
        # A kiosk enrolling through the stick: the hub that accepted its code is its hub now.
        changes: dict[str, object] = {"hub_public_key": receipt.hub_public_key,
                                      "hub_id": receipt.hub_id}
        if not state.is_enrolled:
            changes.update(enrolled=now_iso(), enrolled_via="usb", enroll_code=None)
            enrolled_now = True
        store.update_sync_state(**changes)
        log.info("pinned hub %s from receipt %s", receipt.hub_id, path.name)
    acked = store.ack_events(list(receipt.acked))
    store.observe_hlc(receipt.hub_time)
    log.info("receipt %s: %d listed, %d newly acknowledged", path.name, len(receipt.acked), acked)
    return ReceiptResult(path, len(receipt.acked), acked, enrolled_now)


def receipt_files(target: Path, kiosk_id: str) -> list[Path]:
    """This kiosk's receipts in the stick's sync folder (for the technician screen's button)."""
    folder = sync_folder(target)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir()
                  if path.name.startswith(kiosk_id) and path.name.endswith(RECEIPT_SUFFIX))


def import_receipts(store: Store, target: Path) -> list[ReceiptResult]:
    """Import every receipt for this kiosk found on the stick; damaged ones raise."""
    state = store.sync_state()
    if state.kiosk_id is None:
        return []
    return [import_receipt(store, path) for path in receipt_files(target, state.kiosk_id)]
