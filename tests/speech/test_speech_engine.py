"""The TTS engine for real: espeak-ng Vietnamese through the pyttsx3 worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from speechtools import espeak_cli_wav, wav_stats

from kiosk.speech.cache import WavCache
from kiosk.speech.engine import RATE_MAX, RATE_MIN, TtsEngine, clamp_rate, resolve_voice
from kiosk.speech.errors import EngineUnavailable, RenderTimeout, VoiceMissing

REPO = Path(__file__).resolve().parents[2]
SENTENCE = "Hôm nay chúng ta học cách cài ứng dụng định danh điện tử trên điện thoại."


def test_renders_vietnamese_speech_of_plausible_length(engine: TtsEngine, tmp_path: Path):
    path = engine.render(SENTENCE, "vi", 150, timeout=30)
    seconds, rms = wav_stats(path)
    # 17 syllables at 150 words per minute: several seconds of sound, not silence.
    assert 3.0 < seconds < 12.0
    assert rms > 0.02
    # The same text and rate through the espeak-ng command line with the Vietnamese voice;
    # the English voice reads the same letters in a clearly different time.
    vi_seconds, _ = wav_stats(espeak_cli_wav(SENTENCE, tmp_path / "vi.wav", "vi", 150))
    en_seconds, _ = wav_stats(espeak_cli_wav(SENTENCE, tmp_path / "en.wav", "en", 150))
    assert abs(seconds - vi_seconds) / vi_seconds < 0.05
    assert abs(seconds - en_seconds) / en_seconds > 0.10


def test_second_render_comes_from_the_cache(engine: TtsEngine):
    text = "Bấm nút Tiếp theo."
    first = engine.render(text, "vi", 150, timeout=30)
    stamp = first.stat().st_mtime_ns
    future = engine.submit(text, "vi", 150)
    assert future.done()  # answered at once, without the worker
    assert future.result() == first
    assert first.stat().st_mtime_ns >= stamp


def test_rate_changes_the_speech_and_is_clamped(engine: TtsEngine):
    slow, _ = wav_stats(engine.render("Một hai ba bốn năm sáu bảy.", "vi", 100, timeout=30))
    fast, _ = wav_stats(engine.render("Một hai ba bốn năm sáu bảy.", "vi", 250, timeout=30))
    assert slow > fast * 1.5
    assert (clamp_rate(10), clamp_rate(150.4), clamp_rate(900)) == (RATE_MIN, 150, RATE_MAX)
    assert engine.key("x", "vi", 1000) == engine.key("x", "vi", RATE_MAX)


def test_a_missing_voice_is_reported_never_spoken_in_english(engine: TtsEngine):
    with pytest.raises(VoiceMissing, match="no voice “xx-nowhere”"):
        engine.render("Xin chào.", "xx-nowhere", 150, timeout=30)
    assert resolve_voice("vi", [{"id": "aav/vi", "languages": ["vi"]}]) == "aav/vi"
    assert resolve_voice("vi-vn-x-south", [{"id": "aav/vi-vn-x-south"}]) == "aav/vi-vn-x-south"
    assert resolve_voice("km", [{"id": "aav/vi", "languages": ["vi"]}]) is None


def test_a_hung_worker_is_killed_and_replaced(tmp_path: Path):
    tts = TtsEngine(WavCache(tmp_path / "cache"), timeout=1.5)
    try:
        assert tts.wait_ready(60).state == "ready"
        hung = tts.worker_pid
        assert hung is not None
        os.kill(hung, signal.SIGSTOP)  # the worker stops answering, as a hung espeak would
        started = time.monotonic()
        with pytest.raises(RenderTimeout):
            tts.render("Câu này không bao giờ xong.", "vi", 150, timeout=30)
        assert time.monotonic() - started < 5
        with pytest.raises(ProcessLookupError):
            os.kill(hung, 0)  # killed and reaped
        path = tts.render("Câu tiếp theo vẫn đọc được.", "vi", 150, timeout=30)
        assert wav_stats(path)[0] > 1.0
        assert tts.worker_pid not in (None, hung)
        status = tts.status()
        assert status.hangs == 1 and status.worker_starts == 2 and status.state == "ready"
    finally:
        tts.close()


def test_a_dead_worker_is_restarted_and_the_job_still_renders(tmp_path: Path):
    tts = TtsEngine(WavCache(tmp_path / "cache"))
    try:
        assert tts.wait_ready(60).state == "ready"
        dead = tts.worker_pid
        assert dead is not None
        os.kill(dead, signal.SIGKILL)  # the worker crashes between two jobs
        path = tts.render("Máy đọc lại bình thường.", "vi", 150, timeout=30)
        assert wav_stats(path)[0] > 1.0
        assert tts.worker_pid not in (None, dead)
        assert tts.status().crashes == 1
    finally:
        tts.close()


def test_a_worker_dying_in_the_middle_of_a_job_is_replaced_and_the_job_retried(tmp_path: Path):
    tts = TtsEngine(WavCache(tmp_path / "cache"))
    try:
        assert tts.wait_ready(60).state == "ready"
        dying = tts.worker_pid
        assert dying is not None
        os.kill(dying, signal.SIGSTOP)  # hold it so the job is surely in flight when it dies
        future = tts.submit("Bác bấm vào nút màu xanh.", "vi", 150)
        time.sleep(0.3)
        assert not future.done()
        os.kill(dying, signal.SIGKILL)
        path = future.result(30)
        assert wav_stats(path)[0] > 1.0
        assert tts.worker_pid not in (None, dying)
        assert tts.status().crashes == 1 and tts.status().hangs == 0
    finally:
        tts.close()


def test_a_broken_engine_is_reported_and_does_not_raise_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # espeak-ng without its data calls exit(1) inside pyttsx3.init(): only the worker dies.
    empty = tmp_path / "no-espeak-data"
    empty.mkdir()
    monkeypatch.setenv("ESPEAK_DATA_PATH", str(empty))
    tts = TtsEngine(WavCache(tmp_path / "cache"))
    try:
        status = tts.wait_ready(60)
        assert status.state == "unavailable"
        assert "could not start" in (status.error or "")
        with pytest.raises(EngineUnavailable):
            tts.render("Xin chào.", "vi", 150, timeout=30)
    finally:
        tts.close()


def test_the_worker_keeps_the_kiosk_stdout_clean(tmp_path: Path):
    # pyttsx3's espeak driver prints "Audio saved to ..."; `kiosk ... --json` must stay parseable.
    script = (
        "from pathlib import Path\n"
        "from kiosk.speech.cache import WavCache\n"
        "from kiosk.speech.engine import TtsEngine\n"
        "if __name__ == '__main__':\n"
        f"    e = TtsEngine(WavCache(Path({str(tmp_path / 'c')!r})))\n"
        "    p = e.render('Xin chào.', 'vi', 150, timeout=30)\n"
        "    e.close()\n"
        "    print('OK', p.exists())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "OK True\n"
