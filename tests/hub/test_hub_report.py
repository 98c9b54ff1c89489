"""Reports for commune and province staff: totals, breakdowns with small counts suppressed,
quiz pass rate, where learners stop; as JSON over HTTP and from `kiosk hub report --json`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid

import httpx
import pytest

from kiosk.hub.enroll import create_code
from kiosk.hub.report import suppress
from tests.hub.hubkit import REPO, TestKiosk

SECRET_NAME = "Nguyễn Thị Bảy"


def populate(base_url: str, code) -> list[TestKiosk]:
    """Two kiosks: six learners who finish QR payment, two who stop in the fraud-call lesson."""
    tan_lap, hoa_binh = TestKiosk(), TestKiosk()
    assert tan_lap.enroll(base_url, code("Xã Tân Lập"), name="Nhà văn hóa thôn 1"
                          ).status_code == 200
    assert hoa_binh.enroll(base_url, code("Xã Hòa Bình")).status_code == 200
    batch = []
    for n in range(6):
        tan_lap.learner_id = str(uuid.uuid4())
        common = {"voice_mode": False, "lesson_id": "qr-payment"}
        batch.append(tan_lap.event("lesson_started", **common))
        batch += [tan_lap.event(step_index=i, step_id=f"s{i}", **common) for i in range(8)]
        batch.append(tan_lap.event("quiz_answered", step_id="q1", choice_id="a",
                                   correct=n != 0, first_try=True, **common))
        batch.append(tan_lap.event("quiz_answered", step_id="q1", choice_id="b",
                                   correct=True, first_try=False, **common))
        batch.append(tan_lap.event("lesson_completed", first_time=True, **common))
    assert tan_lap.push(base_url, tan_lap.wire(batch)).status_code == 200
    batch = []
    for steps in (3, 0):
        hoa_binh.learner_id = str(uuid.uuid4())
        common = {"voice_mode": True, "language": "tyz", "birth_decade": 1990,
                  "lesson_id": "fraud-call", "steps_total": 6, "name": SECRET_NAME}
        batch.append(hoa_binh.event("lesson_started", **common))
        batch += [hoa_binh.event(step_index=i, step_id=f"s{i}", **common) for i in range(steps)]
    assert hoa_binh.push(base_url, hoa_binh.wire(batch)).status_code == 200
    return [tan_lap, hoa_binh]


def band(decade: int) -> str:
    """The age band of someone born in `decade`, this year (about the middle of the decade)."""
    age = dt.date.today().year - decade - 5
    if age < 40:
        return "under-40"
    return "70+" if age >= 70 else f"{age // 10 * 10}-{age // 10 * 10 + 9}"


def check(report: dict) -> None:
    assert report["kiosks"] == 2 and report["learners"] == 8
    assert report["events"] == 6 * 12 + 2 + 3
    assert report["lessons_started"] == 8 and report["lessons_completed"] == 6
    assert report["by_commune"] == {
        "Xã Hòa Bình": {"learners": None, "started": None, "completed": 0},
        "Xã Tân Lập": {"learners": 6, "started": 6, "completed": 6}}
    assert report["by_language"]["vi"] == {"learners": 6, "started": 6, "completed": 6}
    assert report["by_language"]["tyz"]["learners"] is None
    assert report["by_topic"]["payment"]["completed"] == 6  # topic from the lesson itself
    assert report["by_topic"]["safety"]["started"] is None
    assert report["by_lesson"]["qr-payment"]["learners"] == 6
    assert report["by_voice_mode"]["off"]["learners"] == 6
    assert report["by_voice_mode"]["on"]["learners"] is None
    assert report["by_age_band"][band(1960)]["learners"] == 6
    assert report["by_age_band"][band(1990)]["learners"] is None
    assert report["quiz"] == {"first_try_answers": 6, "first_try_correct": 5,
                              "first_try_pass_rate": 0.833}
    assert report["quiz_by_lesson"]["qr-payment"] == {"answers": 6, "correct": 5,
                                                      "rate": 0.833}
    assert report["give_up"] == {"fraud-call": {
        "steps_total": 6, "unfinished": None,
        "stopped_after_step": {"0": None, "3": None}}}
    assert report["flagged_kiosks"] == []
    assert report["lessons"]["qr-payment"]["title"] == "Thanh toán bằng mã QR"
    assert SECRET_NAME not in json.dumps(report, ensure_ascii=False)


def test_report_over_http(hub, new_code):
    kiosks = populate(hub.base_url, new_code)
    answer = httpx.get(f"{hub.base_url}/v1/report", headers=kiosks[0].headers())
    assert answer.status_code == 200
    check(answer.json())


def test_report_from_the_command_line(db_url, tmp_path):
    from tests.hub.hubkit import ThreadHub

    with ThreadHub(db_url) as running:
        populate(running.base_url, lambda commune: create_code(running.engine, commune))
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "hub", "report", "--json", "--db", db_url,
         "--data", str(tmp_path / "data")],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    check(json.loads(done.stdout))
    text = subprocess.run(
        [sys.executable, "-m", "kiosk", "hub", "report", "--db", db_url,
         "--data", str(tmp_path / "data")],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert text.returncode == 0 and "Xã Tân Lập: learners 6" in text.stdout
    assert "Xã Hòa Bình: learners <5" in text.stdout


def test_voice_mode_and_age_band_count_each_learner_and_lesson_once(hub, enrolled):
    """Five learners finish in voice mode (sent as a bool or as "on"), five born later start
    with it off, two kiosks of an older version do not say: only that group stays hidden."""
    kiosk = enrolled()
    batch = []
    groups = [(True, 1950, True)] * 3 + [("on", 1950, True)] * 2 + [(False, 1980, False)] * 5
    for voice, decade, finish in groups:
        kiosk.learner_id = str(uuid.uuid4())
        common = {"voice_mode": voice, "birth_decade": decade}
        batch.append(kiosk.event("lesson_started", **common))
        batch += [kiosk.event(step_index=i, step_id=f"s{i}", **common) for i in range(2)]
        if finish:
            batch.append(kiosk.event("lesson_completed", first_time=True, **common))
    for _ in range(2):
        kiosk.learner_id = str(uuid.uuid4())
        batch.append(kiosk.event("lesson_started", birth_decade=1950))
    answer = kiosk.push(hub.base_url, kiosk.wire(batch))
    assert answer.status_code == 200
    report = httpx.get(f"{hub.base_url}/v1/report", headers=kiosk.headers()).json()
    assert report["by_voice_mode"] == {
        "on": {"learners": 5, "started": 5, "completed": 5},
        "off": {"learners": 5, "started": 5, "completed": 0},
        "unknown": {"learners": None, "started": None, "completed": 0}}
    assert report["by_age_band"] == {
        band(1950): {"learners": 7, "started": 7, "completed": 5},
        band(1980): {"learners": 5, "started": 5, "completed": 0}}


def test_empty_hub_reports_zeros(hub, enrolled):
    kiosk = enrolled()
    report = httpx.get(f"{hub.base_url}/v1/report", headers=kiosk.headers()).json()
    assert report["learners"] == 0 and report["events"] == 0 and report["kiosks"] == 1
    assert report["by_lesson"] == {} and report["quiz"]["first_try_pass_rate"] is None


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (70, 70)])
def test_suppress(count, shown):
    assert suppress(count) == shown
