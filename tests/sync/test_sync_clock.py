"""A kiosk whose clock is set years back keeps its events in order, at the kiosk and at the hub.

The kiosk runs as a separate process under libfaketime (`faketime`, a Debian package that
build/setup-system.sh installs), so the store reads a really wrong system clock.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from kiosk import config
from kiosk.store import open_store
from kiosk.sync.engine import sync_once
from kiosk.sync.enroll import enroll_online
from tests.hub.hubkit import REPO
from tests.sync.conftest import QUICK, add_events, new_code

MAKE_EVENTS = """
import sys
from kiosk.store import open_store
store = open_store(sys.argv[1])
learner = store.guest().id
for index in range(4):
    store.complete_step(learner, "fraud-call", 1, f"s{index}", index, 4)
store.close()
"""


def _faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        reason = "faketime is not installed (build/setup-system.sh installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def test_a_clock_years_back_keeps_the_order_everywhere(hub, data_dir: Path) -> None:
    faketime = _faketime()
    path = config.database_path(data_dir)
    with open_store(path) as store:
        enroll_online(store, data_dir, hub.base_url, new_code(hub), retry=QUICK)
        add_events(store, 6)
    env = {**os.environ, "KIOSK_DATA": str(data_dir)}
    # The CMOS battery died: three years back, events recorded, then a sync from that PC.
    subprocess.run([faketime, "-f", "-1100d", sys.executable, "-c", MAKE_EVENTS, str(path)],
                   cwd=REPO, env=env, check=True, timeout=120)
    done = subprocess.run([faketime, "-f", "-1100d", sys.executable, "-m", "kiosk", "sync",
                           "now"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    subprocess.run([faketime, "-f", "-1100d", sys.executable, "-c", MAKE_EVENTS, str(path)],
                   cwd=REPO, env=env, check=True, timeout=120)
    with open_store(path) as store:
        sync_once(data_dir, store=store, retry=QUICK)
        assert store.outbox_counts()[0] == 0
    # What is on disk: every event, acknowledged or not.
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT seq, hlc, created FROM outbox ORDER BY seq").fetchall()
    created = [dt.datetime.fromisoformat(row[2]) for row in rows]
    assert created[-1] < created[0] - dt.timedelta(days=1000)  # the clock really was wrong
    stamps = [row[1] for row in rows]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    from kiosk.hub.storage import events

    with hub.engine.connect() as connection:
        at_hub = connection.execute(
            sa.select(events.c.seq, events.c.hlc).order_by(events.c.seq)).all()
    assert [tuple(row) for row in at_hub] == [(row[0], row[1]) for row in rows]
