"""The database's safety net: integrity check, daily backups, restore and start fresh (never
deleting the damaged file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.store import StoreError, open_store, recovery


def make_db(path: Path, name: str = "Lan") -> str:
    with open_store(path) as store:
        learner = store.create_learner(name)
        store.start_lesson(learner.id, "l1", 1, 4)
        store.complete_step(learner.id, "l1", 1, "s1", 0, 4)
        return learner.id


def damage_pages(path: Path) -> None:
    """Overwrite the middle of the file: the header stays, the b-tree pages do not."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xde\xad\xbe\xef" * ((size - 4096) // 4))


def test_healthy_and_missing_files_have_no_problems(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    assert recovery.integrity_problems(db) == []
    make_db(db)
    assert recovery.integrity_problems(db) == []


def test_garbage_and_damaged_pages_are_found(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    db.write_bytes(b"this is not a database at all" * 100)
    assert recovery.integrity_problems(db)
    other = tmp_path / "other.sqlite3"
    make_db(other)
    with open_store(other) as store:
        for n in range(200):  # enough rows that the tables span several pages
            store.create_learner(f"learner {n}")
    damage_pages(other)
    assert recovery.integrity_problems(other)


def test_daily_backup_once_a_day_keeps_the_last_seven(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    learner = make_db(db)
    first = recovery.daily_backup(db, today=dt.date(2026, 5, 1))
    assert first is not None and recovery.integrity_problems(first) == []
    assert recovery.daily_backup(db, today=dt.date(2026, 5, 1)) is None  # already done today
    for day in range(2, 12):
        recovery.daily_backup(db, today=dt.date(2026, 5, day))
    kept = sorted(p.name for p in recovery.backups_dir(db).glob("*.sqlite3"))
    assert len(kept) == recovery.KEEP_DAILY and kept[-1] == "kiosk-2026-05-11.sqlite3"
    with open_store(recovery.backups_dir(db) / kept[-1]) as copy:
        assert copy.lesson_progress(learner)["l1"].steps_done == 1


def test_restore_sets_the_damaged_file_aside_and_brings_the_backup_back(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    learner = make_db(db)
    recovery.daily_backup(db)
    db.write_bytes(b"garbage" * 1000)
    backups = recovery.list_backups(db, checked=True)
    assert len(backups) == 1 and backups[0].kind == "daily"
    aside = recovery.restore_backup(db, backups[0].path)
    assert aside is not None and (aside / "kiosk.sqlite3").read_bytes() == b"garbage" * 1000
    assert recovery.integrity_problems(db) == []
    with open_store(db) as store:
        assert store.lesson_progress(learner)["l1"].steps_done == 1


def test_a_damaged_backup_is_refused_and_nothing_moves(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"also garbage" * 100)
    with pytest.raises(StoreError):
        recovery.restore_backup(db, bad)
    assert db.read_bytes() == b"garbage" * 1000


def test_start_fresh_keeps_every_file_of_the_damaged_database(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    db.write_bytes(b"garbage")
    (tmp_path / "kiosk.sqlite3-wal").write_bytes(b"wal")
    aside = recovery.start_fresh(db)
    assert not db.exists()
    assert sorted(p.name for p in aside.iterdir()) == ["kiosk.sqlite3", "kiosk.sqlite3-wal"]
    with open_store(db) as store:  # a new, empty database
        assert store.learners() == []


def test_settings_of_a_backup_are_readable_for_the_pin(tmp_path):
    db = tmp_path / "kiosk.sqlite3"
    with open_store(db) as store:
        store.set_setting("technician.pin", {"scheme": "scrypt"})
    settings = recovery.read_settings(db)
    assert settings.get_setting("technician.pin") == {"scheme": "scrypt"}
    with pytest.raises(StoreError):
        settings.set_setting("x", 1)
