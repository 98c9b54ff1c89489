"""Learner cards: the guest, named cards, their preferences (kiosk.store.learners)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from kiosk.store import Store, StoreError, UnknownLearnerError, open_store


def test_guest_is_created_once_and_stays_the_same(db_path: Path) -> None:
    with open_store(db_path) as store:
        first = store.guest()
        assert store.guest() == first
        assert first.is_guest and first.name is None and first.language == "vi"
    with open_store(db_path) as store:
        assert store.guest().id == first.id
        assert [learner.id for learner in store.learners()] == [first.id]


def test_guest_is_shared_by_two_connections(db_path: Path) -> None:
    with open_store(db_path) as ui, open_store(db_path) as worker:
        assert ui.guest().id == worker.guest().id
        assert len(worker.learners()) == 1


def test_named_learner_is_nfc_and_stripped(store: Store) -> None:
    typed = "  " + unicodedata.normalize("NFD", "Nguyễn Thị   Hoa") + "\t"
    learner = store.create_learner(typed, language="tyz", birth_decade=1950)
    assert learner.name == "Nguyễn Thị Hoa"
    assert unicodedata.is_normalized("NFC", learner.name)
    assert not learner.is_guest
    assert store.get_learner(learner.id) == learner
    assert (learner.language, learner.birth_decade, learner.speech_rate) == ("tyz", 1950, None)


@pytest.mark.parametrize("name", ["", "   ", "x" * 41])
def test_bad_names_are_refused(store: Store, name: str) -> None:
    with pytest.raises(StoreError):
        store.create_learner(name)
    assert store.learners() == []


def test_forty_letters_is_allowed_and_names_may_repeat(store: Store) -> None:
    long_name = "Ơ" * 40
    assert store.create_learner(long_name).name == long_name
    first = store.create_learner("Lan")
    second = store.create_learner("Lan")
    assert first.id != second.id


@pytest.mark.parametrize("decade", [1955, 1890, dt.date.today().year + 10, True])
def test_bad_birth_decades_are_refused(store: Store, decade: int) -> None:
    with pytest.raises(StoreError):
        store.create_learner("Lan", birth_decade=decade)


def test_learners_list_guest_first_then_vietnamese_order(store: Store) -> None:
    for name in ["Yến", "đức", "Ân", "Ánh", "bình", "Ăn", "An", "Dũng"]:
        store.create_learner(name)
    guest = store.guest()
    listed = store.learners()
    assert listed[0] == guest
    assert [learner.name for learner in listed[1:]] == [
        "An",
        "Ánh",
        "Ăn",
        "Ân",
        "bình",
        "Dũng",
        "đức",
        "Yến",
    ]


def test_language_and_speech_rate_are_saved(db_path: Path) -> None:
    with open_store(db_path) as store:
        learner = store.create_learner("Hùng")
        store.set_learner_language(learner.id, "km")
        store.set_learner_speech_rate(learner.id, 140)
    with open_store(db_path) as store:
        saved = store.get_learner(learner.id)
    assert (saved.language, saved.speech_rate) == ("km", 140)


def test_unknown_learner_and_bad_values(store: Store) -> None:
    learner = store.create_learner("Mai")
    with pytest.raises(UnknownLearnerError):
        store.get_learner("no-such-id")
    with pytest.raises(UnknownLearnerError):
        store.set_learner_language("no-such-id", "vi")
    with pytest.raises(StoreError):
        store.set_learner_speech_rate(learner.id, "fast")  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        store.set_learner_language(learner.id, "")


def test_preferences_are_not_events_and_names_never_leave(store: Store) -> None:
    learner = store.create_learner("Bà Tư Sáu", birth_decade=1940)
    store.set_learner_speech_rate(learner.id, 120)
    store.set_learner_language(learner.id, "vi")
    assert store.outbox_counts() == (0, 0)
    store.start_lesson(learner.id, "pay-qr", 2, 2)
    store.complete_step(learner.id, "pay-qr", 2, "intro", 0, 2)
    store.record_answer(learner.id, "pay-qr", "check", "b", True)
    store.complete_step(learner.id, "pay-qr", 2, "check", 1, 2)
    events = store.pending_events()
    assert len(events) == 5
    for event in events:
        text = json.dumps(event.payload, ensure_ascii=False)
        assert "Tư Sáu" not in text and "name" not in event.payload
        assert event.payload["learner_id"] == learner.id
        assert event.payload["birth_decade"] == 1940
        assert event.payload["language"] == "vi"
