"""Shared pieces of the benchmark suite: a result row, timing a command, the table.

Every figure is reported next to a reference measured in the same run on the same machine
(e.g. our start-up against a bare PySide6 window), so the ratio means something on an old
cultural-house PC and on a fast laptop alike. Benchmarks never assert; they print.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    name: str
    value: float
    unit: str
    reference: float | None = None  # the same-run reference figure, same unit
    reference_name: str = ""
    budget: str = ""

    @property
    def ratio(self) -> str:
        if not self.reference:
            return "—"
        return f"{self.value / self.reference:.2f}×"


def offscreen_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("KIOSK_SPEECH_LOG", None)
    env.update(extra)
    return env


def run_timed(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall time of a whole process in ms, and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


class ReadyTimer:
    """Times `kiosk run --exit-when-ready ...` (whole process, ms) and keeps the `ready in N ms`
    each run printed, the kiosk's own count from its process start."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command, self.env = command, env
        self.printed: list[float] = []

    def __call__(self) -> float:
        elapsed, out = run_timed(self.command, self.env)
        found = re.search(r"ready in (\d+) ms", out)
        if found:
            self.printed.append(float(found.group(1)))
        return elapsed

    def printed_median(self) -> float | None:
        return statistics.median_high(self.printed) if self.printed else None


def python() -> str:
    return sys.executable


def print_table(rows: list[Row]) -> None:
    header = ("what", "kiosk", "reference", "ratio", "budget")
    lines = [header]
    for row in rows:
        ref = f"{row.reference:.1f} {row.unit} ({row.reference_name})" if row.reference else "—"
        lines.append((row.name, f"{row.value:.1f} {row.unit}", ref, row.ratio, row.budget))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for index, line in enumerate(lines):
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
