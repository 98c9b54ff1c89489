"""The background worker: syncs on its own thread, backs off after failures, comes back."""

from __future__ import annotations

import queue
import random
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.sync.enroll import enroll_online
from kiosk.sync.worker import SyncWorker, backoff_delay
from tests.sync.conftest import QUICK, add_events, hub_event_count, new_code
from tests.sync.faultproxy import FaultProxy

WAIT = 60  # seconds: a generous limit for something that normally takes milliseconds


def test_backoff_grows_with_failures_within_jittered_bounds() -> None:
    rng = random.Random(5)
    for failures, ceiling in ((1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (50, 3600)):
        delays = [backoff_delay(failures, 30, 3600, rng) for _ in range(200)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 100  # jitter: kiosks that failed together spread out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _next(results: queue.Queue, want_error: bool):
    while True:
        report, error, thread = results.get(timeout=WAIT)
        assert thread == "kiosk-sync"
        if (error is not None) == want_error:
            return report, error


def test_the_worker_retries_until_the_hub_answers_then_keeps_syncing(
        hub, data_dir: Path, kiosk_store) -> None:
    hub_address = ("127.0.0.1", int(hub.base_url.rsplit(":", 1)[1]))
    proxy = FaultProxy(hub_address)
    enroll_online(kiosk_store, data_dir, proxy.url, new_code(hub), retry=QUICK)
    ids = add_events(kiosk_store, 40)
    proxy.retarget(("127.0.0.1", _free_port()))  # the network is gone
    results: queue.Queue = queue.Queue()

    def on_result(report, error) -> None:
        results.put((report, error, threading.current_thread().name))

    worker = SyncWorker(data_dir, interval=0.05, first_delay=0, backoff_base=0.01,
                        backoff_cap=0.05, retry=QUICK, on_result=on_result)
    worker.start()
    try:
        _report, error = _next(results, want_error=True)
        assert "cannot be reached" in error.user_message
        _report, error = _next(results, want_error=True)  # it rescheduled itself
        state = kiosk_store.sync_state()
        assert state.failures >= 2 and state.next_attempt and state.last_error
        assert kiosk_store.outbox_counts() == (len(ids), 0)

        proxy.retarget(hub_address)  # the network is back
        report, _error = _next(results, want_error=False)
        while kiosk_store.outbox_counts()[0]:
            report, _error = _next(results, want_error=False)
        assert kiosk_store.outbox_counts() == (0, len(ids))
        assert kiosk_store.sync_state().failures == 0

        more = add_events(kiosk_store, 5, lesson="fraud-calls")
        worker.wake()
        while kiosk_store.outbox_counts()[0]:
            _next(results, want_error=False)
        assert hub_event_count(hub.engine) == len(ids) + len(more)
    finally:
        worker.stop()
        proxy.close()
    assert not worker.running


def test_two_passes_never_overlap(data_dir: Path, kiosk_store) -> None:
    from kiosk.bundles.fsutil import folder_lock
    from kiosk.sync.engine import LOCK_FILE, sync_once
    from kiosk.sync.errors import SyncBusyError

    with folder_lock(data_dir / LOCK_FILE) as locked:
        assert locked
        with pytest.raises(SyncBusyError):
            sync_once(data_dir, store=kiosk_store)
    assert kiosk_store.sync_state().last_attempt is None  # the refused pass changed nothing


_PASS_WITHOUT_HUB = """
import sys
from pathlib import Path

from kiosk import config
from kiosk.store import open_store
from kiosk.sync.status import sync_status
from kiosk.sync.worker import SyncWorker

data = Path(sys.argv[1])
assert sync_status(data)["enrolled"] is False
store = open_store(config.database_path(data))
assert SyncWorker(data, interval=123.0)._one_pass(store) == 123.0  # looks again later
store.close()
print(" ".join(m for m in ("httpx", "kiosk.sync.client", "kiosk.sync.engine") if m in sys.modules))
"""


def test_a_kiosk_without_a_hub_never_loads_the_network_code(data_dir: Path, kiosk_store) -> None:
    # DESIGN §10 memory: httpx and the engine cost ~7 MB resident; only a kiosk with a hub pays.
    result = subprocess.run([sys.executable, "-c", _PASS_WITHOUT_HUB, str(data_dir)],
                            cwd=Path(__file__).resolve().parents[2], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
