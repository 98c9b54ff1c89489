"""A day at the cultural house: several learners, quiet gaps between them, one crash.

The real kiosk runs under its supervisor (`kiosk run --supervised`), driven by a scripted
visitor (kiosk.ui.autopilot) through real key presses and clicks. Every learner's progress
must be intact at the end (`kiosk progress --json`), each quiet gap must end on the lessons
page on the guest card, and the crash must be logged and survived.
"""

from __future__ import annotations

import json

from kiosk.i18n import _
from kiosk.ops.supervisor import read_crashes
from kiosk.speech import speechlog
from kiosk.ui.idle import STILL_THERE
from tests.ops.conftest import FIXTURE_LESSONS, kiosk, trace, write_script

GAP = {"idle": 3.5}  # idle after 1 s, then 1 s for an answer: home well before 3.5 s


def test_a_day_of_simulated_use(tmp_path, child_env):
    data = tmp_path / "data"
    for key, value in (("privacy.idle_seconds", "1"), ("privacy.prompt_seconds", "1")):
        assert kiosk("setting", "set", key, value, "--data", str(data)).returncode == 0
    script = write_script(tmp_path / "day.json", [
        {"new_learner": "An"}, {"open": "ui-demo"}, {"steps": 2}, GAP,
        {"new_learner": "Bình", "code": [2, 5, 8, 9]}, {"open": "ui-demo"}, {"steps": 4},
        {"home": True}, GAP,
        {"learner": "An"}, {"open": "ui-demo"}, {"steps": 1},
        {"crash": True},  # the power flickers, a driver fails: the UI dies mid-lesson
        {"guest": True}, {"open": "ui-demo"}, {"steps": 1}, GAP,
        {"learner": "Bình", "code": [2, 5, 8, 9]}, {"open": "ui-demo"}, {"steps": 1}, GAP,
        {"new_learner": "Chi", "code": [1, 1, 1, 1]}, {"open": "ui-demo"}, {"steps": 3}, GAP,
        {"quit": True},
    ])
    child_env["KIOSK_AUTOPILOT"] = str(script)
    result = kiosk("run", "--supervised", "--windowed", "--lessons", str(FIXTURE_LESSONS),
                   "--data", str(data), env=child_env)
    assert result.returncode == 0, result.stderr[-2000:]

    rows = trace(script)
    assert [r["i"] for r in rows] == list(range(1, 27))  # each of the 26 actions, once
    assert len({r["pid"] for r in rows}) == 2 and len(read_crashes(data)) == 1
    for row in rows:
        if row["action"] == GAP:  # after each quiet gap: lessons page, guest card
            assert row["screen"] == "home" and row["learner"] is None, row
    an_again = next(r for r in rows if r["action"] == {"open": "ui-demo"} and r["i"] == 11)
    assert an_again["learner"] == "An" and an_again["step"] == 2  # where An had stopped
    heard = [e["text"] for e in speechlog.read_entries(tmp_path / "speech.jsonl")]
    assert heard.count(_(STILL_THERE)) >= 4

    report = json.loads(kiosk("progress", "--json", "--data", str(data)).stdout)
    progress = {(learner["name"] or "guest"): learner["lessons"][0]
                for learner in report["learners"] if learner["lessons"]}
    assert {name: (p["steps_done"], p["completed"]) for name, p in progress.items()} == {
        "An": (3, False), "Bình": (4, True), "guest": (1, False), "Chi": (3, False),
    }
