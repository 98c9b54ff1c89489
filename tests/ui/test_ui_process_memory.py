"""Process memory tuning: PySide's per-import check keeps no source lines, with the same answers."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.ui import process_memory


@pytest.fixture
def module_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in ("memtest_with_qt", "memtest_plain"):
        sys.modules.pop(name, None)


def test_imports_after_the_tuning_leave_nothing_in_linecache(
        qapp: QApplication, module_folder: Path) -> None:
    assert process_memory.stop_source_caching()
    assert process_memory.stop_source_caching()  # a second call changes nothing
    (module_folder / "memtest_with_qt.py").write_text(
        "from PySide6.QtCore import QObject\n\nclass Thing(QObject):\n    pass\n",
        encoding="utf-8")
    (module_folder / "memtest_plain.py").write_text("VALUE = 1\n" * 500, encoding="utf-8")

    # An import statement (builtins.__import__, where PySide hooks in), not importlib.
    __import__("memtest_with_qt")
    __import__("memtest_plain")

    cached = {Path(name).name for name in linecache.cache}
    assert not cached & {"memtest_with_qt.py", "memtest_plain.py"}
    # PySide still tells its modules from the others: 0 = uses PySide, -1 = ignored.
    features = sys.modules[process_memory.PYSIDE_FEATURE_MODULE].pyside_feature_dict
    assert features["memtest_with_qt"] == 0
    assert features["memtest_plain"] == -1
