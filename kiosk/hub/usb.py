"""`kiosk hub import FILE`: a kiosk's events from a USB stick, and the signed receipt back.

The events file (PROTOCOL.md, USB files) is checked exactly as `POST /v1/events` checks a push:
the batch must verify with the kiosk's registered key and name that kiosk. A kiosk the hub does
not know yet must carry an `enroll` block with a good one-time code; its own signature is
checked before the code is used, so a forged file never burns a code. Enrollment and events go
in one transaction with `ON CONFLICT (event_id) DO NOTHING`, so importing a file twice, or
importing events that also arrived online, stores each event once. The receipt, signed with
the hub's key, is written beside the file after the commit; if writing it fails (a stick pulled
out, a read-only stick), importing the file again stores nothing more and writes it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from kiosk.bundles.fsutil import write_atomic
from kiosk.hub import wire
from kiosk.hub.enroll import enroll, kiosk_row
from kiosk.hub.errors import BadRequest, Forbidden, TooLarge
from kiosk.hub.ingest import Stored, store_batch
from kiosk.hub.storage import HubIdentity, identity, writing

log = logging.getLogger(__name__)

MAX_FILE = 64 << 20  # a full batch of 1000 events is well under 2 MB
RECEIPT_SUFFIX = ".receipt"


@dataclass(frozen=True)
class Imported:
    kiosk_id: str
    result: Stored
    receipt: Path
    enrolled: bool


def read_events_file(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise TooLarge(f"{path.name} is {size} bytes: too large for a sync file.")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise BadRequest(f"Cannot read {path}: {error.strerror or error}.") from None
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(f"{path.name} is not a sync file (not JSON).") from None
    if not isinstance(data, dict) or data.get("format") != wire.FILE_FORMAT:
        raise BadRequest(f"{path.name} is not a sync file of format {wire.FILE_FORMAT}.")
    if data.get("kind") != "events":
        raise BadRequest(f"{path.name} is a sync file of kind {data.get('kind')!r}, "
                         "not an events file.")
    return data


def make_receipt(hub: HubIdentity, kiosk_id: str, batch_id: str, result: Stored) -> bytes:
    body = wire.canonical({"hub_id": hub.hub_id, "kiosk_id": kiosk_id, "batch_id": batch_id,
                           "acked": result.acked, "hub_time": result.hub_time})
    receipt = {"format": wire.FILE_FORMAT, "kind": "receipt", "hub_public_key": hub.public_key,
               "receipt": wire.b64(body), "signature": wire.sign(body, hub.secret_key)}
    return (json.dumps(receipt, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def receipt_path(events_file: Path) -> Path:
    return events_file.with_name(events_file.name + RECEIPT_SUFFIX)


def import_file(engine: Engine, path: Path) -> Imported:
    """Verify and store one events file, then write its receipt beside it."""
    data = read_events_file(path)
    kiosk_id = wire.canonical_uuid(data.get("kiosk_id"), "kiosk_id")
    key = wire.public_key(data.get("public_key"))
    # Verified with the key the file carries; then that key must be the registered one.
    batch = wire.open_signed(data, key)
    if batch.kiosk_id != kiosk_id:
        raise Forbidden("The batch in this file belongs to another kiosk.", "wrong_kiosk")
    enrolled = False
    with writing(engine) as connection:
        kiosk = kiosk_row(connection, kiosk_id)
        if kiosk is None:
            ask = data.get("enroll")
            if not isinstance(ask, dict):
                raise Forbidden("This kiosk is not enrolled and the file carries no "
                                "enrollment code.", "not_enrolled")
            enroll(connection, {**ask, "kiosk_id": kiosk_id, "public_key": key}, online=False)
            kiosk = kiosk_row(connection, kiosk_id)
            enrolled = True
        elif kiosk["public_key"] != key:
            raise Forbidden("This file is signed with a key the hub does not know for this "
                            "kiosk.", "bad_signature")
        assert kiosk is not None
        result = store_batch(connection, kiosk, batch)
    target = receipt_path(path)
    try:
        write_atomic(target, make_receipt(identity(engine), kiosk_id, batch.batch_id, result))
    except OSError as error:
        raise BadRequest(f"The events are stored, but the receipt could not be written to "
                         f"{target}: {error.strerror or error}. Import the file again.") from None
    log.info("imported %s: %d stored, %d duplicates", path, len(result.stored),
             len(result.duplicates))
    return Imported(kiosk_id, result, target, enrolled)
