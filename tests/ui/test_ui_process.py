"""`kiosk run` as a technician starts it: --exit-when-ready, and a damaged data folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

FIXTURE_LESSONS = Path(__file__).parent / "fixtures" / "lessons"


def run_kiosk(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "run",
            "--exit-when-ready",
            "--windowed",
            "--data",
            str(data_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_exit_when_ready_prints_time(data_dir):
    result = run_kiosk(data_dir, "--lessons", str(FIXTURE_LESSONS))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"ready in \d+ ms\n", result.stdout), result.stdout


def test_damaged_database_is_a_message_not_a_traceback(data_dir):
    (data_dir / "kiosk.sqlite3").write_bytes(b"this is not a database at all" * 100)
    result = run_kiosk(data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    reason = result.stderr.strip().splitlines()[-1]
    assert reason.startswith("kiosk: ") and "damaged" in reason


def test_damaged_database_dialog_in_normal_run(ui_app, qtbot, data_dir):
    """Without --exit-when-ready the learner sees a message box, then the kiosk exits 1."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kiosk.ui.app import RunOptions, run

    (data_dir / "kiosk.sqlite3").write_bytes(b"garbage" * 500)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(20, close_box)
    options = RunOptions(data_dir, None, None, voice=False, windowed=True, exit_when_ready=False)
    assert run(options) == 1
    assert seen and "damaged" in seen[0]
