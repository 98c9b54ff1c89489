"""Recorded Hmong narration in the fraud-call lesson plays instead of the Vietnamese voice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
AUDIO = REPO_LESSONS / "fraud-call" / "audio" / "hmn"


@pytest.mark.skipif(not AUDIO.is_dir(), reason="no recorded Hmong narration in fraud-call")
def test_fraud_call_plays_recorded_hmong_steps(qtbot, press, spoken_window, heard):
    window = spoken_window(language="hmn", lessons=[REPO_LESSONS])
    tile = next(t for t in window.home.lesson_tiles if t.lesson_id == "fraud-call")
    tile.setFocus()
    press(Qt.Key.Key_Return)
    player = window.player
    for step_id in ("fake-police", "hang-up"):
        step = player.step
        assert step.id == step_id
        (entry,) = heard(step.text.values["hmn"], timeout=20_000)
        assert (entry["source"], entry["lang"]) == ("recorded", "hmn")
        assert entry["audio"] == str(AUDIO / f"{step_id}.ogg")
        if step_id == "fake-police":
            press(Qt.Key.Key_Right)
