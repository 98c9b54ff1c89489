"""The WAV cache: keys, atomic commit of complete files only, pruning."""

from __future__ import annotations

import os
import wave
from pathlib import Path

from kiosk.speech.cache import WavCache, cache_key, wav_seconds


def _write_wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(b"\x10\x00" * int(22050 * seconds))
    return path


def test_key_changes_with_engine_voice_rate_and_text():
    base = cache_key("espeak", "vi", 150, "Xin chào.")
    others = {
        cache_key("sapi5", "vi", 150, "Xin chào."),
        cache_key("espeak", "vi-vn-x-south", 150, "Xin chào."),
        cache_key("espeak", "vi", 170, "Xin chào."),
        cache_key("espeak", "vi", 150, "Xin chào!"),
    }
    assert base not in others and len(others) == 4
    assert base == cache_key("espeak", "vi", 150, "Xin chào.")


def test_commit_moves_a_complete_wav_under_its_key(tmp_path: Path):
    cache = WavCache(tmp_path / "cache")
    key = cache_key("espeak", "vi", 150, "a")
    temp = _write_wav(cache.temp_path(key), 0.5)
    final = cache.commit(temp, key)
    assert final == cache.path(key) and not temp.exists()
    assert cache.get(key) == final
    assert abs((wav_seconds(final) or 0) - 0.5) < 0.01


def test_a_cut_off_or_empty_wav_is_never_cached(tmp_path: Path):
    cache = WavCache(tmp_path / "cache")
    key = cache_key("espeak", "vi", 150, "b")
    temp = _write_wav(cache.temp_path(key), 1.0)
    with temp.open("r+b") as handle:  # a worker killed while writing
        handle.truncate(temp.stat().st_size // 2)
    assert cache.commit(temp, key) is None
    assert not temp.exists() and cache.get(key) is None
    empty = _write_wav(cache.temp_path(key), 0.0)
    assert cache.commit(empty, key) is None


def test_a_damaged_cached_file_is_dropped(tmp_path: Path):
    cache = WavCache(tmp_path / "cache")
    key = cache_key("espeak", "vi", 150, "c")
    cache.folder.mkdir(parents=True)
    cache.path(key).write_bytes(b"RIFF....WAVEfmt garbage")
    assert cache.get(key) is None
    assert not cache.path(key).exists()


def test_prune_drops_leftovers_and_least_recently_used(tmp_path: Path):
    cache = WavCache(tmp_path / "cache", max_bytes=60_000)
    paths = []
    for i in range(3):
        key = cache_key("espeak", "vi", 150, str(i))
        paths.append(cache.commit(_write_wav(cache.temp_path(key), 1.0), key))
        os.utime(paths[-1], (1000 + i, 1000 + i))
    leftover = _write_wav(cache.temp_path("x"), 0.2)
    assert cache.prune() == 3  # the leftover and the two oldest files (44 kB each)
    assert not leftover.exists()
    assert [p.exists() for p in paths] == [False, False, True]
