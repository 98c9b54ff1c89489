"""Interrupted installs: the stick pulled mid-copy, a first install killed, Ctrl+C on a terminal.

The kill tests of test_bundles_install start from an installed version; here the very first
install of a bundle is killed, and the next start of the kiosk (`kiosk run`, the real start-up
path) must clean what it left. On a terminal `kiosk bundle install` shows its progress on
stderr and Ctrl+C cancels it with nothing changed (a real pseudo-terminal and SIGINT).
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bundles import errors as E
from kiosk.bundles.install import install_bundle, list_bundles
from tests.bundles.bundlekit import (
    REPO,
    BundleKit,
    kill_install_at,
    snapshot,
    start_paused_install,
)


def test_stick_pulled_while_installing(data: Path, kit: BundleKit) -> None:
    install_bundle(kit.pack(1), data)
    bundle = kit.pack(2, extra={"extra/big.bin": os.urandom(10 << 20)})
    before = snapshot(data)

    def pull_stick(done: int, total: int) -> None:
        if 0 < done < total:
            os.truncate(bundle, bundle.stat().st_size // 3)  # the rest of the file is gone

    with pytest.raises(E.DamagedBundleError) as caught:
        install_bundle(bundle, data, progress=pull_stick)
    assert "USB stick" in caught.value.user_message
    assert snapshot(data) == before


@pytest.mark.parametrize(("point", "leftover"), [("before-rename", "staging"),
                                                 ("before-commit", "bundles/qr-payment/1")])
def test_killed_first_install_is_cleaned_at_next_start(data: Path, kit: BundleKit, point: str,
                                                       leftover: str) -> None:
    kill_install_at(kit.pack(1), data, point, leftover)
    assert list_bundles(data) == []  # the database never saw the half-made install
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DATA=str(data))
    done = subprocess.run([sys.executable, "-m", "kiosk", "run", "--exit-when-ready"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert not (data / "staging").exists() and not (data / "bundles").exists()


def _read_until(fd: int, wanted: str, seen: list[str]) -> None:
    while wanted not in "".join(seen):
        ready, _w, _x = select.select([fd], [], [], 60)
        assert ready, f"never saw {wanted!r}; saw {''.join(seen)!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            chunk = b""
        assert chunk, f"never saw {wanted!r}; saw {''.join(seen)!r}"
        seen.append(chunk.decode("utf-8", "replace"))


def test_terminal_shows_progress_and_ctrl_c_cancels(data: Path, kit: BundleKit) -> None:
    install_bundle(kit.pack(1), data)
    bundle = kit.pack(2)
    before = snapshot(data)
    main, child = pty.openpty()
    # A background shell may have started us with SIGINT ignored; a terminal user's has not.
    process = start_paused_install(bundle, data, "before-rename", stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=child,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                    signal.SIG_DFL))
    os.close(child)
    seen: list[str] = []
    try:
        _read_until(main, "kiosk-test: paused", seen)
        process.send_signal(signal.SIGINT)  # what Ctrl+C sends
        # Read the terminal before waiting: a child blocked writing to a full terminal would
        # never exit while the test waits for it.
        _read_until(main, "nothing was changed", seen)
        assert process.wait(timeout=30) == 1
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        os.close(main)
    text = "".join(seen)
    assert f"installing {bundle.name}: 0%" in text and f"installing {bundle.name}: 100%" in text
    assert "kiosk: the install was cancelled; nothing was changed" in text
    assert snapshot(data) == before
