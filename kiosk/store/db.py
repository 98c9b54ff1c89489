"""Opening the kiosk's SQLite file and running write transactions on it.

One file in the data folder holds everything the kiosk remembers. This module opens it with the
settings the product needs: WAL (the sync worker reads while the learner writes),
`synchronous=FULL` (a finished step is on disk before the next step shows, even if the power
goes), foreign keys on, and a busy timeout so two connections wait for each other instead of
failing. It turns "not SQLite", "damaged" and "cannot open" into `StoreError`s with a plain
message, and gives `write_transaction`, the one way the store writes.
The everyday reads and writes use the plain `sqlite3` connection: importing sqlite-utils costs
more than the whole rest of the store at start-up (DESIGN §10), so `as_database` wraps the same
connection in a sqlite-utils `Database` only where its table API is used (migrations, upserts).
The connection runs in autocommit mode (`isolation_level=None`), as sqlite-utils' `execute`
behaves: a statement outside `write_transaction` commits at once and never leaves a transaction
open by accident.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kiosk.i18n import _
from kiosk.store.errors import DamagedDatabaseError, StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)

# What the store modules are handed: the plain connection (or, in migrations, a sqlite-utils
# Database over it); both offer `execute` with sqlite3's semantics.
Handle = TypeVar("Handle", sqlite3.Connection, "Database")

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


def open_database(path: Path) -> sqlite3.Connection:
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
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            isolation_level=None,
        )
    except sqlite3.Error as error:
        log.warning("cannot open %s: %s", path, error)
        raise StoreError(
            _("The kiosk cannot open its database file {path}.").format(path=path)
        ) from error
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on power loss,
        # and a learner's finished step must survive the plug being pulled.
        conn.execute("PRAGMA synchronous = FULL")
        # Reading the schema proves the file is a readable database, not just a header.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
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
    return conn


def connection(db: sqlite3.Connection | Database) -> sqlite3.Connection:
    """The sqlite3 connection behind `db` (a connection, or a sqlite-utils Database)."""
    return db if isinstance(db, sqlite3.Connection) else db.conn


def as_database(db: sqlite3.Connection | Database) -> Database:
    """A sqlite-utils `Database` over the same connection (imports sqlite-utils on first use)."""
    from sqlite_utils import Database

    if isinstance(db, Database):
        return db
    # No plugins and no PRAGMA changes: the wrapper must not alter the open connection.
    return Database(db, recursive_triggers=False, execute_plugins=False)


_savepoints = itertools.count(1)


@contextlib.contextmanager
def write_transaction(db: Handle) -> Iterator[Handle]:
    """One atomic write: everything inside commits together or not at all.

    Outside a transaction this is `BEGIN IMMEDIATE`, not a deferred `BEGIN`: taking the write
    lock up front lets the busy timeout do its job when the sync worker's connection is
    writing too (a deferred transaction that later needs the lock fails at once instead of
    waiting). Inside one, it nests as a savepoint.
    """
    conn = connection(db)
    if conn.in_transaction:
        name = f"kiosk_{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            # A failure such as a full disk may already have ended the whole transaction.
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")
