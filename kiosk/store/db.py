"""Opening the kiosk's SQLite file and running write transactions on it.

One file in the data folder holds everything the kiosk remembers. This module opens it through
sqlite-utils with the settings the product needs: WAL (the sync worker reads while the learner
writes), `synchronous=FULL` (a finished step is on disk before the next step shows, even if the
power goes), foreign keys on, and a busy timeout so two connections wait for each other instead
of failing. It turns "not SQLite", "damaged" and "cannot open" into `StoreError`s with a plain
message, and gives `write_transaction`, the one way the store writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from kiosk.i18n import _
from kiosk.store.errors import DamagedDatabaseError, StoreError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"


def now_iso() -> str:
    """The current time in UTC as ISO 8601 with milliseconds, e.g. 2026-05-09T07:35:25.123+00:00."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _check_file(path: Path) -> None:
    """Refuse early, with a clear reason, what SQLite would only half-open."""
    if path.is_dir():
        raise StoreError(_("The database path {path} is a folder, not a file.").format(path=path))
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        log.warning("cannot read %s: %s", path, error)
        raise StoreError(
            _("The kiosk cannot read its database file {path}.").format(path=path)
        ) from error
    # An empty file is what a crash right after creation leaves; SQLite treats it as new.
    if header and header != SQLITE_HEADER:
        raise DamagedDatabaseError(damaged_message(path))


def damaged_message(path: Path) -> str:
    return _(
        "The file {path} is damaged or is not a kiosk database. "
        "Move it away (or restore a backup) and start the kiosk again."
    ).format(path=path)


def open_database(path: Path) -> Database:
    """Open (creating if needed) the SQLite file at `path` with the kiosk's PRAGMAs."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot create %s: %s", path.parent, error)
        raise StoreError(
            _("The kiosk cannot create its data folder {path}.").format(path=path.parent)
        ) from error
    _check_file(path)
    try:
        # check_same_thread=False: the Store serialises access with its own lock, so one
        # Store may be handed between the UI thread and a worker.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except sqlite3.Error as error:
        log.warning("cannot open %s: %s", path, error)
        raise StoreError(
            _("The kiosk cannot open its database file {path}.").format(path=path)
        ) from error
    try:
        db = Database(conn, recursive_triggers=False, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        # FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on power loss,
        # and a learner's finished step must survive the plug being pulled.
        db.execute("PRAGMA synchronous = FULL")
        # Reading the schema proves the file is a readable database, not just a header.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        log.warning("cannot use %s: %s", path, error)
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            raise StoreError(
                _("The database file {path} is busy in another program. Try again.").format(
                    path=path
                )
            ) from error
        raise DamagedDatabaseError(damaged_message(path)) from error
    return db


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One atomic write: everything inside commits together or not at all.

    Outside a transaction this is `BEGIN IMMEDIATE`, not sqlite-utils' deferred `atomic()`:
    taking the write lock up front lets the busy timeout do its job when the sync worker's
    connection is writing too (a deferred transaction that later needs the lock fails at
    once instead of waiting). Inside one, it nests with `db.atomic()` (a savepoint).
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.commit()
    except BaseException:
        db.rollback()
        raise
