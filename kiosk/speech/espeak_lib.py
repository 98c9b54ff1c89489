"""Which espeak-ng the TTS worker uses: the system's, or the copy shipped with the frozen kiosk.

pyttsx3's espeak driver loads `libespeak-ng.so.1` by name through ctypes and lets espeak-ng
find its voice data in the compiled-in folder. A PC without espeak-ng installed has neither,
so the PyInstaller build carries both (from the `espeakng-loader` wheel) in
`<bundle>/espeak-ng/`: the library beside an `espeak-ng-data` folder. Before pyttsx3 is
imported, `use_shipped_espeak()` loads that library by its full path, which makes the dynamic
loader hand the same copy to pyttsx3's load by name (the library's soname), and points
`ESPEAK_DATA_PATH` at the shipped data. It acts only in a frozen kiosk, or when the
`KIOSK_ESPEAK_DIR` environment variable names such a folder (tests, or a technician trying a
newer espeak-ng); a kiosk run from a checkout keeps using the system espeak-ng.
On Windows pyttsx3 speaks through SAPI5 instead, so nothing is shipped or loaded there.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from pathlib import Path

from kiosk import config

log = logging.getLogger(__name__)

ENV_DIR = "KIOSK_ESPEAK_DIR"
BUNDLE_FOLDER = "espeak-ng"
DATA_FOLDER = "espeak-ng-data"
# The names the library has in the espeakng-loader wheel, the soname first.
LIBRARY_NAMES = ("libespeak-ng.so.1", "libespeak-ng.so", "libespeak-ng.1.dylib",
                 "libespeak-ng.dylib", "espeak-ng.dll", "libespeak-ng.dll")


def find_espeak(folder: Path) -> tuple[Path, Path] | None:
    """(library, data folder) of an espeak-ng kept in `folder`, or None if it is incomplete."""
    data = folder / DATA_FOLDER
    if not (data / "phontab").is_file():
        return None
    for name in LIBRARY_NAMES:
        library = folder / name
        if library.is_file():
            return library, data
    return None


def shipped_folder() -> Path | None:
    """The folder to take espeak-ng from, or None to use the system's (see the docstring)."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    if getattr(sys, "frozen", False):
        return config.resource_root() / BUNDLE_FOLDER
    return None


def use_shipped_espeak() -> Path | None:
    """Load the shipped espeak-ng for pyttsx3 (call before importing pyttsx3's driver).

    Returns the library now in use, or None when the system's is used. A missing or broken
    shipped copy is logged and left to pyttsx3, which then fails with its own message.
    """
    folder = shipped_folder()
    if folder is None:
        return None
    found = find_espeak(folder)
    if found is None:
        log.warning("no espeak-ng library and voice data in %s", folder)
        return None
    library, data = found
    os.environ["ESPEAK_DATA_PATH"] = str(data)
    try:
        ctypes.CDLL(str(library), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
    except OSError as error:
        log.warning("could not load %s: %s", library, error)
        return None
    return library
