"""POST /v1/events: who may push, what is refused (with nothing stored), and exactly-once."""

from __future__ import annotations

import base64
import json
import uuid

import httpx
import psycopg
import sqlalchemy as sa

from kiosk.hub.storage import events, kiosks
from tests.hub.hubkit import TestKiosk, ThreadHub, b64


def _stored(hub) -> int:
    with hub.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()


def _kiosk(hub, kiosk_id: str):
    with hub.engine.connect() as connection:
        return connection.execute(
            sa.select(kiosks).where(kiosks.c.kiosk_id == kiosk_id)).mappings().one()


def test_push_stores_and_acks_every_event(hub, enrolled):
    kiosk = enrolled()
    batch = kiosk.events(10)
    answer = kiosk.push(hub.base_url, kiosk.wire(batch))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    ids = [event["id"] for event in batch]
    assert body["stored"] == ids and body["acked"] == ids and body["duplicates"] == []
    assert body["hub_time"] > max(event["hlc"] for event in batch)
    assert _stored(hub) == 10
    assert _kiosk(hub, kiosk.kiosk_id)["last_seen"] is not None


def test_same_batch_twice_is_all_duplicates(hub, enrolled):
    kiosk = enrolled()
    wire = kiosk.wire(kiosk.events(50))
    first = kiosk.push(hub.base_url, wire).json()
    again = kiosk.push(hub.base_url, wire).json()
    assert again["stored"] == [] and again["duplicates"] == first["acked"]
    assert again["acked"] == first["acked"]
    assert _stored(hub) == 50


def test_overlapping_batch_reports_which_ids_are_new(hub, enrolled):
    kiosk = enrolled()
    batch = kiosk.events(6)
    kiosk.push(hub.base_url, kiosk.wire(batch[:4]))
    body = kiosk.push(hub.base_url, kiosk.wire(batch)).json()
    assert body["duplicates"] == [e["id"] for e in batch[:4]]
    assert body["stored"] == [e["id"] for e in batch[4:]]
    assert _stored(hub) == 6


def test_clock_years_wrong_is_kept_as_sent_and_hub_time_moves_on(hub, enrolled):
    kiosk = enrolled()
    kiosk.physical_ms = 4_102_444_800_000  # the year 2100
    batch = kiosk.events(3)
    body = kiosk.push(hub.base_url, kiosk.wire(batch)).json()
    assert body["hub_time"] > batch[-1]["hlc"]
    with hub.engine.connect() as connection:
        rows = connection.execute(sa.select(events.c.seq, events.c.hlc).order_by(events.c.seq))
        assert [tuple(r) for r in rows] == [(e["seq"], e["hlc"]) for e in batch]


def test_no_credentials_is_401_and_nothing_stored(hub, enrolled):
    kiosk = enrolled()
    wire = kiosk.wire(kiosk.events(3))
    for headers in ({}, {"X-Kiosk-Id": kiosk.kiosk_id},
                    {"Authorization": f"Bearer {kiosk.token}"},
                    {"X-Kiosk-Id": kiosk.kiosk_id, "Authorization": f"Basic {kiosk.token}"},
                    {"X-Kiosk-Id": "not-a-uuid", "Authorization": f"Bearer {kiosk.token}"},
                    {"X-Kiosk-Id": kiosk.kiosk_id, "Authorization": "Bearer wrong-token"}):
        answer = kiosk.push(hub.base_url, wire, headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json()["error"] == "unauthorized"
    assert _stored(hub) == 0


def test_unknown_kiosk_is_401_even_with_a_garbage_body(hub):
    stranger = TestKiosk(token="made-up")
    answer = httpx.post(f"{hub.base_url}/v1/events", content=b"{{{", headers=stranger.headers())
    assert answer.status_code == 401


def test_token_of_another_kiosk_is_403(hub, enrolled):
    one, other = enrolled(), enrolled()
    headers = {"X-Kiosk-Id": other.kiosk_id, "Authorization": f"Bearer {one.token}"}
    answer = other.push(hub.base_url, other.wire(other.events(2)), headers=headers)
    assert answer.status_code == 403
    assert _stored(hub) == 0


def test_batch_signed_by_another_kiosks_key_is_403(hub, enrolled):
    one, other = enrolled(), enrolled()
    forged = one.wire(one.events(3), signer=other.key)
    answer = one.push(hub.base_url, forged)
    assert answer.status_code == 403
    assert answer.json()["error"] == "bad_signature"
    assert _stored(hub) == 0


def test_batch_naming_another_kiosk_is_403(hub, enrolled):
    one, other = enrolled(), enrolled()
    # `other` signs a batch of its own and `one` replays it with its credentials...
    replayed = other.wire(other.events(3))
    assert one.push(hub.base_url, replayed).status_code == 403
    # ...or `one` signs a batch that claims to be `other`'s.
    claimed = one.wire(one.events(3), kiosk_id=other.kiosk_id)
    answer = one.push(hub.base_url, claimed)
    assert answer.status_code == 403 and answer.json()["error"] == "wrong_kiosk"
    assert _stored(hub) == 0


def test_tampered_batch_is_403(hub, enrolled):
    kiosk = enrolled()
    wire = kiosk.wire(kiosk.events(3))
    body = json.loads(base64.b64decode(wire["batch"]))
    body["events"][0]["payload"]["lesson_id"] = "something-else"
    tampered = {"batch": b64(json.dumps(body).encode()), "signature": wire["signature"]}
    assert kiosk.push(hub.base_url, tampered).status_code == 403
    assert _stored(hub) == 0


def test_malformed_batches_are_400_and_nothing_stored(hub, enrolled):
    kiosk = enrolled()
    good = kiosk.event()

    def signed(obj) -> dict[str, str]:
        body = json.dumps(obj).encode()
        return {"batch": b64(body), "signature": b64(kiosk.key.sign(body).signature)}

    base = {"format": 1, "kiosk_id": kiosk.kiosk_id, "batch_id": good["id"],
            "hlc": good["hlc"]}
    cases = [
        {"batch": "%%%", "signature": "x"},
        signed({**base, "format": 2, "events": [good]}),
        signed({**base, "events": [good, {**good, "id": "x"}]}),
        signed({**base, "events": [good, {**kiosk.event(), "seq": 0}]}),
        signed({**base, "events": [good, {**kiosk.event(), "hlc": "yesterday"}]}),
        signed({**base, "events": [good, {**kiosk.event(), "hlc": good["hlc"] + "\n"}]}),
        signed({**base, "events": [good, {**kiosk.event(), "seq": True}]}),
        signed({**base, "events": [good, "event"]}),
        signed({**base, "events": [good, {**kiosk.event(), "payload": []}]}),
        signed({**base, "events": kiosk.events(1001)}),
        signed([1, 2]),
    ]
    for wire in cases:
        answer = kiosk.push(hub.base_url, wire)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == "bad_request"
    assert _stored(hub) == 0


def test_unknown_event_types_and_odd_payloads_are_stored(hub, enrolled):
    kiosk = enrolled()
    batch = [kiosk.event("speech_feedback", rating=5),
             kiosk.event(step_index="three", birth_decade=10**12, language=["vi"])]
    assert kiosk.push(hub.base_url, kiosk.wire(batch)).status_code == 200
    assert _stored(hub) == 2


def test_clone_with_diverging_seq_is_flagged_and_still_stored(hub, enrolled):
    kiosk = enrolled()
    kiosk.push(hub.base_url, kiosk.wire(kiosk.events(5)))
    assert not _kiosk(hub, kiosk.kiosk_id)["flagged"]
    # A copy of the disk made after seq 3 goes on from there with its own events.
    clone = TestKiosk(kiosk_id=kiosk.kiosk_id, key=kiosk.key, token=kiosk.token, seq=3)
    answer = clone.push(hub.base_url, clone.wire(clone.events(4)))
    assert answer.status_code == 200
    assert len(answer.json()["stored"]) == 4
    row = _kiosk(hub, kiosk.kiosk_id)
    assert row["flagged"] and "4, 5" in row["flag_reason"]
    assert _stored(hub) == 9
    report = httpx.get(f"{hub.base_url}/v1/report", headers=kiosk.headers()).json()
    assert [k["kiosk_id"] for k in report["flagged_kiosks"]] == [kiosk.kiosk_id]


def test_resending_the_same_events_is_not_a_clone(hub, enrolled):
    kiosk = enrolled()
    batch = kiosk.events(5)
    kiosk.push(hub.base_url, kiosk.wire(batch))
    kiosk.push(hub.base_url, kiosk.wire(batch[2:]))
    assert not _kiosk(hub, kiosk.kiosk_id)["flagged"]


def test_unknown_route_answers_in_protocol_form(hub):
    answer = httpx.get(f"{hub.base_url}/v1/nothing")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


def test_pushes_go_on_after_postgresql_ends_the_hubs_sessions(pg_url):
    """The server ends the hub's database sessions (a restart, an administrator): the next push
    gets a new session, with its own table that batches are copied into, and stores as before."""
    from kiosk.hub.enroll import create_code
    from tests.pgschema import PG_SERVER

    name = f"hub_{uuid.uuid4().hex[:12]}"
    with ThreadHub(f"{pg_url}&application_name={name}") as hub:
        kiosk = TestKiosk()
        assert kiosk.enroll(hub.base_url, create_code(hub.engine)).status_code == 200
        first = kiosk.events(5)
        assert kiosk.push(hub.base_url, kiosk.wire(first)).json()["stored"] == [
            event["id"] for event in first]
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            ended = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE application_name = %s", [name]).fetchall()
        assert ended, "the hub held no database session"
        later = kiosk.events(5)
        answer = kiosk.push(hub.base_url, kiosk.wire(first + later))
        assert answer.status_code == 200, answer.text
        assert answer.json()["stored"] == [event["id"] for event in later]
        assert answer.json()["duplicates"] == [event["id"] for event in first]
        assert _stored(hub) == 10
