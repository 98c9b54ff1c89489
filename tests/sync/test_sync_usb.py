"""No network: events out by stick, receipts back, overlapping freely with online pushes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from kiosk.sync.engine import sync_once
from kiosk.sync.enroll import enroll_by_stick, enroll_online
from kiosk.sync.errors import NotEnrolledError, SyncError, SyncFileError
from kiosk.sync.identity import canonical
from kiosk.sync.usb import export_events, import_receipt, import_receipts, sync_folder
from tests.sync.conftest import QUICK, add_events, hub_event_count, hub_event_ids, new_code


def hub_import(hub, path: Path):
    from kiosk.hub.usb import import_file

    return import_file(hub.engine, path)


def test_the_same_file_twice_then_the_same_events_online_count_once(
        hub, data_dir: Path, kiosk_store, tmp_path: Path) -> None:
    enroll_online(kiosk_store, data_dir, hub.base_url, new_code(hub), retry=QUICK)
    ids = add_events(kiosk_store, 1010)
    stick = tmp_path / "stick"
    stick.mkdir()
    files = export_events(kiosk_store, data_dir, stick)
    assert [path.parent for path in files] == [stick / "KIOSK" / "sync"] * 2
    kiosk_id = kiosk_store.sync_state().kiosk_id
    events = kiosk_store.pending_events(2000)
    assert files[0].name == f"{kiosk_id}-{events[0].seq}-{events[999].seq}.ksync"
    assert files[1].name == f"{kiosk_id}-{events[1000].seq}-{events[-1].seq}.ksync"
    # Exporting does not acknowledge anything.
    assert kiosk_store.outbox_counts() == (len(ids), 0)

    first = hub_import(hub, files[0])
    again = hub_import(hub, files[0])
    assert len(first.result.stored) == 1000 and len(again.result.stored) == 0
    assert len(again.result.duplicates) == 1000
    hub_import(hub, files[1])
    assert hub_event_count(hub.engine) == len(ids)

    # The first receipt comes back: its events are acknowledged, once.
    receipt = first.receipt
    assert receipt.name == files[0].name + ".receipt"
    result = import_receipt(kiosk_store, receipt)
    assert (result.listed, result.acked) == (1000, 1000)
    assert import_receipt(kiosk_store, receipt).acked == 0
    assert kiosk_store.outbox_counts() == (len(ids) - 1000, 1000)

    # The second receipt is left on the hub's desk; the network comes back meanwhile.
    report = sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert report.acked == len(ids) - 1000 and report.duplicates == len(ids) - 1000
    assert report.stored == 0
    assert hub_event_count(hub.engine) == len(ids)
    assert sorted(hub_event_ids(hub.engine)) == sorted(ids)
    # ...and the late receipt changes nothing.
    assert import_receipt(kiosk_store, again.receipt).acked == 0
    assert import_receipts(kiosk_store, stick)[-1].acked == 0
    assert kiosk_store.outbox_counts() == (0, len(ids))
    assert export_events(kiosk_store, data_dir, stick) == []


def test_a_kiosk_that_never_saw_a_network_enrolls_through_the_stick(
        hub, data_dir: Path, kiosk_store, tmp_path: Path) -> None:
    stick = tmp_path / "stick" / "KIOSK" / "sync"
    stick.mkdir(parents=True)
    with pytest.raises(NotEnrolledError):
        export_events(kiosk_store, data_dir, stick)
    enroll_by_stick(kiosk_store, data_dir, new_code(hub, "Xã Yên Hòa"))
    ids = add_events(kiosk_store, 12)
    [file] = export_events(kiosk_store, data_dir, stick)
    assert file.parent == stick  # a folder that already is KIOSK/sync is used as it is
    content = json.loads(file.read_text())
    assert content["enroll"]["code"] == kiosk_store.sync_state().enroll_code

    imported = hub_import(hub, file)
    assert imported.enrolled and len(imported.result.stored) == len(ids)
    result = import_receipt(kiosk_store, imported.receipt)
    assert result.enrolled_now and result.acked == len(ids)
    state = kiosk_store.sync_state()
    assert state.enrolled_via == "usb" and state.enroll_code is None and state.token is None
    assert state.hub_public_key == hub.app.state.hub.public_key
    # Later files no longer carry the code.
    add_events(kiosk_store, 3, lesson="fraud-calls")
    [later] = export_events(kiosk_store, data_dir, stick)
    assert "enroll" not in json.loads(later.read_text())
    # Online needs a token: without one the pass says how to get it.
    with pytest.raises(NotEnrolledError, match="stick only"):
        sync_once(data_dir, store=kiosk_store, retry=QUICK)
    # A network appears: a new code enrolls the same kiosk online; its key stays the same.
    enroll_online(kiosk_store, data_dir, hub.base_url, new_code(hub), retry=QUICK)
    report = sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert report.acked == 3 and kiosk_store.outbox_counts() == (0, len(ids) + 3)
    assert hub_event_count(hub.engine) == len(ids) + 3


def test_an_empty_outbox_still_carries_the_enrollment(hub, data_dir, kiosk_store,
                                                      tmp_path) -> None:
    enroll_by_stick(kiosk_store, data_dir, new_code(hub))
    stick = tmp_path / "stick"
    stick.mkdir()
    [file] = export_events(kiosk_store, data_dir, stick)
    assert file.name.endswith("-0-0.ksync")
    imported = hub_import(hub, file)
    assert imported.enrolled
    assert import_receipt(kiosk_store, imported.receipt).enrolled_now
    assert kiosk_store.sync_state().is_enrolled


def _forge(receipt: Path, name: str, *, key: SigningKey | None = None,
           **changes: object) -> Path:
    """A copy of `receipt` with changed content, re-signed by `key` (else left unsigned)."""
    outer = json.loads(receipt.read_text())
    inner = json.loads(base64.b64decode(outer["receipt"]))
    inner.update(changes)
    body = canonical(inner)
    outer["receipt"] = base64.b64encode(body).decode()
    if key is not None:
        outer["hub_public_key"] = base64.b64encode(bytes(key.verify_key)).decode()
        outer["signature"] = base64.b64encode(key.sign(body).signature).decode()
    forged = receipt.with_name(f"{name}.receipt")
    forged.write_text(json.dumps(outer))
    return forged


def test_forged_tampered_and_foreign_receipts_change_nothing(
        hub, data_dir: Path, kiosk_store, tmp_path: Path) -> None:
    enroll_online(kiosk_store, data_dir, hub.base_url, new_code(hub), retry=QUICK)
    add_events(kiosk_store, 5)
    stick = tmp_path / "stick"
    stick.mkdir()
    [file] = export_events(kiosk_store, data_dir, stick)
    receipt = hub_import(hub, file).receipt
    hub_key = SigningKey(base64.b64decode(hub.app.state.hub.secret_key))
    with pytest.raises(SyncFileError, match="changed after the hub signed"):
        import_receipt(kiosk_store, _forge(receipt, "tampered", acked=["x"]))
    with pytest.raises(SyncFileError, match="another hub"):
        import_receipt(kiosk_store, _forge(receipt, "stranger", key=SigningKey.generate()))
    with pytest.raises(SyncFileError, match="another kiosk"):
        import_receipt(kiosk_store, _forge(receipt, "foreign", key=hub_key, kiosk_id="x"))
    not_json = tmp_path / "junk.receipt"
    not_json.write_bytes(b"\x00\xff not json")
    with pytest.raises(SyncFileError, match="not a hub receipt"):
        import_receipt(kiosk_store, not_json)
    with pytest.raises(SyncFileError, match="cannot read"):
        import_receipt(kiosk_store, tmp_path / "missing.receipt")
    assert kiosk_store.outbox_counts() == (5, 0)
    assert import_receipt(kiosk_store, receipt).acked == 5


def test_export_to_a_missing_stick_fails_plainly(data_dir, kiosk_store, tmp_path) -> None:
    enroll_by_stick(kiosk_store, data_dir, "ABCD-2345")
    with pytest.raises(SyncError, match="Is the stick plugged in"):
        export_events(kiosk_store, data_dir, tmp_path / "no-stick")
    assert sync_folder(tmp_path / "x" / "kiosk" / "SYNC") == tmp_path / "x" / "kiosk" / "SYNC"
