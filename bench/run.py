"""`make bench`: runs every benchmark of bench/ and prints one table (README keeps the latest)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import startup  # noqa: E402
from common import print_table  # noqa: E402

BENCHMARKS = [startup]


def main() -> int:
    rows = []
    for bench in BENCHMARKS:
        rows.extend(bench.measure())
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
