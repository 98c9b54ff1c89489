"""Storing a kiosk's signed batch: exactly once per event, whatever path it came by.

`push` is `POST /v1/events`: authenticate the caller, verify the batch against the caller's
registered key, refuse a batch that names another kiosk, then `store_batch`. `store_batch`
(shared with USB import) holds the kiosk's row lock, looks up which event ids the hub already
has, and inserts the others with `ON CONFLICT (event_id) DO NOTHING` in one transaction, so the
answer says exactly which ids were new and which it had, and the hub answers only after the
commit. (An insert `… RETURNING event_id` would say the same without the lookup, but psycopg
then parses a 20 000-placeholder statement for every batch: three times slower.)
It also compares each event's `(kiosk_id, seq)` with what is stored: the same seq under another
event id means two machines share one identity, and the kiosk is flagged (the events are still
stored). The fields reports group by are copied out of the payload into columns; an odd payload
is stored, never refused.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from kiosk.hub import wire
from kiosk.hub.enroll import authenticate
from kiosk.hub.errors import Forbidden
from kiosk.hub.storage import (
    events,
    insert_ignoring,
    iso,
    kiosks,
    one_of,
    reading,
    utc_now,
    writing,
)

log = logging.getLogger(__name__)

_INT32 = 2**31 - 1


@dataclass(frozen=True)
class Stored:
    """What the hub answers for a batch (PROTOCOL.md, POST /v1/events)."""

    stored: list[str]
    duplicates: list[str]
    acked: list[str]
    hub_time: str
    clone_detected: bool = False

    def answer(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates, "acked": self.acked,
                "hub_time": self.hub_time}


def _text(value: Any, limit: int = wire.MAX_TEXT) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _INT32:
        return None
    return value


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _voice(payload: dict[str, Any]) -> str | None:
    value = payload.get("voice_mode", payload.get("voice"))
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, str) and value.lower() in ("on", "off"):
        return value.lower()
    return None


def event_row(kiosk_id: str, event: wire.Event, received: str) -> dict[str, Any]:
    payload = event.payload
    return {
        "event_id": event.id,
        "kiosk_id": kiosk_id,
        "seq": event.seq,
        "hlc": event.hlc,
        "type": event.type,
        "payload": payload,
        "created": event.created,
        "received": received,
        "learner_id": _text(payload.get("learner_id")),
        "lesson_id": _text(payload.get("lesson_id")),
        "attempt": _int(payload.get("attempt")),
        "step_index": _int(payload.get("step_index")),
        "steps_total": _int(payload.get("steps_total")),
        "language": _text(payload.get("language"), 35),
        "voice_mode": _voice(payload),
        "topic": _text(payload.get("topic")),
        "birth_decade": _int(payload.get("birth_decade")),
        "correct": _bool(payload.get("correct")),
        "first_try": _bool(payload.get("first_try")),
    }


def _clones(connection: Connection, kiosk_id: str, batch: list[wire.Event]) -> list[int]:
    """Seqs of the batch already stored for this kiosk under another event id."""
    by_seq: dict[int, set[str]] = {}
    for event in batch:
        by_seq.setdefault(event.seq, set()).add(event.id)
    clashes = {seq for seq, ids in by_seq.items() if len(ids) > 1}
    low, high = min(by_seq), max(by_seq)
    stored = connection.execute(
        sa.select(events.c.seq, events.c.event_id)
        .where(events.c.kiosk_id == kiosk_id, events.c.seq.between(low, high)))
    for seq, event_id in stored:
        if seq in by_seq and by_seq[seq] != {event_id}:
            clashes.add(seq)
    return sorted(clashes)


def store_batch(connection: Connection, kiosk: RowMapping, batch: wire.Batch,
                now: dt.datetime | None = None) -> Stored:
    """Insert a verified batch of `kiosk` inside the caller's transaction."""
    if batch.kiosk_id != kiosk["kiosk_id"]:
        raise Forbidden("This batch belongs to another kiosk.", "wrong_kiosk")
    received = iso(now or utc_now())
    # One batch per kiosk at a time, across hub processes: a row lock on PostgreSQL (SQLite's
    # BEGIN IMMEDIATE already serialises writers). What is stored cannot change under this
    # transaction, so `stored` and `duplicates` are exact; ON CONFLICT still guards the rest.
    flagged = connection.execute(
        sa.select(kiosks.c.flagged).where(kiosks.c.kiosk_id == batch.kiosk_id)
        .with_for_update()).scalar_one()
    unique = list({event.id: event for event in batch.events}.values())
    acked = [event.id for event in unique]
    known: set[str] = set()
    clashes: list[int] = []
    if unique:
        clashes = _clones(connection, batch.kiosk_id, unique)
        known = set(connection.execute(
            sa.select(events.c.event_id).where(one_of(connection, events.c.event_id, acked))
        ).scalars())
        rows = [event_row(batch.kiosk_id, event, received)
                for event in unique if event.id not in known]
        if rows:
            # executemany: psycopg pipelines one prepared statement, sqlite3 loops in C.
            connection.execute(insert_ignoring(connection, events, "event_id"), rows)
    changes: dict[str, Any] = {"last_seen": received}
    if clashes and not flagged:
        shown = ", ".join(str(seq) for seq in clashes[:5])
        changes.update(flagged=True, flag_reason=(
            f"possible clone: sequence number(s) {shown} arrived with different event ids "
            f"(batch {batch.batch_id}, {received})"))
        log.warning("kiosk %s flagged: seq %s reused", batch.kiosk_id, shown)
    connection.execute(sa.update(kiosks).where(kiosks.c.kiosk_id == batch.kiosk_id)
                       .values(**changes))
    hub_time = wire.hlc_after(batch.hlc, *(event.hlc for event in unique))
    return Stored(stored=[i for i in acked if i not in known],
                  duplicates=[i for i in acked if i in known],
                  acked=acked, hub_time=hub_time, clone_detected=bool(clashes))


def push(engine: Engine, kiosk_id: str | None, authorization: str | None,
         body: bytes) -> Stored:
    """`POST /v1/events`: credentials first, then the signature, then one write transaction
    (verifying and parsing happen before it, so the write lock is held only to store)."""
    with reading(engine) as connection:
        caller = authenticate(connection, kiosk_id, authorization)
    batch = wire.open_signed(wire.json_body(body), caller["public_key"])
    if batch.kiosk_id != caller["kiosk_id"]:
        raise Forbidden("This batch belongs to another kiosk.", "wrong_kiosk")
    with writing(engine) as connection:
        result = store_batch(connection, caller, batch)
    log.info("kiosk %s: %d stored, %d duplicates", caller["kiosk_id"], len(result.stored),
             len(result.duplicates))
    return result
