"""kiosk.content must stay free of Qt: the hub and the command line use it without a GUI."""

from __future__ import annotations

from tests.noqt import import_without_qt


def test_content_modules_import_without_qt():
    imported = import_without_qt("kiosk.content")
    for module in ("languages", "text", "yamlsource", "validator", "loader", "catalog", "model"):
        assert f"kiosk.content.{module}" in imported
