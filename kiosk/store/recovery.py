"""Keeping the kiosk's database safe: the start-up check, daily backups and the way back.

- `integrity_problems(path)`: `PRAGMA integrity_check` on its own read-only connection, run at
  every start before the store is opened (a few milliseconds for a kiosk's database). A file
  that is not SQLite at all or cannot be read is a problem too.
- `daily_backup(path)`: once a day, after the check passed, a copy made with SQLite's backup
  API into `<data>/backups/kiosk-YYYY-MM-DD.sqlite3` (the last `KEEP_DAILY` are kept). The
  migrations keep their own copy before an upgrade (`kiosk.sqlite3.v<N>.bak`).
- `list_backups(path)`: both kinds, newest first, each checked before it is offered.
- `restore_backup(path, backup)` and `start_fresh(path)`: the technician's two ways out of a
  damaged file. Both first move the damaged file (and its -wal and -shm companions) into
  `<data>/damaged/<time>/`, so nothing is ever deleted; the restored copy is checked before the
  kiosk uses it.
Plain sqlite3 and files; no Qt, and the UI reaches this through the recovery screen only.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import _
from kiosk.store.errors import StoreError

log = logging.getLogger(__name__)

BACKUPS_DIR = "backups"
DAMAGED_DIR = "damaged"
KEEP_DAILY = 7
SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Backup:
    path: Path
    made: str  # ISO 8601 (UTC) from the file's modification time
    kind: str  # "daily" or "before-upgrade"
    size: int


def _connect_ro(path: Path) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=5)


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong with the file (empty when fine or absent)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return [f"cannot read the file: {error.strerror or error}"]
    if not header:
        return []  # an empty file: SQLite starts it afresh
    if header != SQLITE_HEADER:
        return ["not an SQLite database (wrong header)"]
    try:
        conn = _connect_ro(path)
    except sqlite3.Error as error:
        return [f"cannot open: {error}"]
    try:
        rows = conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    except sqlite3.Error as error:
        return [f"integrity check failed: {error}"]
    finally:
        conn.close()
    found = [str(row[0]) for row in rows if row and row[0] != "ok"]
    if found:
        log.error("integrity_check of %s: %s", path, "; ".join(found))
    return found


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy of `source` at `target`, by SQLite's backup API, flushed to disk."""
    temp = target.with_name(target.name + ".tmp")
    temp.unlink(missing_ok=True)
    src = _connect_ro(source)
    try:
        dst = sqlite3.connect(str(temp))
        try:
            src.backup(dst)
            # A backup must stand alone: no -wal file beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    with temp.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, target)


def backups_dir(path: Path) -> Path:
    return Path(path).parent / BACKUPS_DIR


def daily_backup(path: Path, today: dt.date | None = None, keep: int = KEEP_DAILY) -> Path | None:
    """Copy the database once a day (call it after the start-up check passed)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    day = (today or dt.date.today()).isoformat()
    folder = backups_dir(path)
    target = folder / f"kiosk-{day}.sqlite3"
    if target.exists():
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _copy_database(path, target)
    except (OSError, sqlite3.Error) as error:
        log.warning("daily backup of %s failed: %s", path, error)
        return None
    old = sorted(folder.glob("kiosk-*.sqlite3"), reverse=True)[keep:]
    for stale in old:
        stale.unlink(missing_ok=True)
    log.info("daily backup written to %s", target)
    return target


def _made(file: Path) -> str:
    stamp = dt.datetime.fromtimestamp(file.stat().st_mtime, dt.UTC)
    return stamp.isoformat(timespec="seconds")


def list_backups(path: Path, checked: bool = False) -> list[Backup]:
    """Daily and before-upgrade copies, newest first; `checked` drops damaged ones."""
    path = Path(path)
    found: list[Backup] = []
    candidates = [(f, "daily") for f in backups_dir(path).glob("kiosk-*.sqlite3")]
    candidates += [(f, "before-upgrade") for f in path.parent.glob(f"{path.name}.v*.bak")]
    for file, kind in candidates:
        try:
            found.append(Backup(file, _made(file), kind, file.stat().st_size))
        except OSError:
            continue
    found.sort(key=lambda b: b.made, reverse=True)
    if checked:
        found = [b for b in found if b.size > 0 and not integrity_problems(b.path)]
    return found


def set_aside(path: Path, now: dt.datetime | None = None) -> Path | None:
    """Move the database and its companions into `<data>/damaged/<time>/`; that folder."""
    path = Path(path)
    files = [f for f in (path, *(path.with_name(path.name + s) for s in COMPANIONS))
             if f.exists()]
    if not files:
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = path.parent / DAMAGED_DIR / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = path.parent / DAMAGED_DIR / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    for file in files:
        shutil.move(str(file), str(folder / file.name))
    log.warning("damaged database moved to %s", folder)
    return folder


def start_fresh(path: Path) -> Path | None:
    """Keep the damaged file aside; the kiosk then starts with an empty database."""
    return set_aside(path)


def restore_backup(path: Path, backup: Path) -> Path | None:
    """Put `backup` in place of the damaged database (set aside first); the aside folder."""
    path, backup = Path(path), Path(backup)
    problems = integrity_problems(backup)
    if problems:
        raise StoreError(_("This backup is damaged too: {problem}").format(problem=problems[0]))
    aside = set_aside(path)
    try:
        _copy_database(backup, path)
    except (OSError, sqlite3.Error) as error:
        log.exception("restoring %s failed", backup)
        message = _("The backup could not be copied: {error}").format(error=error)
        raise StoreError(message) from error
    log.warning("database restored from %s (the damaged one is in %s)", backup, aside)
    return aside


class BackupSettings:
    """Read-only settings of a backup file (the technician PIN, when the live file is damaged)."""

    def __init__(self, values: dict[str, object]) -> None:
        self._values = values

    def get_setting(self, key: str, default: object = None) -> object:
        return self._values.get(key, default)

    def set_setting(self, key: str, value: object) -> None:
        raise StoreError(_("A backup cannot be changed."))


def read_settings(path: Path) -> BackupSettings | None:
    """The settings stored in a database file, read-only; None when it cannot be read."""
    import json

    try:
        conn = _connect_ro(Path(path))
        try:
            rows = conn.execute("SELECT key, value FROM settings").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as error:
        log.warning("settings of %s unreadable: %s", path, error)
        return None
    values: dict[str, object] = {}
    for key, text in rows:
        try:
            values[str(key)] = json.loads(text)
        except (TypeError, ValueError):
            continue
    return BackupSettings(values)
