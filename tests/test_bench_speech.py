"""`bench/speech.py --json --quick` runs for real and reports its rows (figures never asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"name", "value", "unit", "reference", "reference_name", "budget"}
MEASURED = ("TTS synthesis", "recorded hmn OGG", "cached TTS", "fresh TTS")


def test_speech_benchmark_reports_every_row_with_its_reference(tmp_path: Path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_BENCH_TMP=str(tmp_path))
    env.pop("KIOSK_SPEECH_LOG", None)
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "speech.py"), "--json", "--quick"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    assert lines, done.stderr[-2000:]
    rows = json.loads(lines[-1])
    assert all(set(row) == FIELDS for row in rows)
    for what in MEASURED:
        mine = [row for row in rows if what in row["name"]]
        assert [("median" in r["name"], "p95" in r["name"]) for r in mine] == [
            (True, False), (False, True)], what
        for row in mine:
            assert row["unit"] == "ms" and row["value"] > 0 and row["reference"] > 0, row
    assert list(tmp_path.iterdir()) == []  # the temporary cache is gone
