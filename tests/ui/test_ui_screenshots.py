"""`python -m kiosk.ui.screenshots OUT` saves a real PNG of every screen at both sizes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"
NAMES = (
    "home",
    "languages",
    "explain",
    "practice",
    "practice-wrong-tap",
    "practice-two-wrong-taps",
    "practice-done",
    "quiz",
    "quiz-feedback",
    "summary",
    "done",
    "home-km",
    "home-blt",
    "home-200",
    "practice-200",
    "quiz-200",
    "technician-pin-setup",
    "technician-pin-wrong",
    "technician-usb",
    "technician-usb-installed",
    "technician-installed",
    "technician-remove-question",
    "technician-keys",
    "technician-kiosk",
    "technician-sync",
    "technician-voice",
    "technician-checks",
    "technician-exit-question",
    "technician-usb-200",
)


def test_screenshots_of_every_screen(tmp_path, data_dir):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.ui.screenshots",
            str(tmp_path / "shots"),
            "--lessons",
            str(FIXTURE_LESSONS),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    for width, height in ((1366, 768), (1920, 1080)):
        for name in NAMES:
            path = tmp_path / "shots" / f"{width}x{height}-{name}.png"
            assert path.stat().st_size > 1000, path
            image = QImage(str(path))
            assert not image.isNull(), path
            assert (image.width(), image.height()) == (width, height), path
            # Not a blank page: the theme's background and other colours both appear.
            colours = {image.pixel(x, y) for x in range(0, width, 37) for y in range(0, height, 29)}
            assert len(colours) > 3, path
