"""Memory while playing lessons (DESIGN §10: < 120 MB resident), against the bare window.

The kiosk is the real program, `kiosk run --windowed` offscreen in its own process, driven by
the autopilot (kiosk.ui.autopilot: real key presses through the real window) through every
built-in lesson, step by step, with pauses so narration is synthesised and played, then
closed as a technician would. Its peak resident set (ru_maxrss of the finished child, from
wait4) is compared with the bare PySide6 window's (bench/bare_window.py), measured the same way
in the same run. Speech is real (pyttsx3 / espeak-ng); where no audio device is present the
narrator still synthesises every step, which is where its memory goes.
Two figures: in a data folder the kiosk has started in before (one `--exit-when-ready` start
makes its database and content cache), as on every start but the first after an install or
update; and that first start, which also migrates the database (sqlite-utils) and checks every
lesson file (PyYAML, the validator), whose modules then stay loaded, about 5 MB more.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import yaml
from common import ROOT, Row, offscreen_env, python, run_timed

STEP_PAUSE_S = 0.6  # long enough for a step's narration to be synthesised and start
TIMEOUT_S = 900


def _lessons() -> dict[str, int]:
    """Built-in lesson id → number of steps."""
    found = {}
    for folder in sorted((ROOT / "lessons").iterdir()):
        if (folder / "lesson.yaml").is_file():
            lesson = yaml.safe_load((folder / "lesson.yaml").read_text(encoding="utf-8"))
            found[str(lesson["id"])] = len(lesson["steps"])
    return found


def _script() -> list[dict]:
    actions: list[dict] = [{"guest": True}]
    for lesson_id, steps in _lessons().items():
        actions.append({"open": lesson_id})
        for _ in range(steps):  # the last one ends on the completion screen
            actions.append({"idle": STEP_PAUSE_S})
            actions.append({"steps": 1})
        actions.append({"home": True})
    actions.append({"quit": True})
    return actions


def peak_rss_mb(args: list[str], env: dict[str, str]) -> float:
    """Run a process to its end; its peak resident set in MB (Linux reports KiB)."""
    # stderr to a file, not a pipe: FFmpeg logs every sound file, more than a pipe holds.
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(
                f"{' '.join(args)} failed ({child.returncode}): {errors.read()[-2000:]}")
    return usage.ru_maxrss / 1024


def measure() -> list[Row]:
    env = offscreen_env()
    bare_mb = peak_rss_mb([python(), str(ROOT / "bench" / "bare_window.py")], env)
    lessons = len(_lessons())
    with tempfile.TemporaryDirectory(dir=os.environ.get("KIOSK_BENCH_TMP")) as folder:
        script = Path(folder) / "walk.json"
        script.write_text(json.dumps(_script()), encoding="utf-8")
        walk_env = offscreen_env(KIOSK_AUTOPILOT=str(script))

        def kiosk(data: str) -> list[str]:
            return [python(), "-m", "kiosk", "run", "--windowed", "--data",
                    str(Path(folder) / data)]

        first_mb = peak_rss_mb(kiosk("fresh"), walk_env)  # migrates and checks lessons first
        (Path(folder) / "walk.json.state").unlink(missing_ok=True)  # the script starts over
        run_timed([*kiosk("used"), "--exit-when-ready"], env)  # the kiosk has started here before
        usual_mb = peak_rss_mb(kiosk("used"), walk_env)
    return [
        Row(f"peak memory playing all {lessons} lessons with narration (resident)",
            usual_mb, "MB", bare_mb, "bare PySide6 window", "< 120 MB"),
        Row("the same, on the first start after an install (migrations, lesson checks)",
            first_mb, "MB", bare_mb, "bare PySide6 window", "< 120 MB"),
    ]

if __name__ == "__main__":
    from common import print_table

    print_table(measure())
