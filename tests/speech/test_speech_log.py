"""KIOSK_SPEECH_LOG: one JSON line per utterance."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.speech import speechlog


def test_lines_are_appended_when_the_variable_is_set(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    log_file = tmp_path / "speech.jsonl"
    monkeypatch.setenv(speechlog.ENV, str(log_file))
    speechlog.write_entry(text="Xin chào.", lang="vi", source="tts",
                          audio=tmp_path / "a.wav", spoken="Xin chào.")
    speechlog.write_entry(text="ចុច", lang="km", source="none", requested="km",
                          notice="Narration is not available here.")
    first, second = speechlog.read_entries(log_file)
    assert first["text"] == "Xin chào." and first["lang"] == "vi" and first["source"] == "tts"
    assert first["audio"] == str(tmp_path / "a.wav") and first["parts"] == [first["audio"]]
    assert first["time"].endswith("+00:00")
    assert second["source"] == "none" and second["audio"] is None and second["text"] == "ចុច"
    assert log_file.read_text(encoding="utf-8").count("\n") == 2
    assert "ចុច" in log_file.read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_nothing_is_written_without_the_variable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(speechlog.ENV, raising=False)
    assert speechlog.write_entry(text="x", lang="vi", source="tts") is None
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_log_never_stops_speech(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(speechlog.ENV, str(tmp_path / "missing-folder" / "speech.jsonl"))
    assert speechlog.write_entry(text="x", lang="vi", source="tts") is None
