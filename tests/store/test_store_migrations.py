"""Opening, migrating and refusing database files (kiosk.store.db, kiosk.store.migrations)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from kiosk.store import (
    DamagedDatabaseError,
    SchemaTooNewError,
    StoreError,
    migrations,
    open_store,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
Rows = Callable[..., list[tuple[Any, ...]]]

EXPECTED_TABLES = {
    "learners",
    "lesson_progress",
    "step_progress",
    "quiz_answers",
    "settings",
    "outbox",
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_gets_latest_schema_and_safe_pragmas(db_path: Path, rows: Rows) -> None:
    assert not db_path.parent.exists()
    store = open_store(db_path)
    try:
        info = store.info()
    finally:
        store.close()
    assert db_path.is_file()
    assert info["schema_version"] == migrations.LATEST_VERSION >= 1
    assert info["journal_mode"] == "wal"
    assert info["synchronous"] == 2  # FULL
    assert info["foreign_keys"] is True
    tables = {
        name for (name,) in rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert EXPECTED_TABLES <= tables
    assert rows(db_path, "PRAGMA user_version") == [(migrations.LATEST_VERSION,)]


def test_reopen_keeps_data_and_version_without_backup(db_path: Path) -> None:
    store = open_store(db_path)
    learner = store.create_learner("Lan")
    store.close()
    again = open_store(db_path)
    try:
        assert again.get_learner(learner.id).name == "Lan"
        assert again.info()["schema_version"] == migrations.LATEST_VERSION
    finally:
        again.close()
    assert not list(db_path.parent.glob("*.bak"))


def test_empty_file_is_treated_as_new(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.touch()
    with open_store(db_path) as store:
        assert store.info()["schema_version"] == migrations.LATEST_VERSION


def test_database_from_a_newer_kiosk_is_refused_untouched(db_path: Path, rows: Rows) -> None:
    open_store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    conn.close()
    before = _digest(db_path)
    with pytest.raises(SchemaTooNewError) as caught:
        open_store(db_path)
    assert "newer version of the kiosk" in str(caught.value)
    assert _digest(db_path) == before
    assert rows(db_path, "PRAGMA user_version") == [(migrations.LATEST_VERSION + 1,)]


def test_garbage_file_gives_plain_error(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is a shopping list, not a database\n" * 200)
    with pytest.raises(DamagedDatabaseError) as caught:
        open_store(db_path)
    assert str(db_path) in str(caught.value)
    assert "damaged" in caught.value.user_message


def test_damaged_sqlite_body_gives_plain_error(db_path: Path) -> None:
    open_store(db_path).close()
    data = bytearray(db_path.read_bytes())
    data[16:100] = b"\xff" * 84  # the header after the magic string: page size and more
    db_path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabaseError):
        open_store(db_path)


def test_another_programs_database_is_not_taken_over(db_path: Path, rows: Rows) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DamagedDatabaseError):
        open_store(db_path)
    tables = {
        name for (name,) in rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert tables == {"recipes"}


def test_folder_in_place_of_the_file_gives_store_error(db_path: Path) -> None:
    db_path.mkdir(parents=True)
    with pytest.raises(StoreError):
        open_store(db_path)


def _m002_add_nickname(db: Database) -> None:
    db["learners"].add_column("nickname", str)


def _m002_broken(db: Database) -> None:
    db.execute("CREATE TABLE half_done (x INTEGER)")
    db.execute("INSERT INTO no_such_table VALUES (1)")


def test_upgrade_runs_new_migration_after_backup(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, rows: Rows
) -> None:
    with open_store(db_path) as store:
        learner = store.create_learner("Hùng")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, _m002_add_nickname))
    monkeypatch.setattr(migrations, "LATEST_VERSION", len(migrations.MIGRATIONS))
    with open_store(db_path) as store:
        assert store.info()["schema_version"] == migrations.LATEST_VERSION
        assert store.get_learner(learner.id).name == "Hùng"
    columns = {row[1] for row in rows(db_path, "PRAGMA table_info(learners)")}
    assert "nickname" in columns
    backup = db_path.with_name(f"{db_path.name}.v{migrations.LATEST_VERSION - 1}.bak")
    assert rows(backup, "PRAGMA user_version") == [(migrations.LATEST_VERSION - 1,)]
    assert rows(backup, "SELECT name FROM learners") == [("Hùng",)]


def test_failed_migration_leaves_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, rows: Rows
) -> None:
    open_store(db_path).close()
    old_version = migrations.LATEST_VERSION
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, _m002_broken))
    monkeypatch.setattr(migrations, "LATEST_VERSION", len(migrations.MIGRATIONS))
    with pytest.raises(StoreError):
        open_store(db_path)
    assert rows(db_path, "PRAGMA user_version") == [(old_version,)]
    assert rows(db_path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []


def test_store_imports_without_qt(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    code = (
        "import sys\n"
        "for name in ('PySide6', 'PySide6.QtCore', 'PySide6.QtWidgets'):\n"
        "    sys.modules[name] = None\n"
        "from pathlib import Path\n"
        "from kiosk.store import open_store\n"
        f"open_store(Path({str(tmp_path / 'k.sqlite3')!r})).close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
