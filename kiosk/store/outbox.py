"""The sync outbox: one row per event the hub must learn about, kept until it acknowledges.

Events are written by the other store modules inside the same transaction as the change they
describe (`add_event`), so the hub can never hear of progress the kiosk lost, nor miss progress
the kiosk kept. Each event has a UUIDv7 id (the hub stores by it, so retries and USB files may
overlap), a `seq` that only grows on this kiosk, a hybrid-logical-clock stamp (`hlc`, from
`sync_state.tick`: in order even when the PC's clock is wrong), a type, a JSON payload with
pseudonymous data only (random learner id, never a name), the UTC time it was created and,
once the hub has it, the time it was acknowledged.
`uuid6` is imported when the first event is made, not at start-up: it reads package metadata on
import, which costs more than the rest of this module; `prepare` loads it ahead (when a lesson
opens), so the first finished step does not pay for it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from kiosk.store import sync_state
from kiosk.store.db import now_iso, write_transaction

log = logging.getLogger(__name__)

# Event types; the hub relies on these names.
LESSON_STARTED = "lesson_started"
STEP_COMPLETED = "step_completed"
LESSON_COMPLETED = "lesson_completed"
QUIZ_ANSWERED = "quiz_answered"

# Below SQLite's smallest limit on bound parameters (999 before 3.32).
_ACK_CHUNK = 500


@dataclass(frozen=True)
class OutboxEvent:
    """One event for the hub, as stored; `acked` is None until the hub has it."""

    id: str
    seq: int
    type: str
    payload: dict[str, Any]
    created: str
    acked: str | None
    hlc: str = ""


def prepare() -> None:
    """Load the event-id generator now, so that the next `add_event` is quick."""
    import uuid6  # noqa: F401  (imported for its side effect: the module is cached)


def _new_id() -> str:
    import uuid6

    return str(uuid6.uuid7())


def add_event(db: sqlite3.Connection, event_type: str, payload: Mapping[str, Any]) -> OutboxEvent:
    """Append an event; call inside the transaction that makes the change it describes."""
    event_id = _new_id()
    created = now_iso()
    body = json.dumps(dict(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with write_transaction(db):
        stamp = sync_state.tick(db)
        cursor = db.execute(
            "INSERT INTO outbox (id, type, payload, created, hlc) VALUES (?, ?, ?, ?, ?)",
            (event_id, event_type, body, created, stamp),
        )
    seq = int(cursor.lastrowid or 0)
    return OutboxEvent(event_id, seq, event_type, dict(payload), created, None, stamp)


def _event(row: Sequence[Any]) -> OutboxEvent:
    seq, event_id, event_type, payload, created, acked, stamp = row
    return OutboxEvent(event_id, seq, event_type, json.loads(payload), created, acked, stamp or "")


def pending_events(
    db: sqlite3.Connection, limit: int = 1000, after_seq: int = 0
) -> list[OutboxEvent]:
    """The oldest unacknowledged events (with `seq` > `after_seq`), in the order they happened."""
    rows = db.execute(
        "SELECT seq, id, type, payload, created, acked, hlc FROM outbox "
        "WHERE acked IS NULL AND seq > ? ORDER BY seq LIMIT ?",
        (int(after_seq), max(0, int(limit))),
    ).fetchall()
    return [_event(row) for row in rows]


class PendingRow(NamedTuple):
    """An unacknowledged event as stored, its payload still the JSON text `add_event` wrote:
    what a sync batch carries, read without decoding every payload only to encode it again."""

    seq: int
    id: str
    type: str
    payload_json: str
    created: str
    hlc: str


def pending_rows(db: sqlite3.Connection, limit: int = 1000, after_seq: int = 0) -> list[PendingRow]:
    """`pending_events`, with each payload as its stored JSON text."""
    rows = db.execute(
        "SELECT seq, id, type, payload, created, hlc FROM outbox "
        "WHERE acked IS NULL AND seq > ? ORDER BY seq LIMIT ?",
        (int(after_seq), max(0, int(limit))),
    ).fetchall()
    return [PendingRow(seq, event_id, kind, payload, created, stamp or "")
            for seq, event_id, kind, payload, created, stamp in rows]


def ack_events(db: sqlite3.Connection, ids: Sequence[str]) -> int:
    """Mark events as received by the hub; return how many were newly acknowledged.

    Unknown and already acknowledged ids are ignored, so a receipt may be applied twice.
    """
    unique = list(dict.fromkeys(str(event_id) for event_id in ids))
    if not unique:
        return 0
    acked = now_iso()
    changed = 0
    with write_transaction(db):
        for start in range(0, len(unique), _ACK_CHUNK):
            chunk = unique[start : start + _ACK_CHUNK]
            marks = ",".join("?" * len(chunk))
            cursor = db.execute(
                f"UPDATE outbox SET acked = ? WHERE acked IS NULL AND id IN ({marks})",
                [acked, *chunk],
            )
            changed += cursor.rowcount
    log.debug("acknowledged %d of %d events", changed, len(unique))
    return changed


def outbox_counts(db: sqlite3.Connection) -> tuple[int, int]:
    """(pending, acknowledged) event counts."""
    pending, total = db.execute(
        "SELECT count(*) FILTER (WHERE acked IS NULL), count(*) FROM outbox"
    ).fetchone()
    return int(pending), int(total) - int(pending)
