"""The WAV cache: rendered speech on disk, one file per (engine, voice, rate, text).

A file is named by the sha256 of `engine|voice|rate|text`, so the same sentence at the same
rate is rendered once and then starts instantly, and a change of voice or rate never plays a
stale file. The worker writes into a temporary name beside the final one; `commit()` checks
that the WAV is complete (header frame count matches the bytes on disk, and it is not empty)
before one atomic rename, so a killed worker can never leave a half-file under a real key.
`prune()` keeps the folder under a size limit by dropping the least recently used files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
import wave
from pathlib import Path

log = logging.getLogger(__name__)

CACHE_FOLDER = "tts-cache"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
MIN_SECONDS = 0.05


def default_cache_dir(data: Path) -> Path:
    """The cache folder inside the kiosk's data folder."""
    return data / CACHE_FOLDER


def cache_key(engine: str, voice: str, rate: int, text: str) -> str:
    return hashlib.sha256(f"{engine}|{voice}|{rate}|{text}".encode()).hexdigest()


def wav_seconds(path: Path) -> float | None:
    """The duration of a complete, non-empty PCM WAV file, else None."""
    try:
        with wave.open(str(path), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
            frame_bytes = wav.getsampwidth() * wav.getnchannels()
    except (OSError, EOFError, wave.Error):
        return None
    if frames <= 0 or rate <= 0:
        return None
    # The header is written before the samples; a short file was cut off.
    if path.stat().st_size < 44 + frames * frame_bytes:
        return None
    seconds = frames / rate
    return seconds if seconds >= MIN_SECONDS else None


class WavCache:
    """Hash-named WAV files in one folder (created on first use)."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        """The cached file for `key` if present and complete (and mark it recently used)."""
        path = self.path(key)
        if not path.is_file():
            return None
        if wav_seconds(path) is None:
            log.warning("dropping an incomplete cached WAV %s", path.name)
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)
        except OSError:
            pass  # a read-only cache still plays
        return path

    def temp_path(self, key: str) -> Path:
        """A fresh name for the worker to write into (same folder, so the rename is atomic)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f".{key}.{uuid.uuid4().hex[:8]}.part.wav"

    def commit(self, temp: Path, key: str) -> Path | None:
        """Move a finished temporary WAV under its key; None (and no file) if it is unusable."""
        if wav_seconds(temp) is None:
            temp.unlink(missing_ok=True)
            return None
        final = self.path(key)
        os.replace(temp, final)
        return final

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [p for p in self.folder.iterdir() if p.suffix == ".wav" and p.is_file()]

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files())

    def prune(self) -> int:
        """Remove leftover temporary files and the oldest WAVs beyond `max_bytes`; count removed."""
        removed = 0
        entries = []
        for path in self.files():
            if path.name.startswith("."):
                path.unlink(missing_ok=True)
                removed += 1
                continue
            stat = path.stat()
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed
