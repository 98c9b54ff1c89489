"""Kiosk-wide settings: small JSON values by key (UI language, text size, voice mode, sync state).

Values are stored as JSON text so callers get back the same types they put in. Settings are
local preferences, never outbox events.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

from kiosk.i18n import _
from kiosk.store.db import now_iso, write_transaction
from kiosk.store.errors import StoreError

log = logging.getLogger(__name__)


def get_setting(db: sqlite3.Connection, key: str, default: Any = None) -> Any:
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        return default
    try:
        return json.loads(row[0])
    except ValueError:
        # Only a hand-edited file can get here; the kiosk keeps working with the default.
        log.warning("setting %r holds invalid JSON; using the default", key)
        return default


def set_setting(db: sqlite3.Connection, key: str, value: Any) -> None:
    if not isinstance(key, str) or not key:
        raise StoreError(_("A setting needs a name."))
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise StoreError(
            _("The setting {key} cannot be saved: {error}").format(key=key, error=error)
        ) from error
    with write_transaction(db):
        db.execute(
            "INSERT INTO settings (key, value, updated) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            (key, text, now_iso()),
        )
