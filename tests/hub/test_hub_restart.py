"""A hub killed (SIGKILL) mid-request and restarted keeps every answered event, and the kiosk's
retries after it store each event exactly once. Also: several hubs on one database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa

from kiosk.hub.enroll import create_code
from kiosk.hub.storage import events, open_engine
from tests.hub.hubkit import ProcessHub, TestKiosk, ThreadHub


def _ids(db_url: str) -> list[str]:
    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.select(events.c.event_id)).scalars())
    finally:
        engine.dispose()


def test_hub_killed_mid_request_and_restarted_loses_nothing(db_url, tmp_path):
    engine = open_engine(db_url)
    code = create_code(engine, "Xã Tân Lập")
    engine.dispose()
    kiosk = TestKiosk()
    batches = [kiosk.events(400) for _ in range(3)]
    acked: set[str] = set()
    hub = ProcessHub(db_url, tmp_path / "data")
    assert kiosk.enroll(hub.base_url, code).status_code == 200
    acked.update(kiosk.push(hub.base_url, kiosk.wire(batches[0])).json()["acked"])

    # Batch 2: the hub dies while the kiosk is still sending the body.
    body = httpx.Request("POST", "/", json=kiosk.wire(batches[1])).content
    half_sent, killed = threading.Event(), threading.Event()

    def slow_body():
        yield body[: len(body) // 2]
        half_sent.set()
        killed.wait(30)
        yield body[len(body) // 2:]

    def kill_when_half_sent() -> None:
        half_sent.wait(30)
        hub.kill()
        killed.set()

    killer = threading.Thread(target=kill_when_half_sent)
    killer.start()
    try:
        httpx.post(f"{hub.base_url}/v1/events", content=slow_body(), headers=kiosk.headers(),
                   timeout=30)
        raise AssertionError("the hub answered although it was killed")
    except httpx.TransportError:
        pass  # as a kiosk sees it: no answer, so nothing is acknowledged
    killer.join()
    hub.stop()

    # Everything answered before the kill is on disk.
    assert set(_ids(db_url)) == acked

    hub = ProcessHub(db_url, tmp_path / "data")
    try:
        # Batch 3 arrives, the hub is killed right after answering; then the kiosk retries
        # everything it has no answer for, and (a lost answer) batch 1 once more.
        acked.update(kiosk.push(hub.base_url, kiosk.wire(batches[2])).json()["acked"])
        hub.kill()
        hub.stop()
        hub = ProcessHub(db_url, tmp_path / "data")
        retry = kiosk.push(hub.base_url, kiosk.wire(batches[1])).json()
        assert len(retry["stored"]) == 400 and retry["duplicates"] == []
        again = kiosk.push(hub.base_url, kiosk.wire(batches[0])).json()
        assert again["stored"] == [] and len(again["duplicates"]) == 400
    finally:
        hub.stop()
    every = [event["id"] for batch in batches for event in batch]
    stored = _ids(db_url)
    assert len(stored) == len(set(stored)) == 1200
    assert set(stored) == set(every)


def test_two_hubs_on_one_database_act_as_one(db_url):
    # Both start at once: creating the tables and the hub identity must not race.
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _n: ThreadHub(db_url), range(2))
    with first, second:
        one = httpx.get(f"{first.base_url}/v1/health").json()["hub_id"]
        assert httpx.get(f"{second.base_url}/v1/health").json()["hub_id"] == one
        code = create_code(first.engine, "Xã Tân Lập")
        kiosk = TestKiosk()
        assert kiosk.enroll(first.base_url, code).status_code == 200
        assert TestKiosk().enroll(second.base_url, code).json()["error"] == "code_used"
        wire = kiosk.wire(kiosk.events(1000))
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda hub: kiosk.push(hub.base_url, wire).json(),
                                    (first, second)))
    stored = [set(answer["stored"]) for answer in answers]
    assert not stored[0] & stored[1]
    assert len(stored[0] | stored[1]) == 1000
    assert all(len(answer["acked"]) == 1000 for answer in answers)
    assert len(_ids(db_url)) == 1000
