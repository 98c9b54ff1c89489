"""`Store.progress_report`, the data behind `kiosk progress --json` (DESIGN.md §11)."""

from __future__ import annotations

import json

from kiosk.store import Store


def test_report_shape_and_content(store: Store) -> None:
    guest = store.guest()
    hoa = store.create_learner("Hoa", birth_decade=1960)
    nobody = store.create_learner("Tâm")
    for index in range(2):
        store.complete_step(guest.id, "install-vneid", 4, f"s{index}", index, 2)
    store.complete_step(hoa.id, "spot-fraud-call", 1, "s0", 0, 5)

    report = store.progress_report()
    assert json.loads(json.dumps(report, ensure_ascii=False)) == report
    learners = report["learners"]
    assert [entry["id"] for entry in learners] == [guest.id, hoa.id, nobody.id]
    assert [entry["name"] for entry in learners] == [None, "Hoa", "Tâm"]
    for entry in learners:
        assert {"id", "name", "lessons"} <= set(entry)
        for lesson in entry["lessons"]:
            assert {"id", "completed", "steps_done", "steps_total"} <= set(lesson)
            assert isinstance(lesson["completed"], bool)
            assert isinstance(lesson["steps_done"], int)
            assert isinstance(lesson["steps_total"], int)
    guest_lessons, hoa_lessons, nobody_lessons = (entry["lessons"] for entry in learners)
    assert [
        (x["id"], x["completed"], x["steps_done"], x["steps_total"]) for x in guest_lessons
    ] == [("install-vneid", True, 2, 2)]
    assert [(x["id"], x["completed"], x["steps_done"], x["steps_total"]) for x in hoa_lessons] == [
        ("spot-fraud-call", False, 1, 5)
    ]
    assert nobody_lessons == []


def test_empty_store_reports_no_learners(store: Store) -> None:
    assert store.progress_report() == {"learners": []}
