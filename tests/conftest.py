"""Shared test set-up: Qt runs offscreen unless a display is given, data never leaves tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
