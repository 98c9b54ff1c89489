"""Shared test set-up: Qt runs offscreen unless a display is given, data never leaves tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import i18n
from tests.pgschema import fresh_schema_url

# Before any Qt import: tests run without a screen unless the caller chose one (e.g. Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The kiosk's own data folder must never be the developer's real one.
os.environ.pop("KIOSK_DATA", None)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty kiosk data folder, also exported as KIOSK_DATA for subprocesses."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("KIOSK_DATA", str(folder))
    return folder


@pytest.fixture
def builtin_lessons() -> Path:
    return REPO_ROOT / "lessons"


@pytest.fixture
def english_messages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """UI messages as their English ids: no catalog is found, so tests can match the text."""
    previous = i18n.language()
    i18n.set_language(previous, locales=tmp_path_factory.mktemp("no-locales"))
    yield
    i18n.set_language(previous)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty schema on the real PostgreSQL (tests/pgschema.py): the hub's and sync's
    tests run on it as on SQLite."""
    yield from fresh_schema_url()
