"""The frozen kiosk (dist/kiosk from `make dist`): start-up against the same code run from the
virtual environment, and the size of the folder.

Start-up is `kiosk run --exit-when-ready --windowed`, whole process wall time, median of 5,
both on one warmed data folder and in the same environment; the ratio is frozen / venv. The
folder size is every file's bytes (`du -sb`), against the 200 MB budget of DESIGN §10.
bench/run.py lists this benchmark only when dist/kiosk exists (`available()`).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import ROOT, ReadyTimer, Row, median_of, offscreen_env, python, run_timed

RUNS = 5
DIST = ROOT / "dist" / "kiosk"
EXE = DIST / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
SKIP_NOTE = "frozen start-up: skipped, no dist/kiosk (run `make dist` first)"


def available() -> bool:
    return EXE.is_file()


def folder_bytes(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if not path.is_dir())


def measure() -> list[Row]:
    env = offscreen_env()
    args = ["run", "--exit-when-ready", "--windowed", "--data"]
    with tempfile.TemporaryDirectory() as data:
        frozen = [str(EXE), *args, data]
        venv = [python(), "-m", "kiosk", *args, data]
        run_timed(venv, env)  # the first run fills the content cache; warms the file cache
        run_timed(frozen, env)
        frozen_timer = ReadyTimer(frozen, env)
        frozen_ms = median_of(RUNS, frozen_timer)
        venv_ms = median_of(RUNS, lambda: run_timed(venv, env)[0])
    rows = [
        Row("frozen app start-up to usable home (median of 5)", frozen_ms, "ms", venv_ms,
            "same code from the venv", "< 400 ms"),
        Row("frozen app folder dist/kiosk", folder_bytes(DIST) / 1e6, "MB", None, "",
            "< 200 MB"),
    ]
    printed = frozen_timer.printed_median()
    if printed is not None:
        rows.insert(1, Row("frozen start-up as printed by --exit-when-ready (median)", printed,
                           "ms", None, "", "< 400 ms"))
    return rows


if __name__ == "__main__":
    from common import print_table

    if not available():
        print(SKIP_NOTE)
        sys.exit(0)
    print_table(measure())
