"""The ranked list of narration sources: one test per branch (STYLE practice 5)."""

from __future__ import annotations

from pathlib import Path

from speechtools import table_with

from kiosk.content.languages import LanguageTable
from kiosk.content.model import LocalizedText
from kiosk.speech.sources import fallback_notice, plan_sources

VI = "Bấm vào nút Cài đặt."
TYZ = "Nhấn pày nút Cài đặt."
KM = "ចុចប៊ូតុងដំឡើង។"


def _recording(folder: Path, lang: str) -> Path:
    path = folder / "audio" / lang / "step.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF")  # only existence matters to the planner
    return path


def _kinds(plan) -> list[tuple[str, str]]:
    return [(o.source.value, o.lang) for o in plan]


def test_recorded_in_the_learners_language_comes_first(tmp_path: Path, languages: LanguageTable):
    audio = {"tyz": _recording(tmp_path, "tyz"), "vi": _recording(tmp_path, "vi")}
    plan = plan_sources(LocalizedText({"vi": VI, "tyz": TYZ}), audio, "tyz", languages)
    assert _kinds(plan) == [("recorded", "tyz"), ("recorded", "vi"), ("tts", "vi"),
                            ("none", "tyz")]
    assert plan[0].audio == audio["tyz"]
    assert not plan[0].fallback
    assert fallback_notice(plan[0]) is None


def test_tts_in_the_learners_language_when_it_has_a_voice(languages: LanguageTable):
    plan = plan_sources(LocalizedText({"vi": VI}), {}, "vi", languages)
    assert _kinds(plan) == [("tts", "vi"), ("none", "vi")]
    assert plan[0].voice == "vi" and plan[0].text == VI
    assert not plan[0].fallback and fallback_notice(plan[0]) is None


def test_tts_in_a_minority_language_that_gets_a_voice():
    # A language gains a voice by data alone (languages.yaml), never by code.
    table = table_with({"tyz": {"tts": "vi-vn-x-central"}})
    plan = plan_sources(LocalizedText({"vi": VI, "tyz": TYZ}), {}, "tyz", table)
    assert _kinds(plan)[0] == ("tts", "tyz")
    assert plan[0].voice == "vi-vn-x-central" and plan[0].text == TYZ


def test_recorded_vietnamese_when_the_language_has_no_recording_nor_voice(
    tmp_path: Path, languages: LanguageTable
):
    audio = {"vi": _recording(tmp_path, "vi")}
    plan = plan_sources(LocalizedText({"vi": VI, "tyz": TYZ}), audio, "tyz", languages)
    assert _kinds(plan) == [("recorded", "vi"), ("tts", "vi"), ("none", "tyz")]
    assert plan[0].fallback
    assert fallback_notice(plan[0]) == (
        "No recording in this language: playing the Vietnamese recording.")


def test_tts_vietnamese_when_nothing_else_exists(languages: LanguageTable):
    plan = plan_sources(LocalizedText({"vi": VI, "km": KM}), {}, "km", languages)
    assert _kinds(plan) == [("tts", "vi"), ("none", "km")]
    assert plan[0].text == VI  # the Vietnamese text is read, never the Khmer one
    assert plan[0].fallback
    assert fallback_notice(plan[0]) == "No recording in this language: reading in Vietnamese."
    assert plan[-1].text == KM  # the screen keeps the learner's text


def test_none_when_no_language_can_be_spoken():
    table = table_with({"vi": {"tts": None}})
    plan = plan_sources(LocalizedText({"vi": VI, "tyz": TYZ}), {}, "tyz", table)
    assert _kinds(plan) == [("none", "tyz")]
    assert plan[0].text == TYZ
    assert plan[0].fallback
    assert "read the text on the screen" in (fallback_notice(plan[0]) or "")


def test_a_missing_recording_file_is_skipped(tmp_path: Path, languages: LanguageTable):
    audio = {"tyz": tmp_path / "audio" / "tyz" / "gone.ogg"}
    plan = plan_sources(LocalizedText({"vi": VI, "tyz": TYZ}), audio, "tyz", languages)
    assert _kinds(plan)[0] == ("tts", "vi")


def test_non_latin_text_is_never_sent_to_tts():
    # Even if someone gives Khmer a voice, espeak-ng would read Khmer script as noise.
    table = table_with({"km": {"tts": "vi"}})
    plan = plan_sources(LocalizedText({"vi": VI, "km": KM}), {}, "km", table)
    assert ("tts", "km") not in _kinds(plan)
    assert _kinds(plan)[0] == ("tts", "vi")


def test_the_language_fallback_chain_sits_between_the_language_and_vietnamese(tmp_path: Path):
    table = table_with({"mtq": {"fallback": ["tyz"]}})
    audio = {"tyz": _recording(tmp_path, "tyz")}
    plan = plan_sources(LocalizedText({"vi": VI, "tyz": TYZ}), audio, "mtq", table)
    assert _kinds(plan) == [("recorded", "tyz"), ("tts", "vi"), ("none", "mtq")]
    assert plan[0].fallback
    assert plan[-1].text == TYZ  # what the screen shows follows the same chain
    assert fallback_notice(plan[0]) == "No recording in this language: using a related language."
