"""The start-up path of the store: an up-to-date file opens without sqlite-utils or uuid6,
and the plain connection keeps the transaction rules the rest of the store relies on."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store import StoreError, open_store
from kiosk.store.db import open_database, write_transaction

REPO_ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_reopening_needs_neither_sqlite_utils_nor_uuid6(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.create_learner("Lan")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk.store import open_store\n"
        f"store = open_store(Path({str(db_path)!r}))\n"
        "guest = store.guest()\n"
        "print(len(store.learners()), store.lesson_progress(guest.id), store.installed_bundles(),"
        " store.get_setting('ui.language', 'vi'))\n"
        "print(sorted(m for m in ('sqlite_utils', 'uuid6', 'babel') if m in sys.modules))\n"
    )
    first, loaded = _run(code).splitlines()
    assert first == "2 {} [] vi"
    assert loaded == "[]"


def test_new_file_is_migrated_with_sqlite_utils(db_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk.store import open_store\n"
        f"open_store(Path({str(db_path)!r})).close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    assert _run(code) == "True"


def test_opening_a_lesson_loads_the_event_ids_before_the_first_step(db_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk.store import open_store\n"
        f"path = Path({str(db_path)!r})\n"
        "open_store(path).close()\n"
        "store = open_store(path)\n"
        "learner = store.guest()\n"
        "before = 'uuid6' in sys.modules\n"
        "store.start_lesson(learner.id, 'qr-payment', 1, 5)\n"
        "print(before, 'uuid6' in sys.modules, len(store.pending_events()))\n"
    )
    assert _run(code) == "False True 1"


def test_statement_outside_a_transaction_commits_at_once(db_path: Path, rows) -> None:
    open_store(db_path).close()
    conn = open_database(db_path)
    try:
        conn.execute("INSERT INTO settings (key, value, updated) VALUES ('k', '1', 'now')")
        assert not conn.in_transaction
        assert rows(db_path, "SELECT value FROM settings WHERE key = 'k'") == [("1",)]
    finally:
        conn.close()


def test_failed_write_transaction_leaves_nothing_and_nests(db_path: Path, rows) -> None:
    open_store(db_path).close()
    conn = open_database(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError), write_transaction(conn):
            conn.execute("INSERT INTO settings (key, value, updated) VALUES ('a', '1', 'now')")
            conn.execute("INSERT INTO settings (key, value, updated) VALUES ('a', '2', 'now')")
        assert not conn.in_transaction
        with write_transaction(conn):
            conn.execute("INSERT INTO settings (key, value, updated) VALUES ('b', '1', 'now')")
            with pytest.raises(sqlite3.IntegrityError), write_transaction(conn):
                conn.execute("INSERT INTO settings (key, value, updated) VALUES ('c', '1', 'x')")
                conn.execute("INSERT INTO settings (key, value) VALUES ('d', NULL)")
            assert conn.in_transaction  # the inner failure rolled back its savepoint only
    finally:
        conn.close()
    assert rows(db_path, "SELECT key FROM settings ORDER BY key") == [("b",)]


def test_store_errors_still_arrive_typed(db_path: Path) -> None:
    with open_store(db_path) as store:
        with pytest.raises(StoreError):
            store.set_setting("", 1)
        store.set_setting("ui.scale", 1.5)
        assert store.get_setting("ui.scale") == 1.5
