"""What travels: signed event batches (HTTP body and stick files) and the hub's receipts.

Builds exactly the JSON of PROTOCOL.md and reads the hub's receipts back, checking their
signature before believing a word of them. No I/O beyond reading a receipt's bytes given by the
caller; the HTTP side is `client`, the files on the stick `usb`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.i18n import _
from kiosk.store import OutboxEvent
from kiosk.store.outbox import PendingRow
from kiosk.sync.errors import SyncFileError
from kiosk.sync.identity import KioskKey, b64, canonical, canonical_text, unb64, verify

log = logging.getLogger(__name__)

BATCH_FORMAT = 1
FILE_FORMAT = "kiosk-sync/1"
MAX_BATCH = 1000
MAX_RECEIPT_FILE = 64 * 1024 * 1024


def new_batch_id() -> str:
    import uuid6

    return str(uuid6.uuid7())


def event_json(event: OutboxEvent) -> dict[str, Any]:
    return {"id": event.id, "seq": event.seq, "hlc": event.hlc, "type": event.type,
            "payload": event.payload, "created": event.created}


def make_batch(kiosk_id: str, events: Sequence[OutboxEvent], stamp: str,
               batch_id: str | None = None) -> dict[str, Any]:
    if len(events) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} events per batch")
    return {"format": BATCH_FORMAT, "kiosk_id": kiosk_id, "batch_id": batch_id or new_batch_id(),
            "hlc": stamp, "events": [event_json(event) for event in events]}


# Where each event's payload goes in `batch_body`: quotes inside JSON strings are escaped, so
# this text appears nowhere else in a batch (no other object there has a "payload" key).
_PAYLOAD_SLOT = '"payload":0,'


def batch_body(kiosk_id: str, rows: Sequence[PendingRow], stamp: str,
               batch_id: str | None = None) -> bytes:
    """The canonical bytes of `make_batch` for rows read straight from the outbox.

    The payloads are spliced in as the JSON text the outbox stored (`add_event` wrote it in
    canonical form) instead of being decoded and encoded again, which was most of a kiosk's
    work per batch. The rest is encoded by the canonical encoder with a placeholder payload.
    """
    if len(rows) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} events per batch")
    skeleton = {"format": BATCH_FORMAT, "kiosk_id": kiosk_id,
                "batch_id": batch_id or new_batch_id(), "hlc": stamp,
                "events": [{"id": row.id, "seq": row.seq, "hlc": row.hlc, "type": row.type,
                            "payload": 0, "created": row.created} for row in rows]}
    parts = canonical_text(skeleton).split(_PAYLOAD_SLOT)
    if len(parts) != len(rows) + 1:
        raise ValueError("a batch with a payload slot out of place")
    pieces = [parts[0]]
    for row, rest in zip(rows, parts[1:], strict=True):
        pieces += ('"payload":', row.payload_json, ",", rest)
    return "".join(pieces).encode()


def sign_body(key: KioskKey, body: bytes) -> dict[str, str]:
    """The wire form: `{"batch": base64 of the body, "signature": base64 Ed25519}`."""
    return {"batch": b64(body), "signature": b64(key.sign(body))}


def sign_batch(key: KioskKey, batch: dict[str, Any]) -> dict[str, str]:
    """The wire form of a batch made by `make_batch` (canonical JSON)."""
    return sign_body(key, canonical(batch))


def events_file(key: KioskKey, batch: dict[str, Any],
                enroll: dict[str, str] | None = None) -> dict[str, Any]:
    """A `.ksync` file's content; `enroll` only while the kiosk enrolls through the stick."""
    signed = sign_batch(key, batch)
    content: dict[str, Any] = {"format": FILE_FORMAT, "kind": "events",
                               "kiosk_id": batch["kiosk_id"], "public_key": key.public_b64,
                               "batch": signed["batch"], "signature": signed["signature"]}
    if enroll is not None:
        content["enroll"] = dict(enroll)
    return content


@dataclass(frozen=True)
class Receipt:
    hub_id: str
    hub_public_key: str  # base64, as in the file
    kiosk_id: str
    batch_id: str
    acked: tuple[str, ...]
    hub_time: str


def _bad_receipt(name: str) -> SyncFileError:
    return SyncFileError(_("{file} is not a hub receipt, or it is damaged.").format(file=name))


def parse_receipt(data: bytes, name: str) -> Receipt:
    """A receipt whose signature verifies with the key it names; raise SyncFileError otherwise.

    Whether that key is the hub this kiosk trusts is the caller's check (`usb`).
    """
    try:
        outer = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise _bad_receipt(name) from error
    if not isinstance(outer, dict) or outer.get("format") != FILE_FORMAT \
            or outer.get("kind") != "receipt":
        raise _bad_receipt(name)
    public = unb64(outer.get("hub_public_key"), 32)
    body = unb64(outer.get("receipt"))
    signature = unb64(outer.get("signature"), 64)
    if public is None or body is None or signature is None:
        raise _bad_receipt(name)
    if not verify(public, body, signature):
        log.warning("receipt %s: the signature does not match", name)
        raise SyncFileError(_("The receipt {file} was changed after the hub signed it; it is "
                              "ignored.").format(file=name))
    try:
        inner = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise _bad_receipt(name) from error
    if not isinstance(inner, dict):
        raise _bad_receipt(name)
    acked = inner.get("acked")
    fields = [inner.get(key) for key in ("hub_id", "kiosk_id", "batch_id")]
    if not isinstance(acked, list) or not all(isinstance(item, str) for item in acked) \
            or not all(isinstance(value, str) for value in fields):
        raise _bad_receipt(name)
    hub_time = inner.get("hub_time")
    return Receipt(hub_id=fields[0], hub_public_key=b64(public), kiosk_id=fields[1],
                   batch_id=fields[2], acked=tuple(acked),
                   hub_time=hub_time if isinstance(hub_time, str) else "")
