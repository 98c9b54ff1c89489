"""Bundle install speed: `install_bundle` of a large bundle against `sha256sum` + `cp` of it.

A bundle of incompressible files (300 MB by default; `KIOSK_BENCH_BUNDLE_MB` shrinks it) is
packed in a temporary folder with a fresh key. The kiosk's install (check signature, stream
each file into staging while hashing it, fsync, rename, one transaction) is timed against the
one-pass reference of DESIGN.md §10: `sha256sum` of the bundle file then `cp` of it, with and
without a final `sync` (the install makes its files durable; plain `cp` leaves them in the
page cache), and with `openssl dgst -sha256` in place of `sha256sum` where coreutils hashes
more slowly than OpenSSL. Figures are throughput in MB/s, so the ratio reads "kiosk speed /
reference speed" (budget ≥ 1.0×). Median of 3, page cache warm for all.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Row

sys.path.insert(0, str(ROOT))

RUNS = 3
FILE_MB = 10


def _build(work: Path, size_mb: int) -> tuple[Path, object]:
    from kiosk.bundles.keys import TrustStore, generate_keypair, read_secret_key
    from kiosk.bundles.pack import pack_bundle

    lesson = work / "src" / "qr-payment"
    shutil.copytree(ROOT / "lessons" / "qr-payment", lesson)
    (lesson / "media").mkdir()
    remaining = size_mb
    index = 0
    while remaining > 0:
        chunk = min(FILE_MB, remaining)
        # .ogg: already-compressed media is stored in the zip, as real narration would be.
        (lesson / "media" / f"clip-{index:03}.ogg").write_bytes(os.urandom(chunk << 20))
        remaining -= chunk
        index += 1
    generate_keypair(work / "key", "bench")
    bundle = pack_bundle(lesson, work / "bench.kbundle", read_secret_key(work / "key.key"),
                         version=1).path
    trust = TrustStore.load(None, work / "trusted")
    trust.add(work / "key.pub")
    shutil.rmtree(work / "src")  # only the bundle stays, so the page cache holds just it
    return bundle, trust


def _install_once(work: Path, bundle: Path, trust: object, run: int) -> float:
    from kiosk.bundles.install import install_bundle

    data = work / f"data{run}"
    data.mkdir()
    start = time.perf_counter()
    install_bundle(bundle, data, trust=trust)
    elapsed = time.perf_counter() - start
    shutil.rmtree(data)
    return elapsed


def _reference_once(work: Path, bundle: Path, sync: bool, run: int,
                    hasher: str = "sha256sum") -> float:
    target = work / f"copy{run}"
    target.mkdir()
    script = f'{hasher} "{bundle}" > /dev/null && cp "{bundle}" "{target}/"'
    if sync:
        script += f' && sync -f "{target}"'
    start = time.perf_counter()
    subprocess.run(["sh", "-c", script], check=True)
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


def measure() -> list[Row]:
    size_mb = int(os.environ.get("KIOSK_BENCH_BUNDLE_MB", "300"))
    if not shutil.which("sha256sum") or not shutil.which("cp"):
        return []
    with tempfile.TemporaryDirectory(dir=os.environ.get("KIOSK_BENCH_TMP")) as folder:
        work = Path(folder)
        bundle, trust = _build(work, size_mb)
        megabytes = bundle.stat().st_size / (1 << 20)
        _reference_once(work, bundle, False, -1)  # warm the page cache for everyone
        openssl = "openssl dgst -sha256" if shutil.which("openssl") else None
        installs, plain, synced, fast = [], [], [], []
        for run in range(RUNS):
            installs.append(_install_once(work, bundle, trust, run))
            plain.append(_reference_once(work, bundle, False, run))
            synced.append(_reference_once(work, bundle, True, run))
            if openssl:
                fast.append(_reference_once(work, bundle, True, run, openssl))
    speed = megabytes / statistics.median(installs)
    # coreutils sha256sum may lack the CPU's SHA instructions that OpenSSL (and so Python's
    # hashlib) uses; the OpenSSL row shows the ratio against the fastest hash on this machine.
    extra = [Row("bundle install vs OpenSSL hash + durable copy", speed, "MB/s",
                 megabytes / statistics.median(fast), "openssl dgst + cp + sync", "—")
             ] if fast else []
    return [
        Row(f"bundle install, {megabytes:.0f} MB (throughput, median of {RUNS})", speed, "MB/s",
            megabytes / statistics.median(plain), "sha256sum + cp", "≥ 1.0× (DESIGN), ≥ 0.6×"),
        Row("bundle install vs durable copy", speed, "MB/s",
            megabytes / statistics.median(synced), "sha256sum + cp + sync", "≥ 1.0×"),
        *extra,
    ]


if __name__ == "__main__":
    from common import print_table

    print_table(measure())
