"""The sync outbox and settings (kiosk.store.outbox, kiosk.store.settings)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path

import pytest

from kiosk.store import Store, StoreError, open_store


def _answers(store: Store, count: int) -> str:
    guest = store.guest().id
    for index in range(count):
        store.record_answer(guest, "lesson", f"q{index}", "a", index % 2 == 0)
    return guest


def test_events_have_uuid7_ids_increasing_seq_and_utc_times(store: Store) -> None:
    _answers(store, 5)
    events = store.pending_events()
    assert len(events) == 5
    assert all(uuid.UUID(event.id).version == 7 for event in events)
    assert [event.seq for event in events] == sorted({event.seq for event in events})
    assert [event.id for event in events] == sorted(event.id for event in events)
    for event in events:
        created = dt.datetime.fromisoformat(event.created)
        assert created.utcoffset() == dt.timedelta(0)
        assert event.acked is None
        assert event.type == "quiz_answered"


def test_pending_limit_ack_and_counts(db_path: Path) -> None:
    with open_store(db_path) as store:
        _answers(store, 6)
        first_three = store.pending_events(limit=3)
        assert len(first_three) == 3
        acked = store.ack_events([e.id for e in first_three] + ["not-an-event"])
        assert acked == 3
        assert store.ack_events([first_three[0].id]) == 0  # a receipt applied twice
        assert store.ack_events([]) == 0
        assert store.outbox_counts() == (3, 3)
    with open_store(db_path) as store:
        remaining = store.pending_events()
        assert [e.seq for e in remaining] == [e.seq + 3 for e in first_three]
        store.record_answer(store.guest().id, "lesson", "late", "a", True)
        assert store.pending_events()[-1].seq > remaining[-1].seq
        assert store.outbox_counts() == (4, 3)


def test_ack_of_a_large_receipt(store: Store) -> None:
    _answers(store, 620)  # more ids than one SQL statement takes
    ids = [event.id for event in store.pending_events(limit=10_000)]
    assert len(ids) == 620
    assert store.ack_events(ids) == 620
    assert store.outbox_counts() == (0, 620)
    assert store.pending_events() == []


def test_settings_round_trip(db_path: Path) -> None:
    values = {
        "ui_language": "tyz",
        "text_scale": 2.0,
        "voice_mode": True,
        "sync": {"hub": "http://hub.local:8765", "last_error": None, "tries": [1, 2]},
        "greeting": "Xin chào, bà con!",
    }
    with open_store(db_path) as store:
        assert store.get_setting("ui_language") is None
        assert store.get_setting("ui_language", "vi") == "vi"
        for key, value in values.items():
            store.set_setting(key, value)
        store.set_setting("text_scale", 1.5)
        assert store.outbox_counts() == (0, 0)  # settings are not events
    with open_store(db_path) as store:
        assert {key: store.get_setting(key) for key in values} == {**values, "text_scale": 1.5}


@pytest.mark.parametrize("value", [{1, 2}, float("nan"), object()])
def test_settings_refuse_what_json_cannot_hold(store: Store, value: object) -> None:
    with pytest.raises(StoreError):
        store.set_setting("bad", value)
    assert store.get_setting("bad", "unchanged") == "unchanged"


def test_store_can_be_shared_with_a_worker_thread(store: Store) -> None:
    guest = store.guest().id
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for index in range(30):
                store.record_answer(guest, "threaded", f"w{index}", "a", True)
        except BaseException as error:  # reported to the test thread below
            errors.append(error)

    thread = threading.Thread(target=worker)
    thread.start()
    for index in range(30):
        store.complete_step(guest, "other", 1, f"s{index}", index, 30)
    thread.join()
    assert errors == []
    assert store.outbox_counts()[0] == 30 + 1 + 30 + 1  # answers, start, steps, completion


def test_closed_store_says_so(db_path: Path) -> None:
    store = open_store(db_path)
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError):
        store.guest()
