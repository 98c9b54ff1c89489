"""The supervisor restarts a crashed kiosk, logs the crash, and gives up on a crash loop."""

from __future__ import annotations

import json

from kiosk.ops.supervisor import Policy, Supervisor, read_crashes
from tests.ops.conftest import FIXTURE_LESSONS, kiosk, trace, write_script


def test_a_crashed_kiosk_is_restarted_and_the_crash_is_logged(tmp_path, child_env):
    data = tmp_path / "data"
    # The kiosk (a real `kiosk run`) aborts in the middle of its script; restarted, it goes on.
    script = write_script(tmp_path / "script.json", [
        {"open": "ui-demo"}, {"steps": 1}, {"crash": True},
        {"open": "ui-demo"}, {"steps": 1}, {"quit": True},
    ])
    child_env["KIOSK_AUTOPILOT"] = str(script)
    result = kiosk("run", "--supervised", "--windowed", "--lessons", str(FIXTURE_LESSONS),
                   "--data", str(data), env=child_env)
    assert result.returncode == 0, result.stderr
    crashes = read_crashes(data)
    assert len(crashes) == 1 and crashes[0].exit_code == -6 and crashes[0].restart
    log = (data / "logs" / "supervisor.log").read_text(encoding="utf-8")
    assert "crashed (killed by signal SIGABRT)" in log and "start 2" in log
    assert "crashing on purpose" in log  # the child's last words are kept
    assert "the kiosk was closed (exit code 0)" in log
    rows = trace(script)
    assert len({row["pid"] for row in rows}) == 2
    report = json.loads(kiosk("progress", "--json", "--data", str(data)).stdout)
    [lesson] = report["learners"][0]["lessons"]
    # The restarted kiosk reopened the lesson at step 2 and finished it, on top of step 1.
    assert rows[3]["step"] == 1
    assert lesson["steps_done"] == 2


def test_a_crash_loop_stops_with_a_clear_message(tmp_path, child_env):
    data = tmp_path / "data"
    child_env["KIOSK_TEST_CRASH"] = "start"
    result = kiosk("supervise", "--max-crashes", "3", "--backoff", "0.05",
                   "--data", str(data), env=child_env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("kiosk: the kiosk crashed 3 times within 60 seconds")
    assert [c.restart for c in read_crashes(data)] == [True, True, False]


def test_back_off_grows_and_a_clean_exit_ends_the_supervisor(tmp_path):
    import sys

    supervisor = Supervisor([sys.executable, "-c", "pass"], tmp_path, Policy())
    assert [supervisor.backoff(n) for n in (1, 2, 3, 6, 10)] == [1, 2, 4, 30, 30]
    assert supervisor.run() == 0 and supervisor.starts == 1
    assert read_crashes(tmp_path) == []
