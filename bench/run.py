"""`make bench`: runs every benchmark of bench/ and prints one table (README keeps the latest).

`KIOSK_BENCH_BUNDLE_MB` sets the size of the bundle the install benchmark packs (300 MB by
default); `KIOSK_BENCH_TMP` the folder its temporary files go to.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bundle_install  # noqa: E402
import frozen_startup  # noqa: E402
import hub_push  # noqa: E402
import memory  # noqa: E402
import next_step  # noqa: E402
import speech  # noqa: E402
import startup  # noqa: E402
import sync_push  # noqa: E402
from common import print_table  # noqa: E402

BENCHMARKS = [startup, next_step, memory, speech, bundle_install, hub_push, sync_push]


def main() -> int:
    rows = []
    benchmarks = list(BENCHMARKS)
    if frozen_startup.available():  # only after `make dist`
        benchmarks.append(frozen_startup)
    else:
        print(frozen_startup.SKIP_NOTE)
    for bench in benchmarks:
        rows.extend(bench.measure())
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
