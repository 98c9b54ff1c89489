"""Pushing the outbox to the real hub through a network that breaks: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk import config
from kiosk.store import open_store
from kiosk.sync.engine import sync_once
from kiosk.sync.enroll import enroll_online
from kiosk.sync.errors import HubRefusedError, HubUnreachableError
from tests.hub.hubkit import REPO, ProcessHub, ThreadHub
from tests.sync.conftest import QUICK, add_events, hub_event_count, hub_event_ids, new_code
from tests.sync.faultproxy import FaultProxy


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _enroll_behind(proxy: FaultProxy, hub, store, data_dir: Path) -> None:
    enroll_online(store, data_dir, proxy.url, new_code(hub), retry=QUICK)


def test_every_event_arrives_exactly_once_through_cut_connections(
        hub_db: str, hub_bundles: Path, data_dir: Path, kiosk_store) -> None:
    with ThreadHub(hub_db, hub_bundles) as hub:
        proxy = FaultProxy(("127.0.0.1", _port(hub.base_url)))
        try:
            _enroll_behind(proxy, hub, kiosk_store, data_dir)
            ids = add_events(kiosk_store, 230)
            # Torn requests and answers lost after the hub committed, one after another.
            for kind in ("cut_request", "drop_response", "cut_request", "drop_response",
                         "drop_response"):
                proxy.add(kind)
            report = sync_once(data_dir, store=kiosk_store, retry=QUICK, batch_size=50)
            assert proxy.pending_faults == 0 and proxy.fired == 5
            assert report.acked == len(ids) and report.duplicates >= 1
            assert kiosk_store.outbox_counts() == (0, len(ids))
            assert hub_event_count(hub.engine) == len(ids)
            assert sorted(hub_event_ids(hub.engine)) == sorted(ids)
            # Some batches were sent more than once; the hub still counts each event once.
            assert proxy.requests.count("POST /v1/events") == report.batches + 5
            state = kiosk_store.sync_state()
            assert state.last_success and state.last_error is None and state.failures == 0
            # Later events go too, and only they.
            more = add_events(kiosk_store, 7, lesson="fraud-calls")
            proxy.add("drop_response")
            again = sync_once(data_dir, store=kiosk_store, retry=QUICK)
            # The answer to the first attempt was lost: the retry finds them all stored.
            assert again.acked == len(more) and again.duplicates == len(more)
            assert hub_event_count(hub.engine) == len(ids) + len(more)
        finally:
            proxy.close()


def test_a_pass_that_keeps_failing_records_the_error_and_keeps_the_events(
        hub, data_dir: Path, kiosk_store) -> None:
    proxy = FaultProxy(("127.0.0.1", _port(hub.base_url)))
    try:
        _enroll_behind(proxy, hub, kiosk_store, data_dir)
        ids = add_events(kiosk_store, 20)
        for _ in range(QUICK.attempts):
            proxy.add("drop_response")
        with pytest.raises(HubUnreachableError):
            sync_once(data_dir, store=kiosk_store, retry=QUICK)
        state = kiosk_store.sync_state()
        assert state.failures == 1 and "cannot be reached" in state.last_error
        assert kiosk_store.outbox_counts() == (len(ids), 0)  # stored at the hub, not yet acked
        assert hub_event_count(hub.engine) == len(ids)
        report = sync_once(data_dir, store=kiosk_store, retry=QUICK)
        assert report.acked == len(ids) and report.duplicates == len(ids)
        assert kiosk_store.sync_state().failures == 0
        assert hub_event_count(hub.engine) == len(ids)
    finally:
        proxy.close()


def test_the_hub_killed_mid_batch_and_restarted(tmp_path: Path, data_dir: Path,
                                                 kiosk_store) -> None:
    db = f"sqlite:///{tmp_path / 'hub' / 'hub.sqlite3'}"
    first = ProcessHub(db, tmp_path / "hub")
    proxy = FaultProxy(("127.0.0.1", _port(first.base_url)))
    second = None
    try:
        from kiosk.hub.enroll import create_code
        from kiosk.hub.storage import open_engine

        engine = open_engine(db)
        enroll_online(kiosk_store, data_dir, proxy.url, create_code(engine, "Xã A"), retry=QUICK)
        ids = add_events(kiosk_store, 120)
        # The second batch reaches the hub, which is killed (SIGKILL) before it can answer.
        proxy.add("call", action=first.kill, skip=1)
        with pytest.raises(HubUnreachableError):
            sync_once(data_dir, store=kiosk_store, retry=QUICK, batch_size=50)
        assert proxy.fired == 1
        pending, acked = kiosk_store.outbox_counts()
        assert pending > 0 and pending + acked == len(ids)
        # The hub comes back (same database, another port); the next pass finishes the job.
        second = ProcessHub(db, tmp_path / "hub")
        proxy.retarget(("127.0.0.1", _port(second.base_url)))
        sync_once(data_dir, store=kiosk_store, retry=QUICK, batch_size=50)
        assert kiosk_store.outbox_counts() == (0, len(ids))
        assert hub_event_count(engine) == len(ids)
        assert sorted(hub_event_ids(engine)) == sorted(ids)
        engine.dispose()
    finally:
        proxy.close()
        first.stop()
        if second is not None:
            second.stop()


def test_one_batch_at_a_time_while_the_next_is_made_ready(
        hub_db: str, hub_bundles: Path, data_dir: Path, kiosk_store) -> None:
    """The kiosk signs the next batch while the hub works on one, but never sends it before
    the answer is in: the hub sees one batch at a time, in order."""
    with ThreadHub(hub_db, hub_bundles) as hub:
        proxy = FaultProxy(("127.0.0.1", _port(hub.base_url)))
        try:
            _enroll_behind(proxy, hub, kiosk_store, data_dir)
            ids = add_events(kiosk_store, 150)
            assert len(ids) == 150
            held = proxy.add("hold", skip=1)  # the answer to the second batch is kept back
            with ThreadPoolExecutor(1) as runner:
                done = runner.submit(sync_once, data_dir, store=kiosk_store, retry=QUICK,
                                     batch_size=50)
                assert held.struck.wait(60), "the second batch never went out"
                deadline = time.monotonic() + 60
                while hub_event_count(hub.engine) < 100 and time.monotonic() < deadline:
                    time.sleep(0.02)  # the hub has stored it; its answer waits in the proxy
                assert hub_event_count(hub.engine) == 100
                assert proxy.requests.count("POST /v1/events") == 2
                held.released.set()  # the proxy then drops that answer: the kiosk sends again
                report = done.result(timeout=120)
            assert report.batches == 3 and report.acked == len(ids)
            assert report.duplicates == 50
            assert proxy.requests.count("POST /v1/events") == 4
            assert kiosk_store.outbox_counts() == (0, len(ids))
            assert sorted(hub_event_ids(hub.engine)) == sorted(ids)
        finally:
            proxy.close()


KIOSK_SYNC_NOW = [sys.executable, "-m", "kiosk", "sync", "now"]


def test_the_kiosk_killed_during_a_push_loses_nothing(hub, data_dir: Path) -> None:
    path = config.database_path(data_dir)
    proxy = FaultProxy(("127.0.0.1", _port(hub.base_url)))
    try:
        with open_store(path) as store:
            _enroll_behind(proxy, hub, store, data_dir)
            ids = add_events(store, 60)
        held = proxy.add("hold")
        process = subprocess.Popen([*KIOSK_SYNC_NOW, "--data", str(data_dir)], cwd=REPO,
                                   env={**os.environ, "KIOSK_DATA": str(data_dir)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert held.struck.wait(60), "the kiosk never pushed"
        process.send_signal(signal.SIGKILL)  # as when the power goes mid-request
        process.wait(30)
        held.released.set()
        with open_store(path) as store:
            assert store.outbox_counts() == (len(ids), 0)
            report = sync_once(data_dir, store=store, retry=QUICK)
            assert report.acked == len(ids)
            assert store.outbox_counts() == (0, len(ids))
        assert hub_event_count(hub.engine) == len(ids)
    finally:
        proxy.close()


def test_a_token_the_hub_does_not_know_is_refused_and_nothing_is_acked(
        hub, data_dir: Path, kiosk_store) -> None:
    enroll_online(kiosk_store, data_dir, hub.base_url, new_code(hub), retry=QUICK)
    ids = add_events(kiosk_store, 5)
    kiosk_store.update_sync_state(token="not-the-token")
    with pytest.raises(HubRefusedError, match="refused"):
        sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert kiosk_store.outbox_counts() == (len(ids), 0)
    assert hub_event_count(hub.engine) == 0
