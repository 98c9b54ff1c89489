"""Cold start to a usable home screen: `kiosk run --exit-when-ready`, whole process, median
of 5, against the bare PySide6 window measured the same way in the same run."""

from __future__ import annotations

import tempfile

from common import ROOT, ReadyTimer, Row, median_of, offscreen_env, python, run_timed

RUNS = 5


def measure() -> list[Row]:
    env = offscreen_env()
    bare = [python(), str(ROOT / "bench" / "bare_window.py")]
    run_timed(bare, env)  # warm the file cache for both, so neither pays for the first read
    with tempfile.TemporaryDirectory() as data:
        kiosk = [python(), "-m", "kiosk", "run", "--exit-when-ready", "--windowed", "--data", data]
        run_timed(kiosk, env)
        kiosk_timer = ReadyTimer(kiosk, env)
        kiosk_ms = median_of(RUNS, kiosk_timer)
    bare_ms = median_of(RUNS, lambda: run_timed(bare, env)[0])
    rows = [
        Row("start-up to usable home (process wall time, median of 5)", kiosk_ms, "ms",
            bare_ms, "bare PySide6 window", "< 400 ms, ≤ 5× floor"),
    ]
    printed = kiosk_timer.printed_median()
    if printed is not None:
        rows.append(Row("start-up as printed by --exit-when-ready (median)", printed, "ms", None,
                        "", "< 400 ms"))
    return rows
