"""Storing a kiosk's signed batch: exactly once per event, whatever path it came by.

`push` is `POST /v1/events`: authenticate the caller, verify the batch against the caller's
registered key, refuse a batch that names another kiosk, then `store_batch`. `store_batch`
(shared with USB import) holds the kiosk's row lock and inserts the batch with `ON CONFLICT
(event_id) DO NOTHING` in one transaction (`storage.insert_new_events`: COPY and `RETURNING`
on PostgreSQL), which also tells exactly which ids were new and which the hub had, and the hub
answers only after the commit. It also compares each event's `(kiosk_id, seq)` with what is
stored: the same seq under another event id means two machines share one identity, and the
kiosk is flagged (the events are still stored). The fields reports group by are copied out of
the payload into columns; an odd payload is stored, never refused.
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
    EVENT_COLUMNS,
    events,
    insert_new_events,
    iso,
    kiosks,
    transaction,
    utc_now,
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


def event_values(kiosk_id: str, event: wire.Event, received: str) -> tuple[Any, ...]:
    """The stored row of `event`, in `EVENT_COLUMNS` order."""
    payload = event.payload
    get = payload.get
    return (event.id, kiosk_id, event.seq, event.hlc, event.type, payload, event.created,
            received, _text(get("learner_id")), _text(get("lesson_id")), _int(get("attempt")),
            _int(get("step_index")), _int(get("steps_total")), _text(get("language"), 35),
            _voice(payload), _text(get("topic")), _int(get("birth_decade")),
            _bool(get("correct")), _bool(get("first_try")))


def event_row(kiosk_id: str, event: wire.Event, received: str) -> dict[str, Any]:
    """The stored row of `event` by column name."""
    return dict(zip(EVENT_COLUMNS, event_values(kiosk_id, event, received), strict=True))


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
    # BEGIN IMMEDIATE already serialises writers), so the clone check sees every earlier
    # batch of this kiosk. Which ids are new comes from the insert itself, exact even when
    # another kiosk's batch carries the same ids.
    flagged = connection.execute(
        sa.select(kiosks.c.flagged).where(kiosks.c.kiosk_id == batch.kiosk_id)
        .with_for_update()).scalar_one()
    unique = list({event.id: event for event in batch.events}.values())
    acked = [event.id for event in unique]
    new: set[str] = set()
    clashes: list[int] = []
    if unique:
        clashes = _clones(connection, batch.kiosk_id, unique)
        new = insert_new_events(connection, [event_values(batch.kiosk_id, event, received)
                                             for event in unique])
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
    return Stored(stored=[i for i in acked if i in new],
                  duplicates=[i for i in acked if i not in new],
                  acked=acked, hub_time=hub_time, clone_detected=bool(clashes))


def push(engine: Engine, kiosk_id: str | None, authorization: str | None,
         body: bytes) -> Stored:
    """`POST /v1/events`: credentials first, then the signature, then one write transaction
    (verifying and parsing happen before it, so the write lock is held only to store)."""
    with engine.connect() as connection:
        with transaction(connection):
            caller = authenticate(connection, kiosk_id, authorization)
        batch = wire.open_signed(wire.json_body(body), caller["public_key"])
        if batch.kiosk_id != caller["kiosk_id"]:
            raise Forbidden("This batch belongs to another kiosk.", "wrong_kiosk")
        with transaction(connection, write=True):
            result = store_batch(connection, caller, batch)
    log.info("kiosk %s: %d stored, %d duplicates", caller["kiosk_id"], len(result.stored),
             len(result.duplicates))
    return result
