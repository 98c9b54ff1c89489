"""The screens' handle on narration: one `Speech` object in front of the speech service.

Screens never build a narrator: the window gives them a `Speech`, and the app attaches the
real `kiosk.speech.playback.Narrator` to it once the home screen is up (so start-up never
waits for speech). Until then, and whenever the narrator breaks, every call is a harmless
no-op: DESIGN §7 says a missing or broken engine never stops a lesson. Lesson text is spoken
as `LocalizedText` (so the ranked source list can fall back to Vietnamese); UI sentences are
spoken through `ui_text(msgid)`, which carries the sentence in the UI language and in
Vietnamese, because only Vietnamese has a voice. `serial` counts utterances, so the focus
echo can tell that something more important started speaking in the same turn; `repeat_rate`
makes a second Repeat press within a few seconds slower.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from kiosk import i18n
from kiosk.content.model import SOURCE_LANGUAGE, Lesson, LocalizedText, Step
from kiosk.i18n import _

log = logging.getLogger(__name__)

REPEAT_SLOW_WINDOW = 5.0  # seconds: a second Repeat within this is said slower
SLOW_FACTOR = 0.7
RATE_FLOOR = 80


@runtime_checkable
class Narrator(Protocol):
    """What screens need of kiosk.speech.playback.Narrator (it never blocks the UI thread)."""

    @property
    def rate(self) -> int: ...

    def speak(
        self,
        text: str | LocalizedText,
        lang: str,
        *,
        audio: Mapping[str, Path] | None = None,
        queue: bool = False,
        rate: int | None = None,
    ) -> None: ...

    def narrate(
        self,
        step: Step,
        lang: str,
        lesson: Lesson | None = None,
        *,
        queue: bool = False,
        rate: int | None = None,
    ) -> None: ...

    def stop(self) -> None: ...

    def is_speaking(self) -> bool: ...

    def set_rate(self, rate: int) -> int: ...


def vietnamese_ui(msgid: str) -> str:
    """`msgid` from the Vietnamese UI catalog (the English id while it has no translation)."""
    from kiosk.speech.sources import vietnamese

    return vietnamese(msgid) or msgid


def ui_text(msgid: str, **fields: object) -> LocalizedText:
    """A UI sentence to speak: in the UI language, and in Vietnamese for the voice fallback."""
    lang = i18n.language()
    values = {lang: _(msgid).format(**fields)}
    if lang != SOURCE_LANGUAGE:
        values[SOURCE_LANGUAGE] = vietnamese_ui(msgid).format(**fields)
    return LocalizedText(values)


class Speech:
    """Safe calls to the narrator (if any), plus what Repeat and the focus echo need."""

    def __init__(
        self, narrator: Narrator | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.narrator = narrator
        self.serial = 0
        self._clock = clock
        self._last_repeat: float | None = None

    def attach(self, narrator: Narrator | None) -> None:
        self.narrator = narrator

    @property
    def available(self) -> bool:
        return self.narrator is not None

    @property
    def rate(self) -> int | None:
        return self.narrator.rate if self.narrator is not None else None

    def _call(self, what: str, call: Callable[[Narrator], object]) -> bool:
        if self.narrator is None:
            return False
        try:
            call(self.narrator)
        except Exception:  # a broken engine must never stop a lesson
            log.exception("narrator failed to %s", what)
            return False
        return True

    def say(
        self,
        text: str | LocalizedText,
        lang: str,
        *,
        audio: Mapping[str, Path] | None = None,
        queue: bool = False,
        rate: int | None = None,
    ) -> bool:
        """Speak lesson text (a LocalizedText falls back to Vietnamese) or a plain string."""
        if not text or (isinstance(text, LocalizedText) and not any(text.values.values())):
            return False
        self.serial += 1
        return self._call(
            "speak", lambda n: n.speak(text, lang, audio=audio, queue=queue, rate=rate)
        )

    def say_ui(
        self, msgid: str, *, queue: bool = False, rate: int | None = None, **fields: object
    ) -> bool:
        """Speak a UI sentence (an English msgid, translated now) in the UI language."""
        return self.say(ui_text(msgid, **fields), i18n.language(), queue=queue, rate=rate)

    def say_shown(self, text: str, *, queue: bool = False, rate: int | None = None) -> bool:
        """Speak a text already shown in the UI language (a heading, a button's name)."""
        lang = i18n.language()
        return self.say(LocalizedText({lang: text}), lang, queue=queue, rate=rate)

    def narrate(
        self,
        step: Step,
        lang: str,
        lesson: Lesson | None = None,
        *,
        queue: bool = False,
        rate: int | None = None,
    ) -> bool:
        self.serial += 1
        return self._call(
            "narrate", lambda n: n.narrate(step, lang, lesson, queue=queue, rate=rate)
        )

    def stop(self) -> None:
        self._call("stop", lambda n: n.stop())

    def is_speaking(self) -> bool:
        if self.narrator is None:
            return False
        try:
            return bool(self.narrator.is_speaking())
        except Exception:
            log.exception("narrator failed to report")
            return False

    def repeat_rate(self) -> int | None:
        """Call at each Repeat press: a slower rate when the last press was moments ago."""
        now = self._clock()
        recent = self._last_repeat is not None and now - self._last_repeat < REPEAT_SLOW_WINDOW
        self._last_repeat = now
        if not recent or self.narrator is None:
            return None
        return max(RATE_FLOOR, round(self.narrator.rate * SLOW_FACTOR))
