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
    """Without --exit-when-ready the recovery screen shows (kiosk.ui.recovery); closed by the
    technician without a repair, the kiosk exits 1 and the damaged file is left as it was."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.app import RunOptions, run
    from kiosk.ui.recovery import RecoveryScreen

    (data_dir / "kiosk.sqlite3").write_bytes(b"garbage" * 500)
    seen: list[str] = []

    def close_screen() -> None:
        screens = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, RecoveryScreen) and w.isVisible()]
        if screens:
            seen.append(screens[0].title.plain())
            screens[0].close_button.click()
        else:
            QTimer.singleShot(20, close_screen)

    QTimer.singleShot(20, close_screen)
    options = RunOptions(data_dir, None, None, voice=False, windowed=True, exit_when_ready=False)
    assert run(options) == 1
    from kiosk.i18n import _

    assert seen and _("The kiosk's saved data is damaged") in seen[0]
    assert (data_dir / "kiosk.sqlite3").read_bytes() == b"garbage" * 500
