"""The narration hook between screens and the speech service.

Screens do not know how speech is made (recorded audio, TTS worker, nothing at all); they get
an object with `speak` and `stop` and call it when a step shows, when the learner asks for a
repeat, and whenever a key or click should interrupt. `None` means no narration (the speech
service is wired in by a later change); `speak_safely`/`stop_safely` make a broken narrator
harmless, because DESIGN §7 says a missing or broken engine never stops a lesson.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class Narrator(Protocol):
    """Speaks text aloud without blocking the UI thread."""

    def speak(self, text: str, lang: str) -> None:
        """Start saying `text` in language `lang`, replacing anything being said."""

    def stop(self) -> None:
        """Stop speaking now (idempotent)."""


def speak_safely(narrator: Narrator | None, text: str, lang: str) -> None:
    if narrator is None or not text:
        return
    try:
        narrator.speak(text, lang)
    except Exception:  # a broken engine must never stop a lesson
        log.exception("narrator failed to speak")


def stop_safely(narrator: Narrator | None) -> None:
    if narrator is None:
        return
    try:
        narrator.stop()
    except Exception:
        log.exception("narrator failed to stop")
