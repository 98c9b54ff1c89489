"""The sync status a technician (and `kiosk sync status --json`) sees.

DESIGN §11 fixes `enrolled`, `pending`, `acked`, `last_success` and `last_error`; the other
fields help the technician screen (which hub, how the kiosk enrolled, whether a code waits,
when the next try is). Never the token, never the key.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from kiosk.store import Store, open_store


def status_of(store: Store) -> dict[str, Any]:
    state = store.sync_state()
    pending, acked = store.outbox_counts()
    return {
        "enrolled": state.is_enrolled,
        "pending": pending,
        "acked": acked,
        "last_success": state.last_success,
        "last_error": state.last_error,
        "kiosk_id": state.kiosk_id,
        "hub_url": state.hub_url,
        "hub_id": state.hub_id,
        "commune": state.commune,
        "enrolled_via": state.enrolled_via,
        "online": bool(state.token),
        "enrollment_waiting": bool(state.enroll_code) and not state.token,
        "last_attempt": state.last_attempt,
        "last_error_at": state.last_error_at,
        "failures": state.failures,
        "next_attempt": state.next_attempt,
        "clock": state.hlc,
    }


def sync_status(data_dir: Path, store: Store | None = None) -> dict[str, Any]:
    if store is not None:
        return status_of(store)
    from kiosk import config

    # Its own connection, not kiosk.sync.engine's helper: reading the status must not load the
    # network code (httpx), which a kiosk without a hub never needs (DESIGN §10 memory).
    with closing(open_store(config.database_path(Path(data_dir)))) as db:
        return status_of(db)
