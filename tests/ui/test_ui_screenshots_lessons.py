"""`python -m kiosk.ui.screenshots_lessons OUT` saves each lesson's first and practice steps.

Run on the fixture lesson (one practice step with two places to press, a partial Tày
translation): every expected PNG is a real 1366×768 picture, and the layout report finds the
window within the screen and every place to press on its picture.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"
NAMES = (
    "ui-demo-1-first",
    "ui-demo-2-practice-press-two",
    "ui-demo-2-practice-press-two-target1",
    "ui-demo-2-practice-press-two-target2",
    "ui-demo-1-first-tyz",
    "ui-demo-1-first-200",
    "ui-demo-2-practice-press-two-200",
    "ui-demo-1-first-tyz-200",
)


def test_lesson_screenshots_and_layout_report(tmp_path, data_dir):
    out = tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.ui.screenshots_lessons", str(out),
         "--lessons", str(FIXTURE_LESSONS)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    for name in NAMES:
        image = QImage(str(out / f"{name}.png"))
        assert (image.width(), image.height()) == (1366, 768), name
        colours = {image.pixel(x, y) for x in range(0, 1366, 37) for y in range(0, 768, 29)}
        assert len(colours) > 3, name  # not a blank page
    report = (out / "layout.txt").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split(":")[0] for line in report) == sorted(f"{n}.png" for n in NAMES)
    assert all("title lines=2" in line for line in report), report
    assert not [line for line in report if "WINDOW" in line or "HOTSPOT" in line], report
