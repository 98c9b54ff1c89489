"""The speech log: one JSON line per utterance when `KIOSK_SPEECH_LOG=FILE` is set.

Tests and accessibility reviews read it to check what a blind learner heard, in which
language and from which source, without listening (DESIGN §7). Each line has `time` (ISO 8601,
UTC), `text` (what the screen shows), `lang` (the language spoken), `requested` (the learner's
language), `source` (`recorded` | `tts` | `none`), `audio` (the first audio file, or null),
`parts` (every audio file of the utterance, in order), `spoken` (the text sent to TTS after the
lexicon) and `notice` (the fallback note, or null). Fields may be added, never renamed.
The variable is read at every write, so it can be switched on while the kiosk runs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "KIOSK_SPEECH_LOG"
_lock = threading.Lock()


def log_path() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def write_entry(
    *,
    text: str,
    lang: str,
    source: str,
    audio: Path | None = None,
    parts: list[Path] | None = None,
    requested: str | None = None,
    spoken: str | None = None,
    notice: str | None = None,
) -> dict | None:
    """Append one utterance to the log (if enabled) and return the entry written."""
    path = log_path()
    if path is None:
        return None
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "text": text,
        "lang": lang,
        "requested": requested or lang,
        "source": source,
        "audio": str(audio) if audio else None,
        "parts": [str(p) for p in (parts or ([audio] if audio else []))],
        "spoken": spoken,
        "notice": notice,
    }
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    try:
        with _lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as error:  # a bad log path must never stop narration
        log.warning("cannot write the speech log %s: %s", path, error)
        return None
    return entry


def read_entries(path: Path) -> list[dict]:
    """All entries of a speech log (for tests and review tools)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
