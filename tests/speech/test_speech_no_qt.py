"""Only kiosk.speech.playback may import Qt (STYLE practice 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NON_QT = ["cache", "cli", "diagnostics", "engine", "errors", "espeak_lib", "lexicon",
          "sentences", "sources", "speechlog", "tts_worker"]


def test_non_qt_speech_modules_import_without_pyside6():
    script = (
        "import sys\n"
        "sys.modules['PySide6'] = None  # any import of PySide6 now fails\n"
        "import importlib\n"
        f"for name in {NON_QT!r}:\n"
        "    importlib.import_module('kiosk.speech.' + name)\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6.')]\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_every_speech_module_is_listed_here():
    modules = {p.stem for p in (REPO / "kiosk" / "speech").glob("*.py")} - {"__init__"}
    assert modules == set(NON_QT) | {"playback"}
