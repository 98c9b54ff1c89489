"""Fixtures for store tests: a real kiosk database file in tmp_path.

Error messages are checked in English: the UI catalog is switched off for these tests (an
empty locales folder), as in tests/content, so they pass with compiled catalogs too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.store import Store, open_store


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages: None) -> None:
    """Messages are checked in English here (see tests/conftest.py)."""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "kiosk.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = open_store(db_path)
    yield opened
    opened.close()


Rows = Callable[..., list[tuple[Any, ...]]]


def _rows(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def rows() -> Rows:
    """Read a file with a separate plain sqlite3 connection: what is really on disk."""
    return _rows
