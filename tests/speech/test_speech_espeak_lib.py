"""The espeak-ng a frozen kiosk ships (kiosk.speech.espeak_lib), loaded by the real TTS worker.

The frozen build keeps libespeak-ng and its data in `<bundle>/espeak-ng/`; here a folder of
the same layout is made from the espeakng-loader wheel when it is installed (`make dist`
installs it) or else from the system's espeak-ng, and the real worker process is pointed at it
with KIOSK_ESPEAK_DIR: it must load that copy (seen in its memory map), list the Vietnamese
voice and render Vietnamese speech. Without the variable and unfrozen, nothing changes.
"""

from __future__ import annotations

import ctypes.util
import shutil
import sys
from pathlib import Path

import pytest

from kiosk import config
from kiosk.speech import espeak_lib
from kiosk.speech.cache import WavCache, wav_seconds
from kiosk.speech.engine import TtsEngine


def _system_espeak() -> tuple[Path, Path] | None:
    name = ctypes.util.find_library("espeak-ng")
    for folder in (Path("/usr/lib/x86_64-linux-gnu"), Path("/usr/lib/aarch64-linux-gnu"),
                   Path("/usr/lib")):
        library, data = folder / "libespeak-ng.so.1", folder / "espeak-ng-data"
        if name and library.is_file() and (data / "phontab").is_file():
            return library, data
    return None


def shipped_layout(folder: Path) -> Path:
    """A folder laid out like the frozen build's `espeak-ng/`."""
    try:
        import espeakng_loader
    except ImportError:
        found = _system_espeak()
        if found is None:
            pytest.skip("neither espeakng-loader nor a system espeak-ng is installed")
        library, data = found
    else:
        wheel = Path(espeakng_loader.__file__).parent
        library, data = wheel / "libespeak-ng.so.1", wheel / "espeak-ng-data"
    folder.mkdir()
    shutil.copy2(library, folder / "libespeak-ng.so.1")
    (folder / "espeak-ng-data").symlink_to(data, target_is_directory=True)
    return folder


def test_find_espeak_needs_the_library_and_the_data(tmp_path: Path) -> None:
    assert espeak_lib.find_espeak(tmp_path) is None
    (tmp_path / "espeak-ng-data").mkdir()
    (tmp_path / "espeak-ng-data" / "phontab").write_bytes(b"\0")
    assert espeak_lib.find_espeak(tmp_path) is None  # data without a library
    (tmp_path / "libespeak-ng.so.1").write_bytes(b"\0")
    assert espeak_lib.find_espeak(tmp_path) == (tmp_path / "libespeak-ng.so.1",
                                                tmp_path / "espeak-ng-data")


def test_the_system_espeak_is_used_outside_a_frozen_kiosk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(espeak_lib.ENV_DIR, raising=False)
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert espeak_lib.shipped_folder() is None
    assert espeak_lib.use_shipped_espeak() is None


def test_a_frozen_kiosk_looks_in_its_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(espeak_lib.ENV_DIR, raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert config.resource_root() == tmp_path
    assert espeak_lib.shipped_folder() == tmp_path / "espeak-ng"
    # An incomplete bundle is reported and left to pyttsx3 (which then says what is missing).
    assert espeak_lib.use_shipped_espeak() is None


def test_the_worker_speaks_vietnamese_with_the_shipped_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = shipped_layout(tmp_path / "espeak-ng")
    monkeypatch.setenv(espeak_lib.ENV_DIR, str(shipped))  # inherited by the spawned worker
    engine = TtsEngine(WavCache(tmp_path / "cache"))
    try:
        status = engine.wait_ready(60)
        assert status.state == "ready", status.error
        assert status.library == str(shipped / "libespeak-ng.so.1")
        maps = Path(f"/proc/{status.worker_pid}/maps").read_text()
        loaded = {line.split()[-1] for line in maps.splitlines() if "libespeak-ng" in line}
        assert loaded == {str(shipped / "libespeak-ng.so.1")}  # not the system's as well
        wav = engine.render("Xin chào bà con, hôm nay học cài VNeID.", "vi", 150, 60)
    finally:
        engine.close()
    seconds = wav_seconds(wav)
    assert seconds is not None and 1.5 < seconds < 10
