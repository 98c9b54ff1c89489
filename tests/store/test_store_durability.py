"""A finished step is on disk the moment complete_step returns, even if the process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.store import open_store

REPO_ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from kiosk.store import open_store

    store = open_store(Path(sys.argv[1]))
    guest = store.guest().id
    store.start_lesson(guest, "pay-qr", 1, 4)
    store.complete_step(guest, "pay-qr", 1, "scan", 0, 4)
    store.complete_step(guest, "pay-qr", 1, "confirm", 1, 4)
    # Die at once: no close(), no checkpoint, no interpreter clean-up.
    if sys.argv[2] == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(3)
    """
)


@pytest.mark.parametrize(
    "how",
    [
        "exit",
        pytest.param(
            "sigkill",
            marks=pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL"),
        ),
    ],
)
def test_completed_step_survives_a_killed_process(db_path: Path, how: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), how],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    expected = -signal.SIGKILL if how == "sigkill" else 3
    assert result.returncode == expected, result.stderr
    with open_store(db_path) as store:
        guest = store.guest().id
        progress = store.lesson_progress(guest)["pay-qr"]
        assert (progress.steps_done, progress.current_step) == (2, 2)
        assert store.resume_step(guest, "pay-qr") == 2
        assert [e.type for e in store.pending_events()] == [
            "lesson_started",
            "step_completed",
            "step_completed",
        ]
