"""The kiosk's sync state: its hybrid logical clock, its enrollment, and how the last syncs went.

One row (`sync_state`, migration m003). The clock part is written by every outbox event, inside
the event's own transaction (`tick`), and by the sync worker when it hears the hub's time
(`observe`); both read and write under the write lock, so two connections never issue the same
stamp. The enrollment and outcome columns are written only by `kiosk.sync` through `update`.
The bearer token lives here; the kiosk's secret key does not (it is a 0600 file in the data
folder, see `kiosk.sync.identity`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, fields
from typing import Any

from kiosk.store.db import write_transaction
from kiosk.sync import hlc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncState:
    """What the kiosk knows about its hub; None where nothing is known yet."""

    hlc: str = ""
    kiosk_id: str | None = None
    name: str | None = None
    commune: str | None = None
    hub_url: str | None = None
    token: str | None = None
    hub_id: str | None = None
    hub_public_key: str | None = None  # base64; pinned at enrollment or by the first receipt
    enroll_code: str | None = None  # typed by the technician, not yet accepted by a hub
    enrolled: str | None = None  # when the hub accepted this kiosk
    enrolled_via: str | None = None  # "online" or "usb"
    last_attempt: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0  # sync passes failed in a row
    next_attempt: str | None = None
    refused_bundles: tuple[str, ...] = ()  # "<id>@<version>@<sha256>" the kiosk will not retry

    @property
    def is_enrolled(self) -> bool:
        return self.enrolled is not None


_COLUMNS = tuple(f.name for f in fields(SyncState))
_WRITABLE = frozenset(_COLUMNS) - {"hlc"}


def _ensure_row(db: sqlite3.Connection) -> None:
    db.execute("INSERT OR IGNORE INTO sync_state (id) VALUES (1)")


def read(db: sqlite3.Connection) -> SyncState:
    row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM sync_state WHERE id = 1").fetchone()
    if row is None:
        return SyncState()
    values = dict(zip(_COLUMNS, row, strict=True))
    try:
        refused = json.loads(values["refused_bundles"] or "[]")
    except ValueError:
        refused = []
    values["refused_bundles"] = tuple(str(item) for item in refused if isinstance(item, str))
    values["failures"] = int(values["failures"] or 0)
    values["hlc"] = values["hlc"] or ""
    return SyncState(**values)


def update(db: sqlite3.Connection, **changes: Any) -> SyncState:
    """Set some columns (not the clock); return the whole state after the change."""
    unknown = set(changes) - _WRITABLE
    if unknown:
        raise ValueError(f"unknown sync state fields: {sorted(unknown)}")
    values = dict(changes)
    if "refused_bundles" in values:
        values["refused_bundles"] = json.dumps(list(values["refused_bundles"]))
    with write_transaction(db):
        _ensure_row(db)
        if values:
            assignments = ", ".join(f"{name} = ?" for name in values)
            db.execute(f"UPDATE sync_state SET {assignments} WHERE id = 1", list(values.values()))
        return read(db)


def _last(db: sqlite3.Connection) -> hlc.Stamp:
    row = db.execute("SELECT hlc FROM sync_state WHERE id = 1").fetchone()
    stamp = hlc.parse(row[0]) if row is not None else None
    if stamp is None and row is not None and row[0]:
        log.warning("the stored HLC %r is not a stamp; starting again from the wall clock", row[0])
    return stamp or hlc.ZERO


def tick(db: sqlite3.Connection) -> str:
    """A new stamp, after every stamp issued or heard before; call inside a write."""
    with write_transaction(db):
        _ensure_row(db)
        stamp = hlc.send(_last(db), hlc.wall_ms())
        db.execute("UPDATE sync_state SET hlc = ? WHERE id = 1", (str(stamp),))
    return str(stamp)


def observe(db: sqlite3.Connection, remote: object) -> str:
    """Take in a stamp heard from the hub (ignored when malformed); return the clock after."""
    with write_transaction(db):
        _ensure_row(db)
        last = _last(db)
        stamp = hlc.receive(last, hlc.parse(remote))
        if stamp != last:
            db.execute("UPDATE sync_state SET hlc = ? WHERE id = 1", (str(stamp),))
    return str(stamp)
