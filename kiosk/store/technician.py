"""What the technician sets on a kiosk: the PIN that opens the technician screen, the kiosk's name
and commune, and the defaults for learners (language at start, speech rate).

The PIN is never stored: only an scrypt hash of it (hashlib.scrypt, a random 16-byte salt, the
cost parameters kept beside the hash so they can be raised later), compared in constant time.
A PIN is 4 to 12 digits, so it can be typed on a number pad. Everything is kept in the settings
table through `Store.get_setting`/`set_setting`, like the other kiosk-wide preferences; nothing
here is an outbox event. No Qt, no SQL outside kiosk.store.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.i18n import _
from kiosk.store.errors import StoreError

log = logging.getLogger(__name__)

PIN_SETTING = "technician.pin"
NAME_SETTING = "kiosk.name"
COMMUNE_SETTING = "kiosk.commune"
DEFAULT_LANGUAGE_SETTING = "kiosk.default_language"
DEFAULT_RATE_SETTING = "speech.default_rate"
PIN_MIN, PIN_MAX = 4, 12
NAME_MAX = 80
# 16 MiB of memory and a few tens of milliseconds per try: cheap for the kiosk, costly to guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32


class Settings(Protocol):
    """The part of `kiosk.store.Store` used here."""

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...


def pin_problem(pin: str) -> str | None:
    """Why `pin` cannot be a PIN (in plain words), or None when it can."""
    if not pin.isascii() or not pin.isdigit():
        return _("A PIN has only digits (0 to 9).")
    if not PIN_MIN <= len(pin) <= PIN_MAX:
        return _("A PIN has {low} to {high} digits.").format(low=PIN_MIN, high=PIN_MAX)
    return None


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * 2, dklen=HASH_BYTES)


def has_pin(store: Settings) -> bool:
    return isinstance(store.get_setting(PIN_SETTING), dict)


def set_pin(store: Settings, pin: str) -> None:
    """Store the scrypt hash of a new PIN (StoreError with the reason if it is not a PIN)."""
    problem = pin_problem(pin)
    if problem:
        raise StoreError(problem)
    salt = secrets.token_bytes(SALT_BYTES)
    store.set_setting(PIN_SETTING, {
        "scheme": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": salt.hex(),
        "hash": _hash(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).hex()})
    log.info("technician PIN set")


def check_pin(store: Settings, pin: str) -> bool:
    """True only when a PIN is set and `pin` is it."""
    record = store.get_setting(PIN_SETTING)
    if not isinstance(record, dict) or pin_problem(pin):
        return False
    try:
        if record.get("scheme") != "scrypt":
            raise ValueError(record.get("scheme"))
        n, r, p = (int(record[k]) for k in ("n", "r", "p"))
        salt, expected = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
        return hmac.compare_digest(_hash(pin, salt, n, r, p), expected)
    except (KeyError, TypeError, ValueError) as error:
        # Only a hand-edited database gets here: no PIN opens it (`kiosk pin reset` clears it).
        log.warning("the stored technician PIN is unreadable: %r", error)
        return False


def clear_pin(store: Settings) -> None:
    """Forget the PIN: the technician screen asks for a new one the next time it opens."""
    store.set_setting(PIN_SETTING, None)


@dataclass(frozen=True)
class KioskIdentity:
    name: str = ""
    commune: str = ""


def identity(store: Settings) -> KioskIdentity:
    name, commune = store.get_setting(NAME_SETTING, ""), store.get_setting(COMMUNE_SETTING, "")
    return KioskIdentity(name if isinstance(name, str) else "",
                         commune if isinstance(commune, str) else "")


def set_identity(store: Settings, name: str, commune: str) -> KioskIdentity:
    """Save the kiosk's name and commune (spaces tidied, at most NAME_MAX characters each)."""
    clean = KioskIdentity(" ".join(name.split())[:NAME_MAX], " ".join(commune.split())[:NAME_MAX])
    store.set_setting(NAME_SETTING, clean.name)
    store.set_setting(COMMUNE_SETTING, clean.commune)
    return clean


def default_language(store: Settings) -> str | None:
    value = store.get_setting(DEFAULT_LANGUAGE_SETTING)
    return value if isinstance(value, str) and value else None


def set_default_language(store: Settings, code: str) -> None:
    store.set_setting(DEFAULT_LANGUAGE_SETTING, code)


def default_rate(store: Settings) -> int | None:
    value = store.get_setting(DEFAULT_RATE_SETTING)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def set_default_rate(store: Settings, rate: int) -> None:
    store.set_setting(DEFAULT_RATE_SETTING, int(rate))
