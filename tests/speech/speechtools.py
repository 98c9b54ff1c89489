"""Helpers for speech tests: a changed copy of the languages table, WAV measurements, espeak-ng."""

from __future__ import annotations

import array
import math
import shutil
import subprocess
import wave
from pathlib import Path

import yaml

from kiosk import config
from kiosk.content.languages import LanguageTable, parse_languages


def table_with(changes: dict[str, dict]) -> LanguageTable:
    """The real languages.yaml with some fields of some languages changed (e.g. vi tts: null)."""
    data = yaml.safe_load(config.languages_file().read_text(encoding="utf-8"))
    for entry in data["languages"]:
        entry.update(changes.get(entry["code"], {}))
    return parse_languages(data)


def wav_stats(path: Path) -> tuple[float, float]:
    """(seconds, RMS level 0..1) of a 16-bit mono WAV."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        frames = wav.getnframes()
        seconds = frames / wav.getframerate()
        samples = array.array("h", wav.readframes(frames))
    rms = math.sqrt(sum(s * s for s in samples) / max(1, len(samples))) / 32768
    return seconds, rms


def espeak_cli_wav(text: str, out: Path, voice: str = "vi", rate: int = 150) -> Path:
    """The same text rendered by the espeak-ng command line (the reference)."""
    exe = shutil.which("espeak-ng")
    assert exe, "espeak-ng must be installed (build/setup-system.sh)"
    subprocess.run([exe, "-v", voice, "-s", str(rate), "-w", str(out), text], check=True,
                   capture_output=True, timeout=30)
    return out
