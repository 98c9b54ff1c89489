"""Typed speech errors, each with a plain-language message for the technician's diagnostics view.

None of these ever reaches a learner as a crash: the narrator catches them, moves to the next
source of its ranked list and, at the end, shows the text with a note (DESIGN §7). The message
(`str(error)`) is written for a technician; `user_message` is the same text for the UI.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class SpeechError(KioskError):
    """Base of every speech failure; the message says what is wrong in plain words."""


class EngineUnavailable(SpeechError):
    """The TTS engine (pyttsx3 + espeak-ng) cannot be started at all."""


class VoiceMissing(SpeechError):
    """The engine runs but has no voice for the language (it would speak English instead)."""


class RenderTimeout(SpeechError):
    """The TTS worker did not answer in time; it was stopped and will be restarted."""


class WorkerCrashed(SpeechError):
    """The TTS worker process died while rendering, twice in a row."""


class RenderFailed(SpeechError):
    """The worker answered but produced no usable sound file."""
