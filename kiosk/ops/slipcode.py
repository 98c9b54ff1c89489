"""The short code printed on a completion slip, which the commune can record and check.

code = the first 40 bits of HMAC-SHA256(kiosk secret, kiosk id | learner id | lesson id |
date), written as 8 characters of Crockford's base 32 (digits and capitals without I, L, O,
U, so 0/O and 1/I/L cannot be confused when read aloud or copied by hand), shown as
`ABCD-EFGH`. The kiosk id is the one the hub gave at enrollment when there is one, otherwise
a random id the kiosk makes once; the secret is 32 random bytes made once per kiosk and kept
in its settings. The same learner, lesson and day always give the same code, so a reprinted
slip matches, and `find(...)` tells which completion a code belongs to (`kiosk slip check`).
No Qt here.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CODE_LENGTH = 8
KIOSK_ID_SETTING = "kiosk.local_id"
SECRET_SETTING = "kiosk.slip_secret"


class _Store(Protocol):
    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...


def kiosk_id(store: _Store) -> str:
    """The hub's id for this kiosk once enrolled, else a local random id made once."""
    reader = getattr(store, "sync_state", None)
    if reader is not None:
        try:
            enrolled = getattr(reader(), "kiosk_id", None)
        except Exception:
            log.exception("sync state unreadable; using the local kiosk id")
            enrolled = None
        if enrolled:
            return str(enrolled)
    local = store.get_setting(KIOSK_ID_SETTING)
    if not isinstance(local, str) or not local:
        local = str(uuid.uuid4())
        store.set_setting(KIOSK_ID_SETTING, local)
    return local


def _secret(store: _Store) -> bytes:
    value = store.get_setting(SECRET_SETTING)
    try:
        key = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        key = b""
    if len(key) < 16:
        key = secrets.token_bytes(32)
        store.set_setting(SECRET_SETTING, key.hex())
    return key


def _encode(digest: bytes) -> str:
    number = int.from_bytes(digest[:5], "big")  # 40 bits = 8 base-32 characters
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, 32)
        chars.append(ALPHABET[index])
    return "".join(reversed(chars))


def compute(key: bytes, kiosk: str, learner_id: str, lesson_id: str, day: str) -> str:
    message = "|".join((kiosk, learner_id, lesson_id, day)).encode("utf-8")
    return _encode(hmac.new(key, message, hashlib.sha256).digest())


def slip_code(store: _Store, learner_id: str, lesson_id: str, day: str) -> str:
    """The 8-character code for a completion (`day` as YYYY-MM-DD)."""
    return compute(_secret(store), kiosk_id(store), learner_id, lesson_id, day)


def pretty(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise(text: str) -> str:
    """What a person typed, as a code: dashes and spaces dropped, O→0, I/L→1, capitals."""
    table = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
    return text.upper().translate(table)


@dataclass(frozen=True)
class Match:
    learner_id: str
    learner_name: str | None
    lesson_id: str
    day: str


def find(store: Any, code: str) -> Match | None:
    """The completion a code was printed for, looked up among this kiosk's completions."""
    wanted = normalise(code)
    key, kiosk = _secret(store), kiosk_id(store)
    report = store.progress_report()
    for learner in report.get("learners", []):
        progress = store.lesson_progress(learner["id"])
        for lesson_id, state in progress.items():
            finished = getattr(state, "completed_at", None)
            if not finished:
                continue
            day = str(finished)[:10]
            for candidate in {day, _local_day(finished)}:
                if candidate and hmac.compare_digest(
                    compute(key, kiosk, learner["id"], lesson_id, candidate), wanted
                ):
                    return Match(learner["id"], learner.get("name"), lesson_id, candidate)
    return None


def _local_day(stamp: str) -> str:
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment.astimezone() if moment.tzinfo else moment).date().isoformat()
