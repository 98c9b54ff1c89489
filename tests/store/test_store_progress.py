"""Progress, lesson attempts, quiz answers and their outbox events (kiosk.store.progress)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.store import Store, StoreError, UnknownLearnerError, open_store

Rows = Callable[..., list[tuple[Any, ...]]]
LESSON, VERSION, STEPS = "spot-fraud-call", 3, 3


def _types(store: Store) -> list[str]:
    return [event.type for event in store.pending_events()]


def _finish(store: Store, learner_id: str) -> None:
    for index in range(STEPS):
        store.complete_step(learner_id, LESSON, VERSION, f"s{index}", index, STEPS)


def test_start_lesson_records_one_event(store: Store) -> None:
    guest = store.guest().id
    progress = store.start_lesson(guest, LESSON, VERSION, STEPS)
    assert (progress.steps_done, progress.steps_total, progress.current_step) == (0, STEPS, 0)
    assert not progress.completed and progress.completed_at is None
    store.start_lesson(guest, LESSON, VERSION, STEPS)  # coming back to an unfinished lesson
    assert _types(store) == ["lesson_started"]
    payload = store.pending_events()[0].payload
    assert payload["lesson_id"] == LESSON and payload["lesson_version"] == VERSION


def test_complete_step_writes_progress_and_event(store: Store, db_path: Path, rows: Rows) -> None:
    guest = store.guest().id
    store.start_lesson(guest, LESSON, VERSION, STEPS)
    progress = store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
    assert (progress.steps_done, progress.current_step, progress.completed) == (1, 1, False)
    assert rows(db_path, "SELECT step_id, step_index FROM step_progress") == [("s0", 0)]
    event = store.pending_events()[-1]
    assert event.type == "step_completed"
    assert (event.payload["step_id"], event.payload["step_index"]) == ("s0", 0)


def test_complete_step_is_atomic_with_its_event(store: Store, db_path: Path, rows: Rows) -> None:
    guest = store.guest().id
    store.start_lesson(guest, LESSON, VERSION, STEPS)
    # A real failure inside the transaction: the outbox refuses the insert after the step row
    # has been written. Both must vanish together.
    conn = sqlite3.connect(db_path)
    conn.execute(
        "CREATE TRIGGER outbox_fails BEFORE INSERT ON outbox "
        "BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END"
    )
    conn.commit()
    with pytest.raises(StoreError):
        store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
    assert rows(db_path, "SELECT count(*) FROM step_progress") == [(0,)]
    assert rows(db_path, "SELECT current_step FROM lesson_progress") == [(0,)]
    assert store.outbox_counts() == (1, 0)  # only lesson_started
    conn.execute("DROP TRIGGER outbox_fails")
    conn.commit()
    conn.close()
    assert store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS).steps_done == 1
    assert _types(store) == ["lesson_started", "step_completed"]


def test_completing_a_step_twice_writes_one_event(store: Store) -> None:
    guest = store.guest().id
    store.start_lesson(guest, LESSON, VERSION, STEPS)
    store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
    again = store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
    assert again.steps_done == 1
    assert _types(store) == ["lesson_started", "step_completed"]


def test_complete_step_without_start_starts_the_lesson(store: Store) -> None:
    guest = store.guest().id
    store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
    assert _types(store) == ["lesson_started", "step_completed"]


def test_finishing_all_steps_completes_the_lesson_once(store: Store) -> None:
    guest = store.guest().id
    store.start_lesson(guest, LESSON, VERSION, STEPS)
    _finish(store, guest)
    progress = store.lesson_progress(guest)[LESSON]
    assert progress.completed and progress.completed_at
    assert (progress.steps_done, progress.current_step) == (STEPS, STEPS - 1)  # capped
    store.complete_step(guest, LESSON, VERSION, f"s{STEPS - 1}", STEPS - 1, STEPS)
    types = _types(store)
    assert types.count("lesson_completed") == 1 and types[-1] == "lesson_completed"
    assert types.count("step_completed") == STEPS
    assert store.pending_events()[-1].payload["first_time"] is True


def test_restarting_a_finished_lesson_is_a_new_attempt(store: Store) -> None:
    guest = store.guest().id
    store.start_lesson(guest, LESSON, VERSION, STEPS)
    _finish(store, guest)
    assert store.resume_step(guest, LESSON) == 0
    again = store.start_lesson(guest, LESSON, VERSION, STEPS)
    assert again.completed and again.steps_done == STEPS and again.current_step == 0
    store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
    assert store.resume_step(guest, LESSON) == 1  # mid-way through the review
    _finish(store, guest)
    events = store.pending_events()
    started = [e for e in events if e.type == "lesson_started"]
    completed = [e for e in events if e.type == "lesson_completed"]
    assert [e.payload["attempt"] for e in started] == [1, 2]
    assert [e.payload["first_time"] for e in completed] == [True, False]
    assert [e.type for e in events].count("step_completed") == 2 * STEPS
    assert store.lesson_progress(guest)[LESSON].steps_done == STEPS


def test_resume_position_survives_reopen(db_path: Path) -> None:
    with open_store(db_path) as store:
        guest = store.guest().id
        assert store.resume_step(guest, LESSON) == 0  # never started
        store.set_position(guest, "never-started", 2)
        assert store.lesson_progress(guest) == {}
        store.start_lesson(guest, LESSON, VERSION, STEPS)
        store.complete_step(guest, LESSON, VERSION, "s0", 0, STEPS)
        store.set_position(guest, LESSON, 2)
        events = store.outbox_counts()
    with open_store(db_path) as store:
        assert store.resume_step(guest, LESSON) == 2
        store.set_position(guest, LESSON, 99)  # clamped to the last step
        assert store.resume_step(guest, LESSON) == STEPS - 1
        store.set_position(guest, LESSON, 0)
        assert store.resume_step(guest, LESSON) == 0
        assert store.outbox_counts() == events  # positions are not events


def test_record_answer_first_try_per_attempt(store: Store) -> None:
    guest = store.guest().id
    store.start_lesson(guest, LESSON, VERSION, STEPS)
    assert store.record_answer(guest, LESSON, "s1", "a", False) is True
    assert store.record_answer(guest, LESSON, "s1", "b", True) is False
    assert store.record_answer(guest, LESSON, "s2", "c", True) is True
    answers = [e.payload for e in store.pending_events() if e.type == "quiz_answered"]
    assert [(a["step_id"], a["choice_id"], a["correct"], a["first_try"]) for a in answers] == [
        ("s1", "a", False, True),
        ("s1", "b", True, False),
        ("s2", "c", True, True),
    ]
    _finish(store, guest)
    store.start_lesson(guest, LESSON, VERSION, STEPS)  # attempt 2
    assert store.record_answer(guest, LESSON, "s1", "b", True) is True


def test_bad_input_is_refused_without_writing(store: Store) -> None:
    guest = store.guest().id
    with pytest.raises(StoreError):
        store.complete_step(guest, LESSON, VERSION, "s9", STEPS, STEPS)  # index out of range
    with pytest.raises(StoreError):
        store.start_lesson(guest, LESSON, VERSION, 0)
    with pytest.raises(StoreError):
        store.complete_step(guest, "", VERSION, "s0", 0, STEPS)
    with pytest.raises(UnknownLearnerError):
        store.complete_step("nobody", LESSON, VERSION, "s0", 0, STEPS)
    with pytest.raises(UnknownLearnerError):
        store.record_answer("nobody", LESSON, "s0", "a", True)
    assert store.outbox_counts() == (0, 0)
    assert store.lesson_progress(guest) == {}


def test_progress_is_per_learner(store: Store) -> None:
    guest = store.guest().id
    lan = store.create_learner("Lan").id
    store.complete_step(lan, LESSON, VERSION, "s0", 0, STEPS)
    store.complete_step(lan, "install-vneid", 1, "a", 0, 5)
    assert store.lesson_progress(guest) == {}
    progress = store.lesson_progress(lan)
    assert sorted(progress) == ["install-vneid", LESSON]
    assert progress["install-vneid"].steps_total == 5


def test_events_carry_voice_mode_and_age_when_given(store: Store) -> None:
    ba = store.create_learner("Bà Tư", "vi", birth_decade=1950).id
    store.start_lesson(ba, LESSON, VERSION, STEPS, voice_mode=True)
    store.complete_step(ba, LESSON, VERSION, "s0", 0, STEPS, voice_mode=True)
    store.record_answer(ba, LESSON, "s1", "a", False, voice_mode=False)  # voice mode turned off
    store.complete_step(ba, LESSON, VERSION, "s1", 1, STEPS, voice_mode=False)
    store.complete_step(ba, LESSON, VERSION, "s2", 2, STEPS, voice_mode=False)
    events = store.pending_events()
    assert [(e.type, e.payload["voice_mode"]) for e in events] == [
        ("lesson_started", True),
        ("step_completed", True),
        ("quiz_answered", False),
        ("step_completed", False),
        ("step_completed", False),
        ("lesson_completed", False),
    ]
    assert {e.payload["birth_decade"] for e in events} == {1950}
    assert all("Bà Tư" not in str(e.payload) for e in events)
    # A caller that does not know the mode (a script, the CLI) sends no voice_mode at all.
    store.start_lesson(ba, "install-vneid", 1, 5)
    store.complete_step(ba, "install-vneid", 1, "a", 0, 5)
    assert all("voice_mode" not in e.payload for e in store.pending_events()[len(events):])


def test_ui_calls_are_fast(store: Store) -> None:
    import time

    guest = store.guest().id
    start = time.perf_counter()
    for index in range(20):
        store.complete_step(guest, "long-lesson", 1, f"s{index}", index, 20)
        store.resume_step(guest, "long-lesson")
    per_step = (time.perf_counter() - start) / 20
    # Generous bound (fsync speed varies by disk); measured ~2 ms on the dev machine.
    assert per_step < 0.25
