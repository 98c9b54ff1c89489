"""Health facts for the technician: crashes from the supervisor's record, disk, backups."""

from __future__ import annotations

import json

from kiosk import config
from kiosk.ops import health
from kiosk.ops.supervisor import Crash, _record_crash
from kiosk.store import open_store, recovery
from tests.ops.conftest import kiosk


def test_health_counts_crashes_and_reads_disk_and_backups(tmp_path):
    data = tmp_path
    with open_store(config.database_path(data)) as store:
        store.create_learner("Lan")
        recovery.daily_backup(config.database_path(data))
        _record_crash(data, Crash("2000-01-01T10:00:00+00:00", -11, 3.0, True))
        facts = health.collect(data, store)
    assert facts.crashes_total == 1 and facts.crashes_today == 0
    assert facts.last_crash.startswith("2000-01-01")
    assert facts.disk_free_bytes > 0 and facts.database_bytes > 0
    assert facts.last_backup is not None
    assert facts.sync_enrolled in (False, None)
    sentences = [text for text, _ok in health.lines(facts)]
    assert any("1" in text for text in sentences)


def test_health_command_json(tmp_path):
    result = kiosk("health", "--json", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["crashes_total"] == 0 and row["database_problem"] is None
    (tmp_path / "kiosk.sqlite3").write_bytes(b"garbage")  # still a report, not a crash
    result = kiosk("health", "--data", str(tmp_path))
    assert result.returncode == 0 and "✗" in result.stdout
