"""The technician's speech checks, against the real engine and a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content.languages import LanguageTable
from kiosk.speech.cache import WavCache
from kiosk.speech.diagnostics import check_audio_outputs, run_checks
from kiosk.speech.engine import TtsEngine


def test_a_working_engine_passes_every_check(engine: TtsEngine, languages: LanguageTable):
    checks = {c.name: c for c in run_checks(engine, languages.languages, ["Speakers"])}
    assert list(checks) == ["engine", "voice:vi", "render", "audio-output"]
    assert all(c.ok for c in checks.values()), [c.message for c in checks.values()]
    assert "espeak" in checks["engine"].message
    assert "Speakers" in checks["audio-output"].message


def test_no_loudspeaker_is_explained():
    check = check_audio_outputs([])
    assert not check.ok and "No loudspeaker" in check.message


def test_a_broken_engine_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  languages: LanguageTable):
    empty = tmp_path / "no-espeak-data"
    empty.mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(empty))
    tts = TtsEngine(WavCache(tmp_path / "cache"))
    try:
        checks = {c.name: c for c in run_checks(tts, languages.languages, [])}
    finally:
        tts.close()
    assert not checks["engine"].ok and "espeak-ng" in checks["engine"].message
    assert not checks["voice:vi"].ok and "not working" in checks["voice:vi"].message
    assert "render" not in checks
    assert not checks["audio-output"].ok
