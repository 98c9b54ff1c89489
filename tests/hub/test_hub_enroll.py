"""Enrollment over HTTP: one-time codes that expire, tokens, and who may ask what."""

from __future__ import annotations

import datetime as dt

import httpx
import sqlalchemy as sa

from kiosk.hub.enroll import create_code, normalise_code
from kiosk.hub.storage import kiosks
from tests.hub.hubkit import TestKiosk


def test_health_names_the_hub_without_credentials(hub):
    answer = httpx.get(f"{hub.base_url}/v1/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["version"] and body["hub_id"]


def test_enroll_gives_token_hub_key_and_the_codes_commune(hub, new_code):
    kiosk = TestKiosk()
    answer = kiosk.enroll(hub.base_url, new_code("Xã Tân Lập"), commune="ignored")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["kiosk_id"] == kiosk.kiosk_id
    assert body["commune"] == "Xã Tân Lập"
    assert len(body["token"]) >= 40
    health = httpx.get(f"{hub.base_url}/v1/health").json()
    assert body["hub_id"] == health["hub_id"]
    assert len(__import__("base64").b64decode(body["hub_public_key"])) == 32
    with hub.engine.connect() as connection:
        row = connection.execute(sa.select(kiosks)).mappings().one()
    assert row["public_key"] == kiosk.public_key
    assert row["token_hash"] != body["token"]  # only its hash is kept


def test_code_is_single_use(hub, new_code):
    code = new_code()
    assert TestKiosk().enroll(hub.base_url, code).status_code == 200
    second = TestKiosk().enroll(hub.base_url, code)
    assert second.status_code == 403
    assert second.json()["error"] == "code_used"


def test_code_typed_in_lower_case_without_dash_works(hub, new_code):
    code = new_code().replace("-", "").lower()
    assert TestKiosk().enroll(hub.base_url, f" {code} ").status_code == 200


def test_expired_code_is_refused(hub):
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    code = create_code(hub.engine, "Xã A", hours=1, now=past)
    answer = TestKiosk().enroll(hub.base_url, code)
    assert answer.status_code == 403
    assert answer.json()["error"] == "code_expired"


def test_unknown_and_malformed_codes_are_invalid(hub):
    for code in ("ABCD-EFGH", "nonsense", "", None, 12345678):
        answer = httpx.post(f"{hub.base_url}/v1/enroll",
                            json={**TestKiosk().enroll_request("x"), "code": code})
        assert answer.status_code == 403, code
        assert answer.json()["error"] == "code_invalid"
    with hub.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(kiosks)).scalar() == 0


def test_lost_answer_retry_with_the_same_code_gets_a_new_token(hub, new_code):
    kiosk = TestKiosk()
    code = new_code()
    first = kiosk.enroll(hub.base_url, code).json()["token"]
    again = kiosk.enroll(hub.base_url, code)
    assert again.status_code == 200
    assert again.json()["token"] != first
    # the old token is gone; the new one works
    stale = httpx.get(f"{hub.base_url}/v1/catalog",
                      headers={"X-Kiosk-Id": kiosk.kiosk_id, "Authorization": f"Bearer {first}"})
    assert stale.status_code == 401
    assert httpx.get(f"{hub.base_url}/v1/catalog", headers=kiosk.headers()).status_code == 200


def test_retry_is_refused_once_the_kiosk_has_pushed(hub, new_code):
    kiosk = TestKiosk()
    code = new_code()
    kiosk.enroll(hub.base_url, code)
    assert kiosk.push(hub.base_url, kiosk.wire(kiosk.events(2))).status_code == 200
    assert kiosk.enroll(hub.base_url, code).json()["error"] == "code_used"


def test_same_kiosk_id_with_another_key_conflicts_and_keeps_the_code(hub, new_code):
    kiosk = TestKiosk()
    kiosk.enroll(hub.base_url, new_code())
    impostor = TestKiosk(kiosk_id=kiosk.kiosk_id)
    code = new_code()
    answer = impostor.enroll(hub.base_url, code)
    assert answer.status_code == 409
    assert answer.json()["error"] == "kiosk_exists"
    assert TestKiosk().enroll(hub.base_url, code).status_code == 200  # not burnt


def test_bad_enroll_requests_are_400(hub, new_code):
    code = new_code()
    good = TestKiosk().enroll_request(code)
    for broken in ({**good, "kiosk_id": "kiosk-1"}, {**good, "public_key": "AAAA"},
                   {**good, "name": "x" * 500}):
        answer = httpx.post(f"{hub.base_url}/v1/enroll", json=broken)
        assert answer.status_code == 400, broken
        assert answer.json()["error"] == "bad_request"
    garbage = httpx.post(f"{hub.base_url}/v1/enroll", content=b"\xff{not json")
    assert garbage.status_code == 400
    assert TestKiosk().enroll(hub.base_url, code).status_code == 200  # none of them used it


def test_normalise_code():
    assert normalise_code("abcd-efgh") == "ABCDEFGH"
    assert normalise_code("ABCD EFGH") == "ABCDEFGH"
    assert normalise_code("ABCD-EFG1") is None  # 1 is not in the alphabet (looks like I)
    assert normalise_code("ABC") is None
