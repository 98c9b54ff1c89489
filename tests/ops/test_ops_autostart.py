"""Start on boot: the systemd user unit, the XDG autostart fallback, and their removal."""

from __future__ import annotations

import shlex
import sys

import pytest

from kiosk.ops import autostart
from tests.ops.conftest import kiosk


@pytest.fixture
def config_home(tmp_path, monkeypatch):
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_unit_runs_the_supervisor_in_kiosk_mode(tmp_path):
    command = autostart.supervise_command(tmp_path / "my data", ["--lang", "km"])
    text = autostart.unit_text(command)
    assert f'ExecStart="{sys.executable}" "-m" "kiosk" "supervise" "--lang" "km" "--data" ' \
           f'"{(tmp_path / "my data").resolve()}"' in text
    assert "Restart=on-abnormal" in text and "WantedBy=graphical-session.target" in text
    assert "--windowed" not in text


def test_xdg_autostart_file_when_systemd_is_not_there(config_home, tmp_path):
    outcome = autostart.install(tmp_path / "data", use_systemd=False)
    assert outcome.method == "xdg-autostart"
    desktop = config_home / "autostart" / autostart.DESKTOP_NAME
    entry = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    assert entry["Type"] == "Application"
    exec_args = shlex.split(entry["Exec"])
    assert exec_args[-4:] == ["kiosk", "supervise", "--data", str((tmp_path / "data").resolve())]
    removed = autostart.uninstall()
    assert removed.files == [desktop] and not desktop.exists()
    assert autostart.uninstall().method == "none"


def test_command_line_install_and_uninstall(config_home, tmp_path, monkeypatch):
    env = {"XDG_CONFIG_HOME": str(config_home), "PATH": "/nonexistent",
           "HOME": str(tmp_path)}  # no systemctl on PATH: the XDG file is the way
    result = kiosk("install-autostart", "--data", str(tmp_path / "data"), env=env)
    assert result.returncode == 0, result.stderr
    assert "autostart file" in result.stdout
    assert (config_home / "autostart" / autostart.DESKTOP_NAME).exists()
    result = kiosk("uninstall-autostart", "--data", str(tmp_path / "data"), env=env)
    assert result.returncode == 0 and "removed" in result.stdout
    assert not (config_home / "autostart" / autostart.DESKTOP_NAME).exists()
