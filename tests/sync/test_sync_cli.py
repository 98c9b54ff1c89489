"""`kiosk sync …` as technicians and scripts use it: output, JSON shape, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk import config
from kiosk.store import open_store
from tests.hub.hubkit import REPO
from tests.sync.conftest import add_events, hub_event_count, new_code


def kiosk(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("KIOSK_DATA", None)
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--data", str(data)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_status_before_anything(data_dir: Path) -> None:
    done = kiosk("sync", "status", "--json", data=data_dir)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["enrolled"] is False and status["pending"] == 0 and status["acked"] == 0
    assert status["last_success"] is None and status["last_error"] is None
    text = kiosk("sync", "status", data=data_dir)
    assert text.returncode == 0 and "enrolled: no" in text.stdout


def test_usage_and_failures_follow_the_exit_code_contract(data_dir: Path, tmp_path) -> None:
    assert kiosk("sync", data=data_dir).returncode == 2
    assert kiosk("sync", "enroll", data=data_dir).returncode == 2
    assert kiosk("sync", "frobnicate", data=data_dir).returncode == 2
    for args in (("sync", "now"), ("sync", "export", str(tmp_path)),
                 ("sync", "enroll", "ABC"), ("sync", "import-receipt", str(tmp_path / "none"))):
        done = kiosk(*args, data=data_dir)
        assert done.returncode == 1, args
        assert done.stderr.startswith("kiosk: ") and done.stderr.count("\n") == 1, done.stderr


def test_a_stick_round_trip_from_the_command_line(hub, data_dir: Path, tmp_path: Path) -> None:
    hub_data = tmp_path / "hub-data"
    hub_url = str(hub.engine.url.render_as_string(hide_password=False))
    code = new_code(hub)
    assert kiosk("sync", "enroll", code, "--commune", "Xã Tân Lập", data=data_dir).returncode == 0
    with open_store(config.database_path(data_dir)) as store:
        ids = add_events(store, 9)
    stick = tmp_path / "stick"
    stick.mkdir()
    exported = kiosk("sync", "export", str(stick), data=data_dir)
    assert exported.returncode == 0, exported.stderr
    [file] = (stick / "KIOSK" / "sync").glob("*.ksync")
    assert str(file) in exported.stdout
    for _ in range(2):  # the technician imports the same file twice at the hub
        imported = kiosk("hub", "import", str(file), "--db", hub_url, data=hub_data)
        assert imported.returncode == 0, imported.stderr
    assert hub_event_count(hub.engine) == len(ids)
    receipt = file.with_name(file.name + ".receipt")
    first = kiosk("sync", "import-receipt", str(receipt), data=data_dir)
    second = kiosk("sync", "import-receipt", str(receipt), data=data_dir)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert f"{len(ids)} event(s) newly acknowledged" in first.stdout
    assert "0 event(s) newly acknowledged" in second.stdout
    status = json.loads(kiosk("sync", "status", "--json", data=data_dir).stdout)
    assert status["enrolled"] is True and status["enrolled_via"] == "usb"
    assert (status["pending"], status["acked"]) == (0, len(ids))
    nothing = kiosk("sync", "export", str(stick), data=data_dir)
    assert nothing.returncode == 0 and "nothing to export" in nothing.stdout


def test_online_from_the_command_line(hub, data_dir: Path) -> None:
    done = kiosk("sync", "enroll", hub.base_url, new_code(hub, "Xã Yên Hòa"), data=data_dir)
    assert done.returncode == 0, done.stderr
    assert "Xã Yên Hòa" in done.stdout
    with open_store(config.database_path(data_dir)) as store:
        ids = add_events(store, 11)
    now = kiosk("sync", "now", "--json", data=data_dir)
    assert now.returncode == 0, now.stderr
    assert json.loads(now.stdout)["acked"] == len(ids)
    status = json.loads(kiosk("sync", "status", "--json", data=data_dir).stdout)
    assert status["online"] and status["pending"] == 0 and status["last_success"]
    again = kiosk("sync", "enroll", hub.base_url, new_code(hub), data=data_dir)
    assert again.returncode == 1 and again.stderr.count("\n") == 1
    assert json.loads(kiosk("sync", "status", "--json", data=data_dir).stdout)["online"]
