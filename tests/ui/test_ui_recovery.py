"""A damaged database at start gives the recovery screen, never a crash or a silent loss."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.i18n import _
from kiosk.store import open_store, recovery, technician
from kiosk.ui.recovery import RecoveryScreen
from kiosk.ui.startup import open_store_checked


def good_database_with_backup(data_dir: Path) -> tuple[Path, str]:
    db = config.database_path(data_dir)
    with open_store(db) as store:
        learner = store.create_learner("Lan")
        store.start_lesson(learner.id, "ui-demo", 1, 4)
        store.complete_step(learner.id, "ui-demo", 1, "s1", 0, 4)
    assert recovery.daily_backup(db) is not None
    return db, learner.id


def click_when_shown(qtbot, pick) -> None:
    """Once the recovery screen is up, press the button `pick(screen)` chooses."""

    def look() -> None:
        screens = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, RecoveryScreen) and w.isVisible()]
        if not screens:
            QTimer.singleShot(20, look)
            return
        button = pick(screens[0])
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())

    QTimer.singleShot(0, look)


def test_damaged_file_at_start_offers_the_backup_and_restores_it(qtbot, ui_app, data_dir):
    db, learner = good_database_with_backup(data_dir)
    db.write_bytes(b"\x00garbage from a failing disk" * 500)
    click_when_shown(qtbot, lambda screen: screen.restore_button)
    store = open_store_checked(db, interactive=True, windowed=True)
    try:
        assert store.lesson_progress(learner)["ui-demo"].steps_done == 1
    finally:
        store.close()
    kept = list((data_dir / recovery.DAMAGED_DIR).glob("*/kiosk.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"\x00garbage")


def test_start_fresh_asks_twice_and_keeps_the_damaged_file(qtbot, ui_app, data_dir):
    db = config.database_path(data_dir)
    db.write_bytes(b"not sqlite" * 100)
    screen = RecoveryScreen(db, recovery.integrity_problems(db))
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    assert not screen.restore_button.isEnabled()  # no backup exists
    with qtbot.waitSignal(screen.finished, timeout=2000, raising=False) as blocker:
        screen.start_fresh()
    assert not blocker.signal_triggered and db.exists()  # the first press only asks
    assert screen.fresh_button.text() == _("Press again to start with empty data")
    with qtbot.waitSignal(screen.finished, timeout=2000):
        screen.start_fresh()
    assert not db.exists()
    assert (screen.aside / "kiosk.sqlite3").read_bytes() == b"not sqlite" * 100


def test_the_technician_pin_from_the_backup_guards_the_repairs(qtbot, ui_app, data_dir):
    db, _learner = good_database_with_backup(data_dir)
    with open_store(db) as store:
        technician.set_pin(store, "13579")
    for old in recovery.backups_dir(db).glob("*.sqlite3"):
        old.unlink()
    recovery.daily_backup(db)
    db.write_bytes(b"garbage" * 100)
    screen = RecoveryScreen(db, ["test"])
    qtbot.addWidget(screen)
    screen.show()
    assert not screen.unlocked and not screen.restore_button.isEnabled()
    screen.pin_field.setText("0000")
    screen.check_pin()
    assert not screen.unlocked and screen.message.isVisible()
    screen.pin_field.setText("13579")
    screen.check_pin()
    assert screen.unlocked and screen.restore_button.isEnabled()


def test_exit_when_ready_on_a_damaged_file_says_why_in_one_line(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = config.database_path(data)
    db.write_bytes(b"garbage" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--exit-when-ready", "--data", str(data)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 1
    reason = [line for line in result.stderr.splitlines() if line.startswith("kiosk:")]
    assert len(reason) == 1 and "Traceback" not in result.stderr
    assert db.read_bytes() == b"garbage" * 100  # untouched without a technician
