"""Secret codes on learner cards: four pictures (out of nine) or four digits.

A card without a code opens for anyone, as before. A learner may protect their card so the
next person at the kiosk cannot open it: the code is a sequence of four choices, either of
the nine pictures (numbered 1 to 9 on screen) or of the digits 0 to 9. Only an scrypt hash is
kept (random salt, cost parameters beside it), in the settings table under
`card_code.<learner id>`, through the store like every other setting. With four symbols there
are only 6,561 or 10,000 codes: the code keeps a neighbour out, not a determined attacker, so
the screen also slows down after wrong tries (kiosk.ui.screens.cardcode). A forgotten code is
removed by the technician (`clear_code`). No Qt here.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from typing import Any, Protocol

from kiosk.i18n import _
from kiosk.store.errors import StoreError

log = logging.getLogger(__name__)

PICTURES, DIGITS = "pictures", "digits"
KINDS = (PICTURES, DIGITS)
CODE_LENGTH = 4
PICTURE_COUNT = 9
PREFIX = "card_code."
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 14, 8, 1


class _Settings(Protocol):
    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def set_setting(self, key: str, value: Any) -> None: ...


def _symbols(kind: str, code: Sequence[int]) -> str:
    if kind not in KINDS:
        raise StoreError(_("Unknown kind of code."))
    top = PICTURE_COUNT if kind == PICTURES else 9
    low = 1 if kind == PICTURES else 0
    if len(code) != CODE_LENGTH or any(
        isinstance(x, bool) or not isinstance(x, int) or not low <= x <= top for x in code
    ):
        raise StoreError(_("A code has four choices."))
    return kind + ":" + "".join(str(x) for x in code)


def _hash(text: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(text.encode("ascii"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * 2, dklen=32)


def code_kind(store: _Settings, learner_id: str) -> str | None:
    """PICTURES or DIGITS when the card has a code, else None."""
    record = store.get_setting(PREFIX + learner_id)
    if isinstance(record, dict) and record.get("kind") in KINDS:
        return str(record["kind"])
    return None


def set_code(store: _Settings, learner_id: str, kind: str, code: Sequence[int]) -> None:
    salt = secrets.token_bytes(16)
    digest = _hash(_symbols(kind, code), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    store.set_setting(PREFIX + learner_id, {
        "kind": kind, "scheme": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
        "salt": salt.hex(), "hash": digest.hex()})
    log.info("learner card %s protected with a %s code", learner_id, kind)


def check_code(store: _Settings, learner_id: str, code: Sequence[int]) -> bool:
    """True when the card has no code, or `code` is its code."""
    record = store.get_setting(PREFIX + learner_id)
    if not isinstance(record, dict):
        return True
    try:
        text = _symbols(str(record["kind"]), code)
    except StoreError:
        return False
    try:
        n, r, p = (int(record[k]) for k in ("n", "r", "p"))
        salt, expected = bytes.fromhex(record["salt"]), bytes.fromhex(record["hash"])
        return hmac.compare_digest(_hash(text, salt, n, r, p), expected)
    except (KeyError, TypeError, ValueError) as error:
        log.warning("the code of card %s is unreadable: %r", learner_id, error)
        return False


def clear_code(store: _Settings, learner_id: str) -> None:
    store.set_setting(PREFIX + learner_id, None)
    log.info("code of learner card %s removed", learner_id)
