"""Start on boot: `kiosk install-autostart` and `kiosk uninstall-autostart`.

What starts is always the supervisor (`kiosk supervise`, kiosk mode, with the data folder and
options given at install time), so a crash restarts the UI and is logged.

- Linux: a systemd user unit `~/.config/systemd/user/kiosk-bdhvs.service`, wanted by
  `graphical-session.target` and enabled with `systemctl --user enable`. systemd restarts the
  supervisor itself only if it is killed (`Restart=on-abnormal`): when the supervisor gives up
  after too many crashes it exits 1 and stays stopped, so the technician sees the message.
  Where `systemctl --user` does not work (no systemd, or a desktop that never starts
  graphical-session.target), the XDG autostart file `~/.config/autostart/kiosk-bdhvs.desktop`
  is written instead; every common desktop (LXDE, Xfce, MATE, GNOME, KDE) reads it at login.
  Either way the PC must log the kiosk user in by itself (automatic login in the display
  manager): the README says how.
- Windows: a scheduled task "Kiosk BDHVS" that runs at log-on (`schtasks /Create /SC ONLOGON`);
  if that is refused, a shortcut in the user's Startup folder (made by PowerShell's
  WScript.Shell). This code path is written but was not run on Windows.

Every function returns an `Outcome` with what was done in plain words; failures of the tools
raise `AutostartError` with the reason.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.ops.supervisor import kiosk_command

log = logging.getLogger(__name__)

UNIT_NAME = "kiosk-bdhvs.service"
DESKTOP_NAME = "kiosk-bdhvs.desktop"
TASK_NAME = "Kiosk BDHVS"
SHORTCUT_NAME = "Kiosk BDHVS.lnk"
TOOL_TIMEOUT_S = 30


class AutostartError(KioskError):
    """Start on boot could not be set up or removed; the message says why."""


@dataclass
class Outcome:
    method: str  # "systemd", "xdg-autostart", "scheduled-task", "startup-folder", "none"
    files: list[Path] = field(default_factory=list)
    message: str = ""


def _config_home() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME")
    return Path(value) if value else Path.home() / ".config"


def unit_path() -> Path:
    return _config_home() / "systemd" / "user" / UNIT_NAME


def desktop_path() -> Path:
    return _config_home() / "autostart" / DESKTOP_NAME


def supervise_command(data_dir: Path, options: Sequence[str] = ()) -> list[str]:
    """The command that starts the kiosk on boot: the supervisor in kiosk mode."""
    return kiosk_command(["supervise", *options, "--data", str(Path(data_dir).resolve())])


def unit_text(command: Sequence[str]) -> str:
    # systemd quoting: each argument in double quotes, with \ and " escaped.
    exec_start = " ".join('"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for a in command)
    return (
        "[Unit]\n"
        "Description=Digital-literacy kiosk (Binh dan hoc vu so)\n"
        "After=graphical-session.target\n"
        "PartOf=graphical-session.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={exec_start}\n"
        "Restart=on-abnormal\n"
        "RestartSec=5\n"
        "\n"
        "[Install]\n"
        "WantedBy=graphical-session.target\n"
    )


def _desktop_quote(arg: str) -> str:
    # Desktop Entry Exec quoting: double quotes around arguments with reserved characters.
    if arg and all(c.isalnum() or c in "-_./=:,+@" for c in arg):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'.replace("%", "%%")


def desktop_text(command: Sequence[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Kiosk BDHVS\n"
        "Comment=Digital-literacy kiosk, started at log-in\n"
        f"Exec={' '.join(_desktop_quote(a) for a in command)}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def _run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
                          check=False)


def _systemctl_user_works() -> bool:
    if shutil.which("systemctl") is None:
        return False
    try:
        result = _run(["systemctl", "--user", "show-environment"])
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def install(
    data_dir: Path, options: Sequence[str] = (), use_systemd: bool | None = None
) -> Outcome:
    """Make the kiosk start at log-on, in kiosk mode under its supervisor."""
    command = supervise_command(data_dir, options)
    if sys.platform == "win32":
        return _install_windows(command)
    if use_systemd is None:
        use_systemd = _systemctl_user_works()
    if use_systemd:
        path = unit_path()
        _write(path, unit_text(command))
        for args in (["daemon-reload"], ["enable", UNIT_NAME]):
            result = _run(["systemctl", "--user", *args])
            if result.returncode != 0:
                raise AutostartError(
                    f"systemctl --user {' '.join(args)} failed: "
                    f"{(result.stderr or result.stdout).strip()}"
                )
        # An older XDG file would start a second kiosk.
        desktop_path().unlink(missing_ok=True)
        log.info("autostart installed as systemd user unit %s", path)
        return Outcome("systemd", [path], f"systemd user unit {path} enabled; the kiosk starts "
                                          "with the graphical session")
    path = desktop_path()
    _write(path, desktop_text(command))
    log.info("autostart installed as XDG autostart file %s", path)
    return Outcome("xdg-autostart", [path], f"autostart file {path} written (systemd user "
                                            "session not available); the kiosk starts at log-in")


def uninstall() -> Outcome:
    """Stop starting the kiosk at log-on (whatever way it was installed)."""
    if sys.platform == "win32":
        return _uninstall_windows()
    removed: list[Path] = []
    unit = unit_path()
    if unit.exists():
        if _systemctl_user_works():
            _run(["systemctl", "--user", "disable", UNIT_NAME])
        unit.unlink()
        removed.append(unit)
        if _systemctl_user_works():
            _run(["systemctl", "--user", "daemon-reload"])
    desktop = desktop_path()
    if desktop.exists():
        desktop.unlink()
        removed.append(desktop)
    if not removed:
        return Outcome("none", [], "the kiosk was not set to start at log-in; nothing to remove")
    log.info("autostart removed: %s", ", ".join(map(str, removed)))
    return Outcome("removed", removed, "removed " + ", ".join(map(str, removed)))


# -- Windows (written for Windows; not run here) ---------------------------------------------


def _startup_folder() -> Path:
    appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    return Path(appdata) / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup"


def _install_windows(command: Sequence[str]) -> Outcome:
    task_line = subprocess.list2cmdline(list(command))
    result = _run(["schtasks", "/Create", "/TN", TASK_NAME, "/TR", task_line, "/SC", "ONLOGON",
                   "/RL", "LIMITED", "/F"])
    if result.returncode == 0:
        return Outcome("scheduled-task", [], f"scheduled task '{TASK_NAME}' runs the kiosk at "
                                             "log-on")
    log.warning("schtasks refused (%s); using the Startup folder",
                (result.stderr or result.stdout).strip())
    shortcut = _startup_folder() / SHORTCUT_NAME
    target, arguments = command[0], subprocess.list2cmdline(list(command[1:]))

    def ps(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    script = (
        "$s = (New-Object -ComObject WScript.Shell).CreateShortcut(" + ps(str(shortcut)) + ");"
        f"$s.TargetPath = {ps(target)}; $s.Arguments = {ps(arguments)};"
        f"$s.WorkingDirectory = {ps(str(Path(target).parent))}; $s.Save()"
    )
    made = _run(["powershell", "-NoProfile", "-NonInteractive", "-Command", script])
    if made.returncode != 0 or not shortcut.exists():
        raise AutostartError("neither a scheduled task nor a Startup shortcut could be made: "
                             + (made.stderr or made.stdout).strip())
    return Outcome("startup-folder", [shortcut], f"shortcut {shortcut} starts the kiosk at log-on")


def _uninstall_windows() -> Outcome:
    removed: list[Path] = []
    result = _run(["schtasks", "/Delete", "/TN", TASK_NAME, "/F"])
    shortcut = _startup_folder() / SHORTCUT_NAME
    if shortcut.exists():
        shortcut.unlink()
        removed.append(shortcut)
    if result.returncode != 0 and not removed:
        return Outcome("none", [], "the kiosk was not set to start at log-on; nothing to remove")
    return Outcome("removed", removed, "the kiosk no longer starts at log-on")
