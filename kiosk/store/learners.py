"""Learner cards: the shared guest card and optional named cards.

A learner starts as the kiosk's guest (one card per kiosk, made on first use, always the same
id). Someone who wants their progress kept apart makes a named card. Names are NFC-normalised
and stay on the kiosk; what leaves it (in outbox payloads) is the card's random id, birth decade
and language. A card's language and speech rate are the learner's own preferences.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any

from kiosk.i18n import _
from kiosk.store.db import now_iso, write_transaction
from kiosk.store.errors import StoreError, UnknownLearnerError

log = logging.getLogger(__name__)

NAME_MAX = 40
LANGUAGE_MAX = 35  # a BCP-47 tag is at most 35 characters in practice
EARLIEST_DECADE = 1900

_COLUMNS = "id, name, is_guest, language, birth_decade, speech_rate, created"


def _random_id() -> str:
    # uuid is imported here: start-up only reads cards, and the module costs milliseconds.
    import uuid

    return str(uuid.uuid4())


@dataclass(frozen=True)
class Learner:
    """A learner card; `name` is None for the guest and never leaves the kiosk."""

    id: str
    name: str | None
    is_guest: bool
    language: str
    birth_decade: int | None
    speech_rate: int | None
    created: str


def _learner(row: tuple[Any, ...]) -> Learner:
    learner_id, name, is_guest, language, decade, rate, created = row
    return Learner(learner_id, name, bool(is_guest), language, decade, rate, created)


def clean_name(name: str) -> str:
    """The name as stored: NFC, inner whitespace collapsed, 1..40 characters."""
    if not isinstance(name, str):
        raise StoreError(_("A name must be text."))
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise StoreError(_("Please type a name."))
    if len(cleaned) > NAME_MAX:
        raise StoreError(_("A name can have at most {count} letters.").format(count=NAME_MAX))
    return cleaned


def clean_language(language: str) -> str:
    if not isinstance(language, str) or not language.strip() or len(language) > LANGUAGE_MAX:
        raise StoreError(_("Unknown language code {code!r}.").format(code=language))
    return language.strip()


def clean_decade(decade: int | None) -> int | None:
    if decade is None:
        return None
    this_decade = dt.date.today().year // 10 * 10
    if (
        isinstance(decade, bool)
        or not isinstance(decade, int)
        or decade % 10
        or not EARLIEST_DECADE <= decade <= this_decade
    ):
        raise StoreError(
            _("A birth decade is a year ending in 0 between {first} and {last}.").format(
                first=EARLIEST_DECADE, last=this_decade
            )
        )
    return decade


def get_learner(db: sqlite3.Connection, learner_id: str) -> Learner:
    row = db.execute(f"SELECT {_COLUMNS} FROM learners WHERE id = ?", (learner_id,)).fetchone()
    if row is None:
        raise UnknownLearnerError(_("This learner card no longer exists."))
    return _learner(row)


def guest(db: sqlite3.Connection, language: str = "vi") -> Learner:
    """The kiosk's guest card, created the first time it is asked for."""
    row = db.execute(f"SELECT {_COLUMNS} FROM learners WHERE is_guest = 1").fetchone()
    if row is not None:
        return _learner(row)
    with write_transaction(db):
        # OR IGNORE + re-read: another connection may have made the guest meanwhile.
        db.execute(
            "INSERT OR IGNORE INTO learners (id, name, is_guest, language, created) "
            "VALUES (?, NULL, 1, ?, ?)",
            (_random_id(), language, now_iso()),
        )
        row = db.execute(f"SELECT {_COLUMNS} FROM learners WHERE is_guest = 1").fetchone()
    return _learner(row)


def create_learner(
    db: sqlite3.Connection, name: str, language: str = "vi", birth_decade: int | None = None
) -> Learner:
    """A new named card. Names may repeat: two villagers can share a name."""
    learner = Learner(
        id=_random_id(),  # random, not UUIDv7: the id must not tell when a card was made
        name=clean_name(name),
        is_guest=False,
        language=clean_language(language),
        birth_decade=clean_decade(birth_decade),
        speech_rate=None,
        created=now_iso(),
    )
    with write_transaction(db):
        db.execute(
            f"INSERT INTO learners ({_COLUMNS}) VALUES (?, ?, 0, ?, ?, NULL, ?)",
            (learner.id, learner.name, learner.language, learner.birth_decade, learner.created),
        )
    log.info("learner card %s created", learner.id)
    return learner


# Vietnamese letters that carry a vowel or stroke modifier sort after their base letter and after
# everything spelled with it ("Dũng" before "Đức"); "{" and "|" sort after "z".
_LETTER_MODIFIERS = {"\u0306": "{", "\u0302": "|", "\u031b": "{"}  # breve, circumflex, horn
_TONE_ORDER = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def sort_key(name: str) -> tuple[str, str]:
    """Order names as in a Vietnamese dictionary: a ă â b c d đ e ê …, tones only break ties.

    Primary key: letters with their modifiers (ă, â, ê, ô, ơ, ư, đ) ranked after the base
    letter, tone marks dropped; secondary key: the tones in order (none, huyền, hỏi, ngã, sắc,
    nặng). Other scripts and marks fall back to code-point order, which is fine for a card list.
    """
    primary: list[str] = []
    tones: list[str] = []
    for char in unicodedata.normalize("NFD", name.casefold()):
        if char in _LETTER_MODIFIERS:
            primary.append(_LETTER_MODIFIERS[char])
        elif char in _TONE_ORDER:
            tones.append(_TONE_ORDER[char])
        elif char == "đ":
            primary.append("d{")
        elif not unicodedata.combining(char):
            primary.append(char)
            tones.append("0")
    return "".join(primary), "".join(tones)


def learners(db: sqlite3.Connection) -> list[Learner]:
    """All cards: the guest first, then named cards in alphabetical order."""
    rows = [_learner(row) for row in db.execute(f"SELECT {_COLUMNS} FROM learners")]
    return sorted(rows, key=lambda x: (not x.is_guest, sort_key(x.name or ""), x.created))


def _update(db: sqlite3.Connection, learner_id: str, column: str, value: Any) -> None:
    with write_transaction(db):
        cursor = db.execute(f"UPDATE learners SET {column} = ? WHERE id = ?", (value, learner_id))
        if cursor.rowcount == 0:
            raise UnknownLearnerError(_("This learner card no longer exists."))


def set_language(db: sqlite3.Connection, learner_id: str, language: str) -> None:
    _update(db, learner_id, "language", clean_language(language))


def set_speech_rate(db: sqlite3.Connection, learner_id: str, rate: int) -> None:
    """Store the learner's speech rate as given; the speech package owns its range and clamping."""
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise StoreError(_("A speech rate must be a whole number."))
    _update(db, learner_id, "speech_rate", rate)
