"""Enrollment codes, kiosk registration and the credentials every other request carries.

A code is 8 characters from an alphabet without look-alikes, shown `XXXX-XXXX`; the hub keeps
only its SHA-256, with the commune it is for and when it expires. Using a code is one
conditional UPDATE (`… WHERE used IS NULL`), so two hub processes can never both accept it.
A kiosk enrolling online gets a bearer token (stored as its SHA-256); one enrolling through a
USB file gets none until it enrolls online. A kiosk whose answer was lost may send the same
code again: while the code has not expired and the hub has never seen the kiosk push, the same
kiosk id with the same key gets a fresh token instead of `code_used`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from kiosk.hub import wire
from kiosk.hub.errors import BadRequest, Conflict, Forbidden, Unauthorized
from kiosk.hub.storage import enroll_codes, insert_ignoring, iso, kiosks, utc_now, writing

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
DEFAULT_HOURS = 72.0
MAX_NAME = 100


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: Any) -> str | None:
    """The code as stored before hashing: dashes and spaces dropped, upper case; None if bad."""
    if not isinstance(text, str):
        return None
    cleaned = "".join(text.split()).replace("-", "").upper()
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        return None
    return cleaned


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_code(engine: Engine, commune: str = "", hours: float = DEFAULT_HOURS,
                now: dt.datetime | None = None) -> str:
    """Store a new one-time code and return it as `XXXX-XXXX`."""
    if not hours > 0:
        raise BadRequest("A code must be valid for some time: give --hours above 0.")
    start = now or utc_now()
    code = new_code()
    with writing(engine) as connection:
        connection.execute(sa.insert(enroll_codes), {
            "code_hash": _sha256(normalise_code(code) or ""),
            "commune": _short(commune, "commune"),
            "created": iso(start),
            "expires": iso(start + dt.timedelta(hours=hours)),
        })
    return code


def _short(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise BadRequest(f"The {what} must be text of at most {MAX_NAME} characters.")
    return " ".join(value.split())


@dataclass(frozen=True)
class Enrollment:
    kiosk_id: str
    token: str | None
    commune: str


def kiosk_row(connection: Connection, kiosk_id: str) -> RowMapping | None:
    return connection.execute(
        sa.select(kiosks).where(kiosks.c.kiosk_id == kiosk_id)).mappings().first()


def enroll(connection: Connection, request: dict[str, Any], *, online: bool = True,
           now: dt.datetime | None = None) -> Enrollment:
    """Register the kiosk of an enroll request (PROTOCOL.md) inside the caller's transaction."""
    if not isinstance(request, dict):
        raise BadRequest("The enroll request is not a JSON object.")
    kiosk_id = wire.canonical_uuid(request.get("kiosk_id"), "kiosk_id")
    key = wire.public_key(request.get("public_key"))
    name = _short(request.get("name"), "name")
    asked_commune = _short(request.get("commune"), "commune")
    version = _short(request.get("kiosk_version"), "kiosk_version")
    moment = iso(now or utc_now())
    normal = normalise_code(request.get("code"))
    code = None if normal is None else connection.execute(
        sa.select(enroll_codes).where(enroll_codes.c.code_hash == _sha256(normal))
    ).mappings().first()
    if code is None:
        raise Forbidden("This enrollment code is not known to the hub.", "code_invalid")
    existing = kiosk_row(connection, kiosk_id)
    if existing is not None and existing["public_key"] != key:
        raise Conflict("A kiosk with this id is already enrolled with another key.")
    expired = code["expires"] <= moment
    if code["used"] is not None:
        retry = (code["used_by"] == kiosk_id and existing is not None
                 and existing["last_seen"] is None)
        if not retry:
            raise Forbidden("This enrollment code was already used.", "code_used")
        if expired:
            raise Forbidden("This enrollment code has expired.", "code_expired")
    else:
        if expired:
            raise Forbidden("This enrollment code has expired.", "code_expired")
        taken = connection.execute(
            sa.update(enroll_codes)
            .where(enroll_codes.c.code_hash == code["code_hash"], enroll_codes.c.used.is_(None))
            .values(used=moment, used_by=kiosk_id))
        if taken.rowcount != 1:
            raise Forbidden("This enrollment code was already used.", "code_used")
    commune = code["commune"] or asked_commune
    token = secrets.token_urlsafe(32) if online else None
    fields: dict[str, Any] = {"name": name, "commune": commune, "kiosk_version": version}
    if token:
        fields["token_hash"] = _sha256(token)
    if existing is None:
        added = connection.execute(insert_ignoring(connection, kiosks), {
            "kiosk_id": kiosk_id, "public_key": key, "enrolled": moment,
            "enrolled_by": "online" if online else "usb", "flagged": False, **fields})
        existing = None if added.rowcount == 1 else kiosk_row(connection, kiosk_id)
        if existing is not None and existing["public_key"] != key:
            raise Conflict("A kiosk with this id is already enrolled with another key.")
    if existing is not None:
        connection.execute(sa.update(kiosks).where(kiosks.c.kiosk_id == kiosk_id).values(**fields))
    log.info("kiosk %s enrolled (%s) for commune %r", kiosk_id, "online" if online else "usb",
             commune)
    return Enrollment(kiosk_id, token, commune)


def enroll_online(engine: Engine, request: dict[str, Any]) -> Enrollment:
    with writing(engine) as connection:
        return enroll(connection, request, online=True)


def authenticate(connection: Connection, kiosk_id: str | None,
                 authorization: str | None) -> RowMapping:
    """The calling kiosk's row, from `X-Kiosk-Id` and `Authorization: Bearer`.

    401 without (well-formed) credentials or for a token the hub does not know; 403 for a
    valid token presented with another kiosk's id.
    """
    if not kiosk_id or not authorization:
        raise Unauthorized("This request needs X-Kiosk-Id and Authorization: Bearer headers.")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise Unauthorized("The Authorization header must be 'Bearer <token>'.")
    try:
        caller = wire.canonical_uuid(kiosk_id.strip(), "X-Kiosk-Id")
    except BadRequest:
        raise Unauthorized("The X-Kiosk-Id header is not a kiosk id.") from None
    digest = _sha256(token)
    row = kiosk_row(connection, caller)
    if row is not None and row["token_hash"] and hmac.compare_digest(row["token_hash"], digest):
        return row
    owner = connection.execute(
        sa.select(kiosks.c.kiosk_id).where(kiosks.c.token_hash == digest)).first()
    if owner is not None:
        raise Forbidden("This token belongs to another kiosk.", "wrong_kiosk")
    raise Unauthorized("Unknown kiosk or token: enroll the kiosk first.")
