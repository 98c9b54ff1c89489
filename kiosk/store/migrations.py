"""The database schema as an ordered list of named, forward-only migrations.

`PRAGMA user_version` records how many migrations a file has had. Opening a file runs the ones
it lacks, each in its own transaction together with the version bump, so a crash mid-way leaves
the file at the last complete version. A file with a newer version than this code knows is
refused with a plain message and left untouched (never downgraded). Before changing a file
that already holds data, its integrity is checked and a copy is kept beside it
(`kiosk.sqlite3.v<N>.bak`), so a failed upgrade can be undone by a technician.

Each migration gets a sqlite-utils `Database`; sqlite-utils is imported only when a file
really needs migrating, so opening an up-to-date file (every start but the first) costs just
the `PRAGMA user_version` read.

To change the schema, append a new function to `MIGRATIONS`; never edit a released one.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.i18n import _
from kiosk.store.db import as_database, connection, damaged_message, write_transaction
from kiosk.store.errors import DamagedDatabaseError, SchemaTooNewError, StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)

Migration = Callable[["Database"], None]


def m001_learners_progress_settings_outbox(db: Database) -> None:
    """The first schema: learner cards, progress, quiz answers, settings, sync outbox."""
    db["learners"].create(
        {
            "id": str,  # random (uuid4): the only identity the hub ever sees
            "name": str,  # NULL for the guest card; never leaves the kiosk
            "is_guest": int,
            "language": str,
            "birth_decade": int,
            "speech_rate": int,
            "created": str,
        },
        pk="id",
        not_null=["is_guest", "language", "created"],
    )
    # At most one guest card per kiosk: guest() relies on it.
    db.execute("CREATE UNIQUE INDEX learners_one_guest ON learners(is_guest) WHERE is_guest = 1")

    db["lesson_progress"].create(
        {
            "learner_id": str,
            "lesson_id": str,
            "lesson_version": int,
            "steps_total": int,
            "current_step": int,
            "attempt": int,  # 1 on the first start, +1 each time a finished lesson is restarted
            "attempt_completed": str,  # when the current attempt finished, else NULL
            "started": str,
            "updated": str,
            "completed_at": str,  # latest completion; NULL until the lesson was finished once
        },
        pk=("learner_id", "lesson_id"),
        foreign_keys=[("learner_id", "learners", "id")],
        not_null=[
            "lesson_version",
            "steps_total",
            "current_step",
            "attempt",
            "started",
            "updated",
        ],
    )
    db["step_progress"].create(
        {
            "learner_id": str,
            "lesson_id": str,
            "step_id": str,
            "step_index": int,
            "lesson_version": int,
            "attempt": int,  # the latest attempt in which the step was completed
            "first_completed": str,
            "completed": str,
        },
        pk=("learner_id", "lesson_id", "step_id"),
        foreign_keys=[("learner_id", "learners", "id")],
        not_null=["step_index", "lesson_version", "attempt", "first_completed", "completed"],
    )
    db["quiz_answers"].create(
        {
            "id": int,
            "learner_id": str,
            "lesson_id": str,
            "step_id": str,
            "attempt": int,
            "choice_id": str,
            "correct": int,
            "first_try": int,
            "answered": str,
        },
        pk="id",
        foreign_keys=[("learner_id", "learners", "id")],
        not_null=["lesson_id", "step_id", "attempt", "choice_id", "correct", "first_try"],
    )
    db["quiz_answers"].create_index(["learner_id", "lesson_id", "step_id", "attempt"])

    db["settings"].create({"key": str, "value": str, "updated": str}, pk="key", not_null=["value"])

    # Plain SQL here: AUTOINCREMENT keeps `seq` strictly increasing even if acknowledged rows
    # are purged one day, which sqlite-utils' create() cannot express.
    db.execute(
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created TEXT NOT NULL,
            acked TEXT
        )"""
    )
    db.execute("CREATE INDEX outbox_pending ON outbox(seq) WHERE acked IS NULL")


def m002_installed_bundles(db: Database) -> None:
    """Installed lesson bundles: one row per bundle id, pointing at its active version folder."""
    db["bundles"].create(
        {
            "id": str,
            "version": int,
            "path": str,  # relative to the data folder: bundles/<id>/<version>
            "lessons": str,  # JSON list of lesson ids
            "titles": str,  # JSON object language -> title
            "languages": str,  # JSON list of language codes
            "publisher_key": str,
            "publisher": str,
            "manifest_sha256": str,
            "created": str,  # when the publisher made the bundle (from the manifest)
            "installed": str,
        },
        pk="id",
        not_null=["version", "path", "lessons", "titles", "languages", "publisher_key",
                  "manifest_sha256", "installed"],
    )


def m003_sync_state(db: Database) -> None:
    """Sync: a hybrid-logical-clock stamp on every outbox event, and the kiosk's sync state.

    `sync_state` has exactly one row: the last HLC stamp issued or heard, the enrollment (kiosk
    id, hub, token, pinned hub key, or a code waiting to travel by stick) and the outcome of the
    last sync passes. Events recorded before this version get stamps made from their creation
    times, in `seq` order, so they too compare in the order they happened.
    """
    from kiosk.sync import hlc

    db.execute("ALTER TABLE outbox ADD COLUMN hlc TEXT")
    db.execute(
        """CREATE TABLE sync_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            hlc TEXT NOT NULL DEFAULT '',
            kiosk_id TEXT,
            name TEXT,
            commune TEXT,
            hub_url TEXT,
            token TEXT,
            hub_id TEXT,
            hub_public_key TEXT,
            enroll_code TEXT,
            enrolled TEXT,
            enrolled_via TEXT,
            last_attempt TEXT,
            last_success TEXT,
            last_error TEXT,
            last_error_at TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT,
            refused_bundles TEXT NOT NULL DEFAULT '[]'
        )"""
    )
    stamp = hlc.ZERO
    rows = db.execute("SELECT seq, created FROM outbox ORDER BY seq").fetchall()
    for seq, created in rows:
        try:
            created_ms = int(dt.datetime.fromisoformat(created).timestamp() * 1000)
        except (TypeError, ValueError):
            created_ms = 0
        stamp = hlc.send(stamp, created_ms)
        db.execute("UPDATE outbox SET hlc = ? WHERE seq = ?", (str(stamp), seq))
    db.execute(
        "INSERT INTO sync_state (id, hlc) VALUES (1, ?)", (str(stamp) if rows else "",)
    )


MIGRATIONS: tuple[Migration, ...] = (
    m001_learners_progress_settings_outbox,
    m002_installed_bundles,
    m003_sync_state,
)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite3.Connection | Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _user_tables(db: sqlite3.Connection | Database) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [row[0] for row in rows]


def _backup(db: sqlite3.Connection | Database, path: Path, version: int) -> Path:
    """Check the file and copy it aside before an upgrade changes it."""
    result = db.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        log.error("quick_check of %s: %s", path, result)
        raise DamagedDatabaseError(damaged_message(path))
    target = path.with_name(f"{path.name}.v{version}.bak")
    backup_conn = sqlite3.connect(str(target))
    try:
        connection(db).backup(backup_conn)
    finally:
        backup_conn.close()
    log.info("backed up %s to %s before migrating", path, target)
    return target


def migrate(db: sqlite3.Connection | Database, path: Path) -> int:
    """Bring the file up to LATEST_VERSION; return the version it had before."""
    version = schema_version(db)
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            _(
                "This database was made by a newer version of the kiosk (data version {found}; "
                "this kiosk knows up to {known}). Install the newer kiosk; nothing was changed."
            ).format(found=version, known=LATEST_VERSION)
        )
    if version == 0 and _user_tables(db):
        # Another program's SQLite file: migrating it would mix our tables into its data.
        raise DamagedDatabaseError(damaged_message(path))
    if version == LATEST_VERSION:
        return version
    if version > 0:
        _backup(db, path, version)
    database = as_database(db)
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            with write_transaction(database):
                # Re-read under the write lock: another process may have migrated meanwhile.
                if schema_version(database) >= number:
                    continue
                migration(database)
                database.execute(f"PRAGMA user_version = {number}")
        except sqlite3.Error as error:
            log.exception("migration %s (%s) failed", number, migration.__name__)
            raise StoreError(
                _("The kiosk could not update its database ({error}).").format(error=error)
            ) from error
        log.info("database %s migrated to version %d (%s)", path, number, migration.__name__)
    return version
