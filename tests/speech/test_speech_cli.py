"""`kiosk speech say` and `kiosk speech play`, run as the technician runs them (a process).

They render with the real worker and play through QtMultimedia, which keeps time in silence
when the machine has no sound card. Exit codes and one-line reasons follow DESIGN §11.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk import config
from kiosk.speech.cache import wav_seconds

REPO = Path(__file__).resolve().parents[2]


def kiosk(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    env.pop("KIOSK_DATA", None)
    return subprocess.run([sys.executable, "-m", "kiosk", *args, "--data", str(data)],
                          capture_output=True, text=True, env=env, timeout=120, cwd=REPO)


def test_say_writes_vietnamese_speech_to_a_wav(tmp_path: Path) -> None:
    out = tmp_path / "câu nói.wav"
    done = kiosk("speech", "say", "Xin chào. UBND xã mời bà con lúc 14:30.", "--out", str(out),
                 data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    seconds = wav_seconds(out)
    # Said as "Ủy ban nhân dân ... mười bốn giờ ba mươi": longer than the written text.
    assert seconds is not None and 3.0 < seconds < 15.0
    assert done.stdout.startswith(f"{out}: ") and "voice vi" in done.stdout
    # The same sentence again comes from the kiosk's WAV cache in the data folder.
    assert len(list((tmp_path / "data" / "tts-cache").glob("*.wav"))) == 1


def test_say_refuses_a_language_without_a_voice(tmp_path: Path) -> None:
    done = kiosk("speech", "say", "Pạc nẩy", "--lang", "tyz", "--out", str(tmp_path / "x.wav"),
                 data=tmp_path / "data")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "no synthetic voice" in done.stderr
    assert not (tmp_path / "x.wav").exists()


def test_say_needs_somewhere_to_put_the_speech(tmp_path: Path) -> None:
    done = kiosk("speech", "say", "Xin chào", data=tmp_path / "data")
    assert done.returncode == 2
    assert "--out" in done.stderr


def test_say_reports_an_unwritable_output(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    done = kiosk("speech", "say", "Xin chào", "--out", str(tmp_path / "a-file" / "x.wav"),
                 data=tmp_path / "data")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("kiosk: cannot write")


def test_play_plays_a_sound_file_to_its_end(tmp_path: Path) -> None:
    earcon = config.assets_dir() / "earcons" / "done.wav"
    done = kiosk("speech", "play", str(earcon), data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"played {earcon}: ")


def test_play_refuses_what_is_not_sound(tmp_path: Path) -> None:
    text = tmp_path / "notes.ogg"
    text.write_text("not a recording", encoding="utf-8")
    done = kiosk("speech", "play", str(text), data=tmp_path / "data")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith(f"kiosk: cannot play {text}")
    missing = kiosk("speech", "play", str(tmp_path / "gone.wav"), data=tmp_path / "data")
    assert missing.returncode == 1 and "no such file" in missing.stderr
