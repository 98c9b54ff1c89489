"""Earcons: the committed sounds are what build/make_earcons.py makes, short and well formed."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import pytest
from PySide6.QtMultimedia import QMediaDevices

from kiosk.ui.earcons import NAMES, Earcons, earcon_dir

REPO = Path(__file__).resolve().parents[2]


def test_committed_earcons_match_the_generator(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "build" / "make_earcons.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for name in NAMES:
        made, committed = tmp_path / f"{name}.wav", earcon_dir() / f"{name}.wav"
        assert committed.read_bytes() == made.read_bytes(), f"{name}: run build/make_earcons.py"


@pytest.mark.parametrize("name", NAMES)
def test_earcons_are_short_soft_mono_wavs(name):
    with wave.open(str(earcon_dir() / f"{name}.wav"), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        seconds = wav.getnframes() / wav.getframerate()
        samples = memoryview(wav.readframes(wav.getnframes())).cast("h")
    assert 0.03 < seconds < 1.0  # never in the way of the narration
    peak = max(abs(s) for s in samples)
    assert 0.1 * 32767 < peak < 0.5 * 32767  # audible, never startling
    assert abs(samples[0]) < 200 and abs(samples[-1]) < 200  # faded: no click


def test_earcons_without_a_sound_card_are_skipped_quietly(qapp):
    earcons = Earcons()
    played = earcons.play("correct")
    assert earcons.history == ["correct"]
    assert played == bool(QMediaDevices.audioOutputs())
    with pytest.raises(ValueError):
        earcons.play("fanfare")
