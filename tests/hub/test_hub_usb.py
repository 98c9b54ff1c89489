"""`kiosk hub import FILE`: sync files from a USB stick, receipts, and no double counting."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from nacl.signing import SigningKey, VerifyKey

from kiosk.hub.storage import events, kiosks, open_engine
from tests.hub.hubkit import REPO, TestKiosk, ThreadHub


def enroll_code(kiosk_cmd, db_url: str, data: Path, commune: str = "Xã Tân Lập") -> str:
    done = kiosk_cmd("hub", "enroll-code", "--commune", commune, "--db", db_url, data=data)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def count(db_url: str, table: sa.Table) -> int:
    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    finally:
        engine.dispose()


def read_receipt(path: Path) -> tuple[dict, dict]:
    outer = json.loads(path.read_text(encoding="utf-8"))
    body = base64.b64decode(outer["receipt"])
    VerifyKey(base64.b64decode(outer["hub_public_key"])).verify(
        body, base64.b64decode(outer["signature"]))  # raises if it does not verify
    return outer, json.loads(body)


def test_import_enrolls_by_stick_stores_once_and_signs_receipts(db_url, tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    kiosk = TestKiosk()
    batch = kiosk.events(30)
    stick = tmp_path / "stick" / "KIOSK" / "sync"
    file = kiosk.usb_file(stick, batch, code=enroll_code(kiosk_cmd, db_url, data).lower(),
                          commune="ignored")
    first = subprocess.run([sys.executable, "-m", "kiosk", "hub", "import", str(file), "--db",
                            db_url, "--data", str(data)], cwd=REPO, capture_output=True,
                           text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "30 new event(s), 0 already stored; kiosk enrolled" in first.stdout
    receipt = file.with_name(file.name + ".receipt")
    outer, body = read_receipt(receipt)
    assert outer["format"] == "kiosk-sync/1" and outer["kind"] == "receipt"
    assert body["kiosk_id"] == kiosk.kiosk_id
    assert body["acked"] == [event["id"] for event in batch]
    assert body["hub_time"] > batch[-1]["hlc"]
    assert body["batch_id"] == json.loads(base64.b64decode(
        json.loads(file.read_text())["batch"]))["batch_id"]

    again = kiosk_cmd("hub", "import", str(file), "--db", db_url, data=data)
    assert again.returncode == 0, again.stderr
    assert "0 new event(s), 30 already stored" in again.stdout
    assert read_receipt(receipt)[1]["acked"] == body["acked"]
    assert count(db_url, events) == 30

    engine = open_engine(db_url)
    with engine.connect() as connection:
        row = connection.execute(sa.select(kiosks)).mappings().one()
    engine.dispose()
    assert row["enrolled_by"] == "usb" and row["token_hash"] is None
    assert row["commune"] == "Xã Tân Lập"  # the code's commune wins

    # The same kiosk later finds a network: it enrolls online (same key) and pushes again.
    with ThreadHub(db_url) as hub:
        online = enroll_code(kiosk_cmd, db_url, data)
        assert kiosk.enroll(hub.base_url, online).status_code == 200
        answer = kiosk.push(hub.base_url, kiosk.wire(batch + kiosk.events(5))).json()
    assert len(answer["duplicates"]) == 30 and len(answer["stored"]) == 5
    assert count(db_url, events) == 35


def test_events_pushed_online_then_imported_are_not_counted_twice(db_url, tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    kiosk = TestKiosk()
    batch = kiosk.events(12)
    with ThreadHub(db_url) as hub:
        kiosk.enroll(hub.base_url, enroll_code(kiosk_cmd, db_url, data))
        kiosk.push(hub.base_url, kiosk.wire(batch[:7]))
    file = kiosk.usb_file(tmp_path / "stick", batch)
    done = kiosk_cmd("hub", "import", str(file), "--db", db_url, data=data)
    assert done.returncode == 0, done.stderr
    assert "5 new event(s), 7 already stored" in done.stdout
    assert count(db_url, events) == 12


def test_forged_file_is_refused_and_keeps_the_code(db_url, tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    code = enroll_code(kiosk_cmd, db_url, data)
    kiosk = TestKiosk()
    file = kiosk.usb_file(tmp_path / "stick", kiosk.events(3), code=code)
    forged = json.loads(file.read_text())
    forged["signature"] = base64.b64encode(
        SigningKey.generate().sign(base64.b64decode(forged["batch"])).signature).decode()
    file.write_text(json.dumps(forged))
    done = kiosk_cmd("hub", "import", str(file), "--db", db_url, data=data)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "signature" in done.stderr
    assert not file.with_name(file.name + ".receipt").exists()
    assert count(db_url, events) == 0 and count(db_url, kiosks) == 0
    # the forgery did not burn the code: an honest kiosk can still use it
    other = TestKiosk()
    good = other.usb_file(tmp_path / "stick3", other.events(2), code=code)
    assert kiosk_cmd("hub", "import", str(good), "--db", db_url, data=data).returncode == 0


def test_unenrolled_kiosk_without_a_good_code_is_refused(db_url, tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    code = enroll_code(kiosk_cmd, db_url, data)
    first = TestKiosk()
    used = first.usb_file(tmp_path / "a", first.events(1), code=code)
    assert kiosk_cmd("hub", "import", str(used), "--db", db_url, data=data).returncode == 0
    second = TestKiosk()
    cases = {
        "not enrolled": second.usb_file(tmp_path / "b", second.events(2)),
        "already used": second.usb_file(tmp_path / "c", second.events(2), code=code),
        "not known": second.usb_file(tmp_path / "d", second.events(2), code="ZZZZ-ZZZZ"),
    }
    for reason, file in cases.items():
        done = kiosk_cmd("hub", "import", str(file), "--db", db_url, data=data)
        assert done.returncode == 1, reason
        assert reason in done.stderr
    assert count(db_url, events) == 1


def test_known_kiosk_with_another_key_is_refused(db_url, tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    kiosk = TestKiosk()
    code = enroll_code(kiosk_cmd, db_url, data)
    file = kiosk.usb_file(tmp_path / "a", kiosk.events(1), code=code)
    assert kiosk_cmd("hub", "import", str(file), "--db", db_url, data=data).returncode == 0
    impostor = TestKiosk(kiosk_id=kiosk.kiosk_id, seq=1)
    other = impostor.usb_file(tmp_path / "b", impostor.events(1))
    done = kiosk_cmd("hub", "import", str(other), "--db", db_url, data=data)
    assert done.returncode == 1 and "key" in done.stderr
    assert count(db_url, events) == 1


def test_files_that_are_not_sync_files(tmp_path, kiosk_cmd):
    data = tmp_path / "data"
    (tmp_path / "text.ksync").write_text("hello")
    (tmp_path / "other.ksync").write_text(json.dumps({"format": "kiosk-sync/1",
                                                      "kind": "receipt"}))
    for name in ("text.ksync", "other.ksync", "missing.ksync"):
        done = kiosk_cmd("hub", "import", str(tmp_path / name), data=data)
        assert done.returncode == 1, name
        assert done.stderr.startswith("kiosk: ") and done.stderr.count("\n") == 1
