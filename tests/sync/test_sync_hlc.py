"""The hybrid logical clock: stamps only go forward, whatever the PC's clock does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk import config
from kiosk.store import migrations, open_store
from kiosk.sync import hlc
from tests.sync.conftest import add_events

YEAR_MS = 365 * 24 * 3600 * 1000
NOW_MS = 1_780_000_000_000


@given(st.lists(st.integers(min_value=0, max_value=4_000_000_000_000), min_size=1, max_size=300))
def test_stamps_increase_for_any_clock_readings(readings: list[int]) -> None:
    last = hlc.ZERO
    texts = []
    for reading in readings:
        stamp = hlc.send(last, reading)
        assert stamp > last
        assert stamp.physical >= reading
        last = stamp
        texts.append(str(stamp))
    assert texts == sorted(texts)
    assert len(set(texts)) == len(texts)
    assert all(hlc.parse(text) is not None for text in texts)


def test_a_clock_set_years_back_keeps_order_and_width() -> None:
    last = hlc.send(hlc.ZERO, NOW_MS)
    stamps = [last]
    # The battery dies: the clock reads 3 years earlier for 25 000 events.
    for _ in range(25_000):
        last = hlc.send(last, NOW_MS - 3 * YEAR_MS)
        stamps.append(last)
    texts = [str(stamp) for stamp in stamps]
    assert texts == sorted(texts) and len(set(texts)) == len(texts)
    assert {len(text) for text in texts} == {21}
    # The counter carried into the milliseconds instead of growing a fifth digit.
    assert stamps[-1].physical == NOW_MS + 2
    # When the clock is set right again (later than the stamps), it takes over.
    assert hlc.send(last, NOW_MS + YEAR_MS) == hlc.Stamp(NOW_MS + YEAR_MS, 0)


def test_hearing_the_hub_moves_the_clock_forward_never_back() -> None:
    mine = hlc.send(hlc.ZERO, NOW_MS)
    hub_ahead = hlc.Stamp(NOW_MS + YEAR_MS, 7)
    after = hlc.receive(mine, hub_ahead)
    assert after == hub_ahead
    assert hlc.send(after, NOW_MS) > hub_ahead
    assert hlc.receive(after, hlc.Stamp(1, 0)) == after
    assert hlc.receive(after, None) == after


def test_parse_refuses_what_is_not_a_stamp() -> None:
    assert hlc.parse("0001732350000123-0003") == hlc.Stamp(1732350000123, 3)
    for bad in ("", "1732350000123-3", "0001732350000123-00003", "x" * 21, None, 17,
                "9999999999999999-0000", "0001732350000123-0003\n"):
        assert hlc.parse(bad) is None, bad


def test_events_carry_increasing_stamps_and_batches_come_after(kiosk_store) -> None:
    ids = add_events(kiosk_store, 30)
    events = kiosk_store.pending_events(100)
    assert [event.id for event in events] == ids
    stamps = [event.hlc for event in events]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(hlc.parse(stamp) for stamp in stamps)
    assert kiosk_store.next_hlc() > stamps[-1]


def test_the_hub_time_is_remembered_across_restarts(data_dir: Path) -> None:
    path = config.database_path(data_dir)
    ahead = str(hlc.Stamp(hlc.wall_ms() + 5 * YEAR_MS, 0))
    with open_store(path) as store:
        assert store.observe_hlc(ahead) == ahead
        assert store.observe_hlc("garbage") == ahead
    with open_store(path) as store:
        add_events(store, 3)
        stamps = [event.hlc for event in store.pending_events()]
    assert all(stamp > ahead for stamp in stamps)


def test_migration_stamps_events_recorded_before_it(tmp_path: Path, monkeypatch) -> None:
    """A kiosk upgraded with events in its outbox gets stamps in seq order for them."""
    path = tmp_path / "old" / "kiosk.sqlite3"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 2)
    conn_store = open_store(path)
    conn_store.close()
    conn = sqlite3.connect(path)
    # Two events whose creation times go backwards (the clock was changed between them).
    conn.executemany(
        "INSERT INTO outbox (id, type, payload, created) VALUES (?, 'lesson_started', '{}', ?)",
        [("a", "2026-05-09T07:35:25.123+00:00"), ("b", "2024-01-01T00:00:00.000+00:00"),
         ("c", "not a time")])
    conn.commit()
    conn.close()
    monkeypatch.undo()
    with open_store(path) as store:
        events = store.pending_events()
        assert [event.id for event in events] == ["a", "b", "c"]
        stamps = [event.hlc for event in events]
        assert stamps == sorted(stamps) and len(set(stamps)) == 3
        assert store.sync_state().hlc == stamps[-1]
        add_events(store, 1)
        assert store.pending_events()[-1].hlc > stamps[-1]
