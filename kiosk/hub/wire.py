"""The bytes of the sync protocol as the hub reads and writes them (kiosk/sync/PROTOCOL.md).

Canonical JSON for signed bodies, strict base64, Ed25519 signature checks, hybrid logical clock
strings, and the parsing of a signed batch into checked `Event`s. A batch is verified against
the caller's registered key on its exact bytes before its JSON is read; anything malformed is a
`BadRequest`, a signature that does not verify a `Forbidden`, so nothing half-checked is stored.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from kiosk.hub.errors import BadRequest, Forbidden

BATCH_FORMAT = 1
FILE_FORMAT = "kiosk-sync/1"
MAX_EVENTS = 1000
MAX_SEQ = 2**62
MAX_TEXT = 200  # event type, created and the report fields taken out of a payload
HLC_PATTERN = re.compile(r"^\d{16}-\d{4}$")
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
# fullmatch: "$" alone would let a trailing newline through
_UUID, _HLC, _TYPE = UUID_PATTERN.fullmatch, HLC_PATTERN.fullmatch, TYPE_PATTERN.fullmatch
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64


def canonical(obj: Any) -> bytes:
    """The exact bytes that are signed (PROTOCOL.md, Canonical JSON)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(value: Any, what: str, size: int | None = None) -> bytes:
    """Strict standard base64 (with padding); a BadRequest naming `what` otherwise."""
    if not isinstance(value, str) or not value:
        raise BadRequest(f"The {what} is missing or not text.")
    try:
        # strict_mode: the checks of b64decode(validate=True), in C instead of a regex pass
        # over the text (a batch is half a megabyte of base64).
        data = binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise BadRequest(f"The {what} is not valid base64.") from None
    if size is not None and len(data) != size:
        raise BadRequest(f"The {what} must be {size} bytes, not {len(data)}.")
    return data


def public_key(value: Any) -> str:
    """A checked base64 Ed25519 public key, returned in its canonical base64 form."""
    return b64(unb64(value, "public key", PUBLIC_KEY_SIZE))


def verify(body: bytes, signature: Any, key_b64: str) -> None:
    """Check a detached Ed25519 signature; Forbidden when it does not match."""
    sig = unb64(signature, "signature", SIGNATURE_SIZE)
    try:
        VerifyKey(base64.b64decode(key_b64)).verify(body, sig)
    except (BadSignatureError, ValueError):
        raise Forbidden("The batch signature does not match this kiosk's key.",
                        "bad_signature") from None


def sign(body: bytes, secret_b64: str) -> str:
    return b64(SigningKey(base64.b64decode(secret_b64)).sign(body).signature)


def canonical_uuid(value: Any, what: str) -> str:
    """A UUID in its canonical lowercase form; BadRequest otherwise."""
    if isinstance(value, str) and len(value) == 36:
        lower = value.lower()
        if _UUID(lower):
            return lower
    raise BadRequest(f"The {what} is not a UUID.")


def hlc_now() -> str:
    return f"{time.time_ns() // 1_000_000:016d}-0000"


def hlc_after(*seen: str) -> str:
    """The hub's clock reading for an answer: at least its own time, after every HLC it saw."""
    latest = max(seen, default="")
    now = hlc_now()
    if not latest or now > latest:
        return now
    physical, counter = latest.split("-")
    if int(counter) < 9999:
        return f"{physical}-{int(counter) + 1:04d}"
    return f"{int(physical) + 1:016d}-0000"


class Event(NamedTuple):
    """One checked event (a named tuple: made 1000 times per batch, three times quicker than a
    frozen dataclass)."""

    id: str
    seq: int
    hlc: str
    type: str
    payload: dict[str, Any]
    created: str | None


@dataclass(frozen=True)
class Batch:
    kiosk_id: str
    batch_id: str
    hlc: str
    events: tuple[Event, ...]


def _hlc(value: Any, what: str) -> str:
    if type(value) is not str or not _HLC(value):
        raise BadRequest(f"The {what} is not a hybrid logical clock reading.")
    return value


def _event(raw: Any, index: int) -> Event:
    """One checked event; error messages are built only on the error path (1000 per batch)."""
    try:
        event_id, seq, hlc = raw["id"], raw["seq"], raw["hlc"]
        event_type, payload = raw["type"], raw["payload"]
    except (TypeError, KeyError):
        raise BadRequest(f"Event {index + 1} is not an object with id, seq, hlc, type and "
                         "payload.") from None
    if type(event_id) is not str or not _UUID(event_id.lower()):
        raise BadRequest(f"The id of event {index + 1} is not a UUID.")
    if type(seq) is not int or not 1 <= seq <= MAX_SEQ:
        raise BadRequest(f"The seq of event {index + 1} must be a whole number from 1.")
    if type(hlc) is not str or not _HLC(hlc):
        raise BadRequest(f"The hlc of event {index + 1} is not a hybrid logical clock reading.")
    if type(event_type) is not str or not _TYPE(event_type):
        raise BadRequest(f"The type of event {index + 1} is missing or malformed.")
    if type(payload) is not dict:
        raise BadRequest(f"The payload of event {index + 1} is not an object.")
    created = raw.get("created")
    if created is not None and (type(created) is not str or len(created) > MAX_TEXT):
        raise BadRequest(f"The created time of event {index + 1} is malformed.")
    return Event(event_id.lower(), seq, hlc, event_type, payload, created)


def parse_batch(body: bytes) -> Batch:
    """Read a batch whose signature was already checked."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The batch is not UTF-8 JSON.") from None
    if not isinstance(raw, dict):
        raise BadRequest("The batch is not a JSON object.")
    if raw.get("format") != BATCH_FORMAT:
        raise BadRequest(f"Unknown batch format {raw.get('format')!r}; this hub reads format 1.")
    events = raw.get("events")
    if not isinstance(events, list):
        raise BadRequest("The batch has no list of events.")
    if len(events) > MAX_EVENTS:
        raise BadRequest(f"A batch holds at most {MAX_EVENTS} events, not {len(events)}.")
    return Batch(
        kiosk_id=canonical_uuid(raw.get("kiosk_id"), "batch kiosk_id"),
        batch_id=canonical_uuid(raw.get("batch_id"), "batch_id"),
        hlc=_hlc(raw.get("hlc"), "batch hlc"),
        events=tuple(_event(event, index) for index, event in enumerate(events)),
    )


def json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The request body is not UTF-8 JSON.") from None


def open_signed(wire: Any, key_b64: str) -> Batch:
    """Verify `{"batch", "signature"}` against `key_b64`, then parse the batch."""
    if not isinstance(wire, dict):
        raise BadRequest("The request body is not a JSON object.")
    body = unb64(wire.get("batch"), "batch")
    verify(body, wire.get("signature"), key_b64)
    return parse_batch(body)
