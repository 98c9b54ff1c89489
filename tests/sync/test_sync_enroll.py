"""Enrollment: the kiosk's own key, online with a one-time code, and waiting codes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from kiosk.sync.client import HubClient
from kiosk.sync.engine import sync_once
from kiosk.sync.enroll import enroll_by_stick, enroll_online, normalize_code
from kiosk.sync.errors import (
    AlreadyEnrolledError,
    EnrollError,
    HubUnreachableError,
    NotEnrolledError,
    SyncError,
)
from kiosk.sync.identity import KEY_FILE, ensure_key, load_key
from tests.sync.conftest import QUICK, new_code
from tests.sync.faultproxy import FaultProxy


def _closed_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_the_key_is_private_stable_and_never_replaced(data_dir: Path) -> None:
    assert load_key(data_dir) is None
    key = ensure_key(data_dir)
    path = data_dir / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_key(data_dir).public == key.public
    assert load_key(data_dir).public == key.public
    # Someone loosened the mode: it is made private again on the next read.
    os.chmod(path, 0o644)
    load_key(data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A damaged key is an error with a plain message, never silently replaced.
    data = json.loads(path.read_text())
    data["public_key"] = "AAAA"
    path.write_text(json.dumps(data))
    with pytest.raises(SyncError, match="damaged"):
        ensure_key(data_dir)
    assert json.loads(path.read_text())["public_key"] == "AAAA"


def test_codes_are_normalised_and_checked() -> None:
    assert normalize_code(" abcd-2345 ") == "ABCD-2345"
    assert normalize_code("abcd 2345") == "ABCD-2345"
    for bad in ("ABCD-234", "ABCD-23450", "ABCD-I345", ""):
        with pytest.raises(EnrollError):
            normalize_code(bad)


def test_online_enrollment_pins_the_hub_and_status_shows_it(hub, data_dir, kiosk_store) -> None:
    from kiosk.sync import sync_status

    code = new_code(hub, "Xã Tân Lập")
    result = enroll_online(kiosk_store, data_dir, hub.base_url, code.lower(), name="Thôn 3",
                           retry=QUICK)
    assert result.online and result.commune == "Xã Tân Lập"
    state = kiosk_store.sync_state()
    assert state.token and state.enrolled_via == "online" and state.enroll_code is None
    with HubClient(hub.base_url) as client:
        health = client.health()
    assert state.hub_id == health["hub_id"]
    assert state.hub_public_key == hub.app.state.hub.public_key
    status = sync_status(data_dir)
    assert {"enrolled", "pending", "acked", "last_success", "last_error"} <= set(status)
    assert status["enrolled"] is True and status["online"] is True
    assert "token" not in json.dumps(status)
    assert state.token not in json.dumps(status)
    # Enrolling again is refused while the kiosk has its token.
    with pytest.raises(AlreadyEnrolledError):
        enroll_online(kiosk_store, data_dir, hub.base_url, new_code(hub), retry=QUICK)


def test_a_used_or_unknown_code_is_refused_with_a_reason(hub, data_dir, kiosk_store,
                                                         tmp_path) -> None:
    code = new_code(hub)
    other = tmp_path / "other"
    other.mkdir()
    from kiosk import config
    from kiosk.store import open_store

    with open_store(config.database_path(other)) as other_store:
        enroll_online(other_store, other, hub.base_url, code, retry=QUICK)
    with pytest.raises(EnrollError, match="already used"):
        enroll_online(kiosk_store, data_dir, hub.base_url, code, retry=QUICK)
    assert kiosk_store.sync_state().enroll_code is None  # a dead code is not kept
    with pytest.raises(EnrollError, match="does not know this code"):
        enroll_online(kiosk_store, data_dir, hub.base_url, "ZZZZ-ZZZZ", retry=QUICK)
    assert not kiosk_store.sync_state().is_enrolled


def test_a_lost_enrollment_answer_is_retried_with_the_same_code(hub, data_dir,
                                                                kiosk_store) -> None:
    proxy = FaultProxy(("127.0.0.1", int(hub.base_url.rsplit(":", 1)[1])))
    try:
        proxy.add("drop_response", "POST /v1/enroll")
        result = enroll_online(kiosk_store, data_dir, proxy.url, new_code(hub), retry=QUICK)
    finally:
        proxy.close()
    assert result.online and proxy.fired == 1
    assert proxy.requests.count("POST /v1/enroll") == 2
    assert kiosk_store.sync_state().token


def test_without_a_hub_the_code_waits_and_the_worker_pass_enrolls_later(
        hub, data_dir, kiosk_store) -> None:
    code = new_code(hub)
    away = _closed_port_url()
    with pytest.raises(HubUnreachableError, match="code is kept"):
        enroll_online(kiosk_store, data_dir, away, code, retry=QUICK)
    state = kiosk_store.sync_state()
    assert state.enroll_code == code and not state.is_enrolled and state.kiosk_id
    key = load_key(data_dir)
    # The network comes (here: the hub's real address); the next pass enrolls first.
    kiosk_store.update_sync_state(hub_url=hub.base_url)
    report = sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert report.enrolled_now
    state = kiosk_store.sync_state()
    assert state.token and state.kiosk_id and load_key(data_dir).public == key.public


def test_not_enrolled_passes_fail_plainly(data_dir, kiosk_store) -> None:
    with pytest.raises(NotEnrolledError, match="not enrolled"):
        sync_once(data_dir, store=kiosk_store)
    state = kiosk_store.sync_state()
    assert state.failures == 1 and "not enrolled" in state.last_error


def test_stick_enrollment_keeps_the_code_for_the_export(data_dir, kiosk_store) -> None:
    result = enroll_by_stick(kiosk_store, data_dir, "abcd2345", commune="Xã Yên Hòa")
    state = kiosk_store.sync_state()
    assert not result.online and state.enroll_code == "ABCD-2345"
    assert state.kiosk_id == result.kiosk_id and not state.is_enrolled
    assert load_key(data_dir) is not None
