"""The issue's "done when", end to end: two kiosks and a hub on loopback, online and by stick.

A real hub runs as its own process (`kiosk hub serve`, on SQLite and on PostgreSQL). Kiosk A
in Xã Tân Lập enrolls online; kiosk B in Xã Yên Hòa never sees a network: its events travel
by stick (`kiosk sync export` → `kiosk hub import` → `kiosk sync import-receipt`). Learners
make progress on both through the session the lesson screens use, A's learners in voice mode.
Some of A's events reach the hub twice (a stick file, then online), and files are imported
twice. Every step a technician or a script takes is the `kiosk` command line in a separate
process, so its contract is what is tested. At the end the hub's report counts each learner
and lesson exactly once, both kiosks have nothing pending, the hub holds exactly the events
the kiosks made, and the dashboard page shows the numbers. Six and five learners per group:
counts below 5 would be hidden (kiosk.hub.report.MIN_COUNT).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kiosk import config, i18n
from kiosk.content.catalog import Curriculum, load_curriculum
from kiosk.content.languages import LanguageTable, load_languages
from kiosk.hub.storage import events, open_engine
from kiosk.store import open_store
from kiosk.ui.session import Session
from tests.hub.hubkit import REPO, ProcessHub
from tests.hub.test_hub_report import band

LESSONS = REPO / "lessons"
TAN_LAP, YEN_HOA = "Xã Tân Lập", "Xã Yên Hòa"
# Kiosk A: six learners born in the 1950s, all in voice mode, each finishes QR payment; the
# first answers its quiz wrongly before getting it right.
PEOPLE_A = [("Nguyễn Thị Bảy", 1950), ("Trần Văn Tám", 1950), ("Lê Thị Chín", 1950),
            ("Phạm Văn Mười", 1950), ("Hoàng Thị Mai", 1950), ("Vũ Văn Đào", 1950)]
# Kiosk B: five learners born in the 1970s, voice mode off; each finishes the fraud-call lesson
# and stops smartphone basics after its second step.
PEOPLE_B = [("Lò Văn Páo", 1970), ("Lò Thị Ún", 1970), ("Quàng Văn Mỏn", 1970),
            ("Cầm Thị Xoan", 1970), ("Tòng Văn Piếng", 1970)]
PLAN_A = [("qr-payment", None)]
PLAN_B = [("fraud-call", None), ("smartphone-basics", 2)]


@dataclass(frozen=True)
class Course:
    curriculum: Curriculum
    languages: LanguageTable


@pytest.fixture(scope="module")
def course() -> Course:
    languages = load_languages()
    curriculum = load_curriculum([LESSONS], languages)
    assert not curriculum.problems, curriculum.problems
    return Course(curriculum, languages)


@pytest.fixture
def running_hub(hub_db: str, tmp_path: Path) -> Iterator[ProcessHub]:
    hub = ProcessHub(hub_db, tmp_path / "hub-data")
    try:
        yield hub
    finally:
        hub.stop()


def kiosk(*args: str, data: Path) -> str:
    """Run `kiosk ARGS --data DATA` as a technician would; it must succeed. Its stdout."""
    env = {**os.environ}
    env.pop("KIOSK_DATA", None)
    done = subprocess.run([sys.executable, "-m", "kiosk", *args, "--data", str(data)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"kiosk {' '.join(args)}: {done.stderr}"
    return done.stdout


def learn(data: Path, course: Course, people: Iterable[tuple[str, int]], *, voice_mode: bool,
          plan: list[tuple[str, int | None]], wrong_first: tuple[str, ...] = ()) -> set[str]:
    """Each person gets a learner card and works through `plan` (lesson, steps to do; None:
    all) as the lesson screens do it; returns the ids of the events waiting in the outbox."""
    with open_store(config.database_path(data)) as store:
        session = Session(store, course.curriculum, course.languages, lesson_dirs=[LESSONS])
        session.voice_mode = voice_mode  # what the main window sets from F12
        for name, decade in people:
            card = store.create_learner(name, "vi", birth_decade=decade)
            session.choose_learner(card.id)
            for lesson_id, steps in plan:
                lesson = session.lesson(lesson_id)
                assert lesson is not None, lesson_id
                session.open_lesson(lesson)
                for index, step in enumerate(lesson.steps[:steps]):
                    if step.choices:
                        if name in wrong_first:
                            wrong = next(c for c in step.choices if not c.correct)
                            session.record_answer(lesson, step, wrong.id)
                        right = next(c for c in step.choices if c.correct)
                        session.record_answer(lesson, step, right.id)
                    session.complete_step(lesson, index)
        return {event.id for event in store.pending_events(1_000_000)}


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def exported(stdout: str) -> list[Path]:
    return [Path(line) for line in stdout.splitlines() if line.endswith(".ksync")]


def imported_counts(stdout: str) -> tuple[int, int]:
    """(new, already stored) from `kiosk hub import`."""
    found = re.search(r": (\d+) new event\(s\), (\d+) already stored", stdout)
    assert found, stdout
    return int(found[1]), int(found[2])


def hub_ids(url: str) -> dict[str, list[str]]:
    """Every event id the hub stored, by kiosk (read from its database)."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(events.c.kiosk_id, events.c.event_id)).all()
    finally:
        engine.dispose()
    by_kiosk: dict[str, list[str]] = {}
    for kiosk_id, event_id in rows:
        by_kiosk.setdefault(kiosk_id, []).append(event_id)
    return by_kiosk


def dashboard_cards(page: str) -> dict[str, str]:
    return {html.unescape(label): html.unescape(value) for value, label in
            re.findall(r'<div class="card"><b>(.*?)</b>(.*?)</div>', page)}


def dashboard_chart(page: str, title: str) -> list[tuple[str, list[str]]]:
    """A chart's rows as (label, the numbers printed beside its bars)."""
    found = re.search(rf"<section><h2>{re.escape(html.escape(title))}</h2>(.*?)</section>",
                      page, re.S)
    assert found, f"no chart {title!r}"
    rows = re.split(r'<div class="row">', found[1])[1:]
    out = []
    for row in rows:
        label = re.match(r'<div class="label">(.*?)</div>', row)
        assert label, row
        numbers = re.findall(r'<span class="num">(.*?)</span>', row)
        out.append((html.unescape(label[1]), [html.unescape(n) for n in numbers]))
    return out


def test_two_kiosks_and_a_hub_online_and_by_stick(running_hub: ProcessHub, hub_db: str,
                                                   course: Course, tmp_path: Path) -> None:
    hub_data, a, b = tmp_path / "hub-data", tmp_path / "kiosk-a", tmp_path / "kiosk-b"
    stick_a, stick_b = tmp_path / "stick-a", tmp_path / "stick-b"
    for folder in (a, b, stick_a, stick_b):
        folder.mkdir()

    def hub_cli(*args: str) -> str:
        return kiosk("hub", *args, "--db", hub_db, data=hub_data)

    # Enrollment: A online, B with a code typed in that travels on its first stick file.
    code_a = last_line(hub_cli("enroll-code", "--commune", TAN_LAP))
    code_b = last_line(hub_cli("enroll-code", "--commune", YEN_HOA))
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code_a) and code_a != code_b
    said = kiosk("sync", "enroll", running_hub.base_url, code_a, "--name", "Nhà văn hóa thôn Đông",
                 data=a)
    assert TAN_LAP in said
    kiosk("sync", "enroll", code_b, "--name", "Nhà văn hóa bản Mường", data=b)

    # A, first three learners: their events go to the hub on a stick AND online.
    made_a = learn(a, course, PEOPLE_A[:3], voice_mode=True, plan=PLAN_A,
                   wrong_first=(PEOPLE_A[0][0],))
    [file_a] = exported(kiosk("sync", "export", str(stick_a), data=a))
    assert imported_counts(hub_cli("import", str(file_a))) == (len(made_a), 0)
    assert imported_counts(hub_cli("import", str(file_a))) == (0, len(made_a))  # again
    receipt_a = file_a.with_name(file_a.name + ".receipt")
    # The receipt stays at the hub for now; the network reaches A first and sends them again.
    pushed = json.loads(kiosk("sync", "now", "--json", data=a))
    assert (pushed["acked"], pushed["stored"], pushed["duplicates"]) == (len(made_a), 0,
                                                                        len(made_a))
    assert pushed["problems"] == []
    # A, the other three learners: online only.
    second_a = learn(a, course, PEOPLE_A[3:], voice_mode=True, plan=PLAN_A) - made_a
    made_a |= second_a
    pushed = json.loads(kiosk("sync", "now", "--json", data=a))
    assert (pushed["acked"], pushed["stored"], pushed["duplicates"]) == (len(second_a),
                                                                        len(second_a), 0)
    # The late receipt changes nothing.
    late = kiosk("sync", "import-receipt", str(receipt_a), data=a)
    assert "0 event(s) newly acknowledged" in late

    # B, in two visits of the technician with the stick; each file is imported twice.
    made_b: set[str] = set()
    for visit in (PEOPLE_B[:3], PEOPLE_B[3:]):
        new_b = learn(b, course, visit, voice_mode=False, plan=PLAN_B) - made_b
        made_b |= new_b
        [file_b] = exported(kiosk("sync", "export", str(stick_b), data=b))
        assert imported_counts(hub_cli("import", str(file_b))) == (len(new_b), 0)
        assert imported_counts(hub_cli("import", str(file_b))) == (0, len(new_b))
        receipt_b = file_b.with_name(file_b.name + ".receipt")
        back = kiosk("sync", "import-receipt", str(receipt_b), data=b)
        assert f"{len(new_b)} event(s) newly acknowledged" in back
    assert "nothing to export" in kiosk("sync", "export", str(stick_b), data=b)

    # Both kiosks: nothing pending, everything acknowledged; B never went online.
    status_a = json.loads(kiosk("sync", "status", "--json", data=a))
    status_b = json.loads(kiosk("sync", "status", "--json", data=b))
    assert (status_a["pending"], status_a["acked"]) == (0, len(made_a))
    assert (status_b["pending"], status_b["acked"]) == (0, len(made_b))
    assert status_a["online"] and status_a["enrolled_via"] == "online"
    assert not status_b["online"] and status_b["enrolled_via"] == "usb"
    assert status_b["hub_url"] is None

    # The hub holds exactly the events the kiosks made: none lost, none twice.
    stored = hub_ids(hub_db)
    assert sorted(stored) == sorted([status_a["kiosk_id"], status_b["kiosk_id"]])
    for status, made in ((status_a, made_a), (status_b, made_b)):
        ids = stored[status["kiosk_id"]]
        assert len(ids) == len(set(ids)) and set(ids) == made

    # The report counts each learner and each lesson once, by every breakdown.
    report = json.loads(hub_cli("report", "--json"))
    assert (report["kiosks"], report["events"]) == (2, len(made_a) + len(made_b))
    assert report["learners"] == len(PEOPLE_A) + len(PEOPLE_B) == 11
    assert (report["lessons_started"], report["lessons_completed"]) == (6 + 5 + 5, 6 + 5)
    a_counts = {"learners": 6, "started": 6, "completed": 6}
    b_counts = {"learners": 5, "started": 10, "completed": 5}
    assert report["by_voice_mode"] == {"on": a_counts, "off": b_counts}
    assert report["by_age_band"] == {band(1950): a_counts, band(1970): b_counts}
    assert report["by_commune"] == {TAN_LAP: a_counts, YEN_HOA: b_counts}
    assert report["by_language"] == {"vi": {"learners": 11, "started": 16, "completed": 11}}
    assert report["by_lesson"] == {
        "qr-payment": a_counts,
        "fraud-call": {"learners": 5, "started": 5, "completed": 5},
        "smartphone-basics": {"learners": 5, "started": 5, "completed": 0}}
    assert report["quiz"] == {"first_try_answers": 11, "first_try_correct": 10,
                              "first_try_pass_rate": 0.909}
    assert report["give_up"] == {"smartphone-basics": {
        "steps_total": 8, "unfinished": 5, "stopped_after_step": {"2": 5}}}
    assert report["flagged_kiosks"] == []
    every_name = [name for name, _decade in PEOPLE_A + PEOPLE_B]
    text = json.dumps(report, ensure_ascii=False)
    assert not [name for name in every_name if name in text]

    # The dashboard page shows the same numbers.
    page = httpx.get(f"{running_hub.base_url}/", timeout=30)
    assert page.status_code == 200
    page_text = page.text
    i18n.set_language("vi")  # the words the hub's page uses
    _ = i18n._
    cards = dashboard_cards(page_text)
    assert cards[_("Learners reached")] == "11"
    assert cards[_("Lessons started")] == "16"
    assert cards[_("Lessons completed")] == "11"
    assert cards[_("Kiosks")] == "2"
    assert cards[_("Quiz right the first time")] == "91%"
    assert dashboard_chart(page_text, _("By voice mode")) == [
        (_("Voice mode on"), ["6", "6", "6"]), (_("Voice mode off"), ["5", "10", "5"])]
    assert dashboard_chart(page_text, _("By commune")) == [
        (TAN_LAP, ["6", "6", "6"]), (YEN_HOA, ["5", "10", "5"])]
    assert [numbers for _label, numbers in dashboard_chart(page_text, _("By age"))] == [
        ["6", "6", "6"], ["5", "10", "5"]]
    for kiosk_name in ("Nhà văn hóa thôn Đông", "Nhà văn hóa bản Mường"):
        assert kiosk_name in page_text
    assert "&lt; 5" not in page_text  # every group is large enough to be shown
    assert not [name for name in every_name if name in page_text]
