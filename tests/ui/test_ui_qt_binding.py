"""The Qt binding must not leak references to None.

PySide6 6.12.0 on Python 3.11 dropped one reference to None on every call of a method that
returns nothing (setText, update, processEvents, ...). None is not immortal before Python
3.12, so a kiosk left running aborted with "deallocating None" after a few thousand calls.
pyproject.toml pins a release without that bug; this test keeps it that way.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QPushButton

CALLS = 5000


def test_void_calls_keep_none_alive(qtbot) -> None:
    button = QPushButton("x")
    qtbot.addWidget(button)
    button.show()
    app = QApplication.instance()
    app.processEvents()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        button.setText("y")
        button.update()
        app.processEvents()
    after = sys.getrefcount(None)
    # Other code may hold or drop a few references meanwhile; a leak loses one per call.
    assert before - after < CALLS // 10, f"None lost {before - after} references"
