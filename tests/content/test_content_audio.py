"""Recorded narration checks (kiosk.content.audio): real WAV, OGG and MP3 bytes, and sidecars."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import unicodedata
import wave
from pathlib import Path

import pytest

from kiosk.content.audio import (
    TRANSCRIPTS_FILE,
    check_audio,
    check_transcript,
    read_transcripts,
    transcript_hash,
)
from kiosk.content.loader import load_lesson

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
HMN = REPO_LESSONS / "vneid-level1" / "audio" / "hmn"


def tone(path: Path, seconds: float, rate: int = 16000) -> Path:
    frames = int(seconds * rate)
    samples = bytearray()
    for i in range(frames):
        value = int(8000 * math.sin(2 * math.pi * 440 * i / rate))
        samples += value.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(samples))
    return path


@pytest.fixture
def ogg(tmp_path: Path) -> Path:
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed")
    out = tmp_path / "step.ogg"
    subprocess.run(["sox", str(tone(tmp_path / "src.wav", 1.5)), str(out)], check=True,
                   capture_output=True, timeout=30)
    return out


def test_good_wav_ogg_and_mp3_pass(tmp_path, ogg):
    assert check_audio(tone(tmp_path / "a.wav", 1.0)) is None
    assert check_audio(ogg) is None
    mp3 = tmp_path / "a.mp3"
    # An ID3v2 tag (10-byte header, empty body), then an MPEG-1 Layer III frame header.
    mp3.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(413))
    assert check_audio(mp3) is None


def test_broken_files_get_a_plain_reason(tmp_path, ogg):
    short = tone(tmp_path / "short.wav", 0.05)
    assert "almost empty" in check_audio(short)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(tone(tmp_path / "long.wav", 1.0).read_bytes()[:9000])
    assert "cut off" in check_audio(cut)
    empty = tmp_path / "empty.ogg"
    empty.write_bytes(b"")
    assert "empty" in check_audio(empty)
    text = tmp_path / "notes.wav"
    text.write_text("recorded on Monday", encoding="utf-8")
    assert "not a WAV, OGG or MP3" in check_audio(text)
    renamed = tmp_path / "step.mp3"
    renamed.write_bytes(ogg.read_bytes())
    assert "rename it to .ogg" in check_audio(renamed)
    truncated = tmp_path / "truncated.ogg"
    truncated.write_bytes(ogg.read_bytes()[:200])
    assert check_audio(truncated) is not None
    not_audio = tmp_path / "video.ogg"
    data = bytearray(ogg.read_bytes()[:200])
    start = 27 + data[26]
    data[start : start + 7] = b"\x80theora"  # an Ogg file with video in it
    not_audio.write_bytes(bytes(data))
    assert "Vorbis or Opus" in check_audio(not_audio)
    bad_mp3 = tmp_path / "bad.mp3"
    bad_mp3.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(400))
    assert "no valid sound frame" in check_audio(bad_mp3)
    assert "cannot be read" in check_audio(tmp_path / "missing.wav")


def test_transcript_hash_is_of_the_nfc_text():
    text = "Nruab VNeID thiab sau npe theem 1. Chưa đúng."
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert transcript_hash(nfd) == transcript_hash(text) == transcript_hash(f"  {text}\n")
    assert transcript_hash(text) != transcript_hash(text.replace("1", "2"))
    assert len(transcript_hash(text)) == 64


def test_sidecar_says_which_text_a_recording_was_made_from(tmp_path):
    folder = tmp_path / "audio" / "hmn"
    folder.mkdir(parents=True)
    recording = tone(folder / "welcome.wav", 1.0)
    assert check_transcript(recording, "any text") is None  # no sidecar: nothing known
    sidecar = {"format": 1, "language": "hmn", "placeholder": False,
               "files": {"welcome.wav": {"step": "welcome", "sha256": transcript_hash("Nyob zoo")}}}
    (folder / TRANSCRIPTS_FILE).write_text(json.dumps(sidecar), encoding="utf-8")
    assert check_transcript(recording, "Nyob zoo") is None
    assert "another version of the text" in check_transcript(recording, "Nyob zoo os")
    other = tone(folder / "install.wav", 1.0)
    assert "does not say which text" in check_transcript(other, "Nyob zoo")
    (folder / TRANSCRIPTS_FILE).write_text("{not json", encoding="utf-8")
    assert read_transcripts(folder) is None
    assert "cannot be read" in check_transcript(recording, "Nyob zoo")


@pytest.mark.skipif(not HMN.is_dir(), reason="no Hmong recordings in the sample lesson")
def test_sample_hmong_recordings_are_current_small_placeholders(languages):
    lesson, problems = load_lesson(REPO_LESSONS / "vneid-level1", languages)
    assert lesson is not None, problems
    sidecar = read_transcripts(HMN)
    assert sidecar is not None and sidecar.placeholder and sidecar.language == "hmn"
    recorded = {step.id: step.audio["hmn"] for step in lesson.steps if "hmn" in step.audio}
    assert set(recorded) == {s.id for s in lesson.steps if s.text.has("hmn")}
    for step in lesson.steps:
        if step.id in recorded:
            path = recorded[step.id]
            assert check_audio(path) is None
            assert check_transcript(path, step.text.values["hmn"]) is None
            assert path.stat().st_size < 100_000


def test_validator_reports_a_broken_or_stale_recording(tmp_path, languages):
    lesson_dir = tmp_path / "vneid-level1"
    shutil.copytree(REPO_LESSONS / "vneid-level1", lesson_dir)
    recordings = lesson_dir / "audio" / "hmn"
    (recordings / "welcome.ogg").write_bytes(b"not sound at all")
    # The Hmong text of another recorded step changed after it was recorded.
    source = (lesson_dir / "lesson.yaml").read_text(encoding="utf-8")
    lesson, _problems = load_lesson(REPO_LESSONS / "vneid-level1", languages)
    check = next(s for s in lesson.steps if s.id == "check")
    opening = " ".join(check.text.values["hmn"].split()[:4])
    assert source.count(opening) == 1
    (lesson_dir / "lesson.yaml").write_text(
        source.replace(opening, opening + " nyob zoo", 1), encoding="utf-8")
    broken, problems = load_lesson(lesson_dir, languages)
    assert broken is None
    messages = {p.field: p.message for p in problems}
    assert any(f.endswith("audio.hmn") and "welcome.ogg" in m for f, m in messages.items())
    assert any("check.ogg" in m and "another version" in m for m in messages.values())
