"""The installed-bundles table: which version of each lesson bundle is active.

The bundle installer (kiosk.bundles) owns the files; this module owns only the rows. A row
points at the active version folder under the data folder. `record_bundle` is a
compare-and-swap: it writes the new version only if the row still holds the version the
installer saw when it started, so two installs racing each other, or a replayed older
bundle, can never move a bundle backwards.
Reads are plain SQL (the kiosk lists its bundles at every start); the write uses sqlite-utils'
upsert, loaded only when a bundle is recorded.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field

from kiosk.store.db import as_database, now_iso, write_transaction

log = logging.getLogger(__name__)


_COLUMNS = ("id", "version", "path", "lessons", "titles", "languages", "publisher_key",
            "publisher", "manifest_sha256", "created", "installed")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM bundles"


@dataclass(frozen=True)
class InstalledBundle:
    """The active version of one installed bundle, as its row records it."""

    id: str
    version: int
    path: str  # relative to the data folder, POSIX form
    lessons: tuple[str, ...]
    titles: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()
    publisher_key: str = ""
    publisher: str = ""
    manifest_sha256: str = ""
    created: str = ""
    installed: str = ""


def _from_row(row: dict) -> InstalledBundle:
    return InstalledBundle(
        id=row["id"], version=int(row["version"]), path=row["path"],
        lessons=tuple(json.loads(row["lessons"])), titles=json.loads(row["titles"]),
        languages=tuple(json.loads(row["languages"])), publisher_key=row["publisher_key"],
        publisher=row["publisher"] or "", manifest_sha256=row["manifest_sha256"],
        created=row["created"] or "", installed=row["installed"])


def installed_bundles(db: sqlite3.Connection) -> list[InstalledBundle]:
    rows = db.execute(f"{_SELECT} ORDER BY id").fetchall()
    return [_from_row(dict(zip(_COLUMNS, row, strict=True))) for row in rows]


def installed_bundle(db: sqlite3.Connection, bundle_id: str) -> InstalledBundle | None:
    row = db.execute(f"{_SELECT} WHERE id = ?", (bundle_id,)).fetchone()
    return _from_row(dict(zip(_COLUMNS, row, strict=True))) if row else None


def record_bundle(db: sqlite3.Connection, bundle: InstalledBundle, replaces: int | None) -> bool:
    """Make `bundle` the active version if the current one is still `replaces` (None: none).

    Returns False, changing nothing, when another version got there first.
    """
    with write_transaction(db):
        current = installed_bundle(db, bundle.id)
        if (current.version if current else None) != replaces:
            log.warning("bundle %s: expected version %s, found %s", bundle.id, replaces,
                        current.version if current else None)
            return False
        as_database(db)["bundles"].upsert({
            "id": bundle.id, "version": bundle.version, "path": bundle.path,
            "lessons": json.dumps(list(bundle.lessons), ensure_ascii=False),
            "titles": json.dumps(bundle.titles, ensure_ascii=False, sort_keys=True),
            "languages": json.dumps(list(bundle.languages), ensure_ascii=False),
            "publisher_key": bundle.publisher_key, "publisher": bundle.publisher,
            "manifest_sha256": bundle.manifest_sha256, "created": bundle.created,
            "installed": bundle.installed or now_iso(),
        }, pk="id")
    return True


def delete_bundle(db: sqlite3.Connection, bundle_id: str) -> bool:
    with write_transaction(db):
        cursor = db.execute("DELETE FROM bundles WHERE id = ?", [bundle_id])
        return cursor.rowcount > 0
