"""Speech self-test for the technician: is there an engine, a voice, a loudspeaker, and why not.

Each check gives a `Check(name, ok, message)` whose message is a plain sentence for the admin
or diagnostics view ("The speech engine could not start (…). Check that espeak-ng and pyttsx3
are installed."). The checks block while the worker starts and renders a test phrase, so the
UI runs `run_checks` off the UI thread. Audio outputs are listed by Qt; the Qt side
(`playback.audio_output_names`) passes them in, so this module stays free of Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kiosk.i18n import _
from kiosk.speech.cache import wav_seconds
from kiosk.speech.engine import DEFAULT_RATE, TtsEngine, resolve_voice
from kiosk.speech.errors import SpeechError

log = logging.getLogger(__name__)

TEST_PHRASE = "Xin chào. Đây là giọng đọc thử của máy."
TEST_VOICE = "vi"


class _Language(Protocol):
    code: str
    tts: str | None


@dataclass(frozen=True)
class Check:
    name: str  # "engine", "voice:vi", "render", "audio-output"
    ok: bool
    message: str


def check_engine(engine: TtsEngine, timeout: float = 30.0) -> Check:
    status = engine.wait_ready(timeout)
    if status.state == "ready":
        return Check("engine", True, _("Speech engine {engine} is working.").format(
            engine=status.engine))
    return Check("engine", False, status.error or _("The speech engine did not start in time."))


def check_voices(engine: TtsEngine, languages: Iterable[_Language]) -> list[Check]:
    """One check per language that has a voice in languages.yaml (after `check_engine`)."""
    status = engine.status()
    voices = [{"id": v} for v in status.voices]
    checks = []
    for lang in languages:
        if not lang.tts:
            continue
        name = f"voice:{lang.code}"
        if status.state != "ready":
            checks.append(Check(name, False, _(
                "The voice “{voice}” cannot be checked: the speech engine is not working."
            ).format(voice=lang.tts)))
        elif resolve_voice(lang.tts, voices) is None:
            checks.append(Check(name, False, _(
                "The voice “{voice}” is missing: lessons in this language are shown as text "
                "only. Install the espeak-ng voice data."
            ).format(voice=lang.tts)))
        else:
            checks.append(Check(name, True, _("The voice “{voice}” is installed.").format(
                voice=lang.tts)))
    return checks


def check_render(engine: TtsEngine, voice: str = TEST_VOICE, timeout: float = 30.0) -> Check:
    """Render a short Vietnamese phrase for real and check it sounds about as long as speech."""
    try:
        path = engine.render(TEST_PHRASE, voice, DEFAULT_RATE, timeout)
    except (SpeechError, TimeoutError) as error:
        return Check("render", False, _("The test sentence could not be spoken: {reason}").format(
            reason=error))
    seconds = wav_seconds(path) or 0.0
    # ~9 syllables at 150 words per minute: about 2-5 s of speech; far outside means noise.
    if not 1.0 <= seconds <= 10.0:
        return Check("render", False, _(
            "The test sentence came out {seconds:.1f} s long, which is not normal speech."
        ).format(seconds=seconds))
    return Check("render", True, _("A test sentence was spoken ({seconds:.1f} s).").format(
        seconds=seconds))


def check_audio_outputs(names: Sequence[str]) -> Check:
    if names:
        return Check("audio-output", True, _("Sound goes to: {device}.").format(
            device=", ".join(names)))
    return Check("audio-output", False, _(
        "No loudspeaker or headphones were found: learners see the text but hear nothing. "
        "Plug in a speaker and check the volume settings."
    ))


def run_checks(
    engine: TtsEngine, languages: Iterable[_Language], audio_outputs: Sequence[str]
) -> list[Check]:
    """All speech checks in the order a technician would fix them."""
    checks = [check_engine(engine)]
    checks.extend(check_voices(engine, languages))
    if checks[0].ok:
        checks.append(check_render(engine))
    checks.append(check_audio_outputs(audio_outputs))
    for check in checks:
        log.info("speech check %s: %s", check.name, "ok" if check.ok else check.message)
    return checks
