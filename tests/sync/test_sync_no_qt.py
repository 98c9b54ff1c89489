"""kiosk.sync must stay free of Qt: it runs on a worker thread and in the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kiosk.sync

CHECK = """
import importlib, pkgutil, sys

class NoQt:
    # Refuse PySide6 outright, so an import hidden behind a try/except still shows up.
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("kiosk.sync imported " + name)
        return None

sys.meta_path.insert(0, NoQt())
import kiosk.sync
names = [m.name for m in pkgutil.walk_packages(kiosk.sync.__path__, "kiosk.sync.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
assert not loaded, loaded
print(" ".join(names))
"""


def test_sync_modules_import_without_qt() -> None:
    root = Path(kiosk.sync.__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=root, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    imported = result.stdout.split()
    for module in ("hlc", "identity", "wire", "client", "enroll", "engine", "pull", "worker",
                   "usb", "status", "cli"):
        assert f"kiosk.sync.{module}" in imported
