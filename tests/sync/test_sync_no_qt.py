"""kiosk.sync must stay free of Qt: it runs on a worker thread and in the command line."""

from __future__ import annotations

from tests.noqt import import_without_qt


def test_sync_modules_import_without_qt() -> None:
    imported = import_without_qt("kiosk.sync")
    for module in ("hlc", "identity", "wire", "client", "enroll", "engine", "pull", "worker",
                   "usb", "status", "cli"):
        assert f"kiosk.sync.{module}" in imported
