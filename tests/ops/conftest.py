"""Helpers for tests that run the real kiosk as a child process (supervisor, a day of use)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE_LESSONS = REPO / "tests" / "ui" / "fixtures" / "lessons"


def kiosk(*args: str, env: dict[str, str] | None = None, timeout: int = 300):
    """Run `python -m kiosk ARGS` as a technician would; the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=REPO)


@pytest.fixture
def child_env(tmp_path) -> dict[str, str]:
    """The environment of a kiosk child: offscreen, its speech log in tmp_path."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["KIOSK_SPEECH_LOG"] = str(tmp_path / "speech.jsonl")
    env.pop("KIOSK_DATA", None)
    return env


def write_script(path: Path, actions: list[dict]) -> Path:
    path.write_text(json.dumps(actions), encoding="utf-8")
    return path


def trace(script: Path) -> list[dict]:
    lines = script.with_name(script.name + ".trace.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in lines.splitlines()]
