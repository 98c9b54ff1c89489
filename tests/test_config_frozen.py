"""kiosk.config inside a frozen build: resources from the bundle, data beside it when portable.

The PyInstaller build (build/kiosk.spec) puts lessons/, assets/ and locales/ in `_internal/`
and sets `sys._MEIPASS` to it; these tests give the interpreter the same attributes and a real
folder laid out that way.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk import config


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-folder build: app/kiosk and app/_internal/{lessons,assets,locales}."""
    app = tmp_path / "app"
    internal = app / "_internal"
    for part in ("lessons", "assets", "locales"):
        (internal / part).mkdir(parents=True)
    (app / "kiosk").write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "kiosk"))
    monkeypatch.delenv("KIOSK_DATA", raising=False)
    return app


def test_resources_come_from_the_bundle(frozen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(frozen / "_internal"), raising=False)
    assert config.builtin_lessons_dir() == frozen / "_internal" / "lessons"
    assert config.languages_file() == frozen / "_internal" / "lessons" / "languages.yaml"
    assert config.assets_dir() == frozen / "_internal" / "assets"
    assert config.locales_dir() == frozen / "_internal" / "locales"


def test_a_frozen_build_without_meipass_finds_its_internal_folder(
    frozen: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert config.resource_root() == frozen / "_internal"


def test_portable_mode_keeps_data_beside_the_program(frozen: Path) -> None:
    (frozen / "portable.txt").write_text("", encoding="utf-8")
    assert config.data_dir() == frozen / "data"
    assert (frozen / "data").is_dir()


def test_outside_a_build_resources_are_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert config.resource_root() == Path(__file__).resolve().parent.parent
