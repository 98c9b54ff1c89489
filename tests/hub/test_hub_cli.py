"""`kiosk hub …` on the command line: codes, defaults, database URLs, exit codes; no Qt."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from kiosk.hub.storage import database_url
from tests.hub.hubkit import REPO, ProcessHub, TestKiosk

CODE = re.compile(r"^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_enroll_code_prints_the_code_alone_on_its_last_line(tmp_path):
    data = tmp_path / "data"
    done = run("hub", "enroll-code", "--commune", "Xã Tân Lập", "--hours", "2", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert CODE.match(done.stdout.splitlines()[-1])
    assert (data / "hub.sqlite3").is_file()  # the default database, in the data folder
    other = run("hub", "enroll-code", "--data", str(data)).stdout.splitlines()[-1]
    assert other != done.stdout.splitlines()[-1]


def test_bad_usage_and_failures_exit_as_documented(tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    assert kiosk_cmd("hub", data=data).returncode == 2
    assert kiosk_cmd("hub", "enroll-code", "--hours", "soon", data=data).returncode == 2
    for args in (("enroll-code", "--hours", "0"),
                 ("report", "--db", "postgresql://nobody@127.0.0.1:1/none"),
                 ("report", "--db", "mysql://somewhere/db"),
                 ("report", "--db", "::not a url::")):
        done = kiosk_cmd("hub", *args, data=data)
        assert done.returncode == 1, args
        assert done.stderr.startswith("kiosk: ") and done.stderr.count("\n") == 1, done.stderr


def test_serve_refuses_a_port_in_use(tmp_path, kiosk_cmd):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        done = kiosk_cmd("hub", "serve", "--port", port, data=tmp_path / "data")
    assert done.returncode == 1
    assert "cannot listen" in done.stderr and done.stderr.count("\n") == 1


def test_serve_with_a_plain_postgresql_url_and_stop_cleanly(pg_url, tmp_path):
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    hub = ProcessHub(plain, tmp_path / "data")
    try:
        assert httpx.get(f"{hub.base_url}/v1/health").json()["status"] == "ok"
        done = run("hub", "enroll-code", "--db", plain, "--data", str(tmp_path / "data"))
        assert done.returncode == 0, done.stderr
        assert TestKiosk().enroll(hub.base_url, done.stdout.splitlines()[-1]).status_code == 200
    finally:
        assert hub.stop() == 0  # Ctrl+C: a clean exit


def test_database_url_defaults_and_driver_mapping(tmp_path: Path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    assert database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h:5/db", tmp_path) == "postgresql+psycopg://u@h:5/db"
    assert database_url("postgresql+psycopg://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:////x/y.db", tmp_path) == "sqlite:////x/y.db"


NO_QT = """
import importlib, pkgutil, sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("kiosk.hub imported " + name)
        return None

sys.meta_path.insert(0, NoQt())
import kiosk.hub
names = [m.name for m in pkgutil.walk_packages(kiosk.hub.__path__, "kiosk.hub.")]
for name in names:
    importlib.import_module(name)
from kiosk.cli import main
assert main(["hub", "report", "--json", "--data", sys.argv[1]]) == 0
loaded = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
assert not loaded, loaded
print(" ".join(names))
"""


def test_hub_never_imports_qt(tmp_path):
    done = subprocess.run([sys.executable, "-c", NO_QT, str(tmp_path / "data")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for module in ("app", "cli", "dashboard", "enroll", "ingest", "report", "storage", "usb"):
        assert f"kiosk.hub.{module}" in done.stdout
