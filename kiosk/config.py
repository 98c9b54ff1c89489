"""Where things live: the data folder, the built-in lessons, assets and catalogs.

Every path the kiosk uses comes from here. The data folder is `--data DIR`, else the
`KIOSK_DATA` environment variable, else a folder beside a frozen executable when a file named
`portable.txt` sits there (portable mode on a USB stick), else the platform's user data folder.
Resources (lessons, assets, locales) sit beside the package in a checkout and inside the
PyInstaller bundle (`sys._MEIPASS`) when frozen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "kiosk-bdhvs"
DATABASE_NAME = "kiosk.sqlite3"


def resource_root() -> Path:
    """The folder holding lessons/, assets/ and locales/ (the repo root, or the frozen bundle).

    PyInstaller sets `sys._MEIPASS` (the `_internal` folder beside `kiosk.exe` / `kiosk` in the
    one-folder build of build/kiosk.spec); a frozen build without it keeps the resources in
    `_internal` or beside the executable.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    if getattr(sys, "frozen", False):
        beside = Path(sys.executable).resolve().parent
        return beside / "_internal" if (beside / "_internal").is_dir() else beside
    return Path(__file__).resolve().parent.parent


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The writable data folder, created if missing."""
    if override:
        path = Path(override)
    elif os.environ.get("KIOSK_DATA"):
        path = Path(os.environ["KIOSK_DATA"])
    elif getattr(sys, "frozen", False) and (Path(sys.executable).parent / "portable.txt").exists():
        path = Path(sys.executable).parent / "data"
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(data: Path) -> Path:
    return data / DATABASE_NAME


def builtin_lessons_dir() -> Path:
    return resource_root() / "lessons"


def languages_file() -> Path:
    return builtin_lessons_dir() / "languages.yaml"


def assets_dir() -> Path:
    return resource_root() / "assets"


def locales_dir() -> Path:
    return resource_root() / "locales"
