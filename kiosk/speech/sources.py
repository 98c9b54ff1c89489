"""Which source speaks a text in language L: the ranked list, in one pure function.

DESIGN §7 and STYLE practice 5: recorded audio in L, then the TTS voice of L, then recorded
Vietnamese, then TTS Vietnamese, then nothing (the text stays on screen with a note). A
language's own fallback chain from `languages.yaml` (empty for every language today) slots in
between L and Vietnamese with the same two steps per language. `plan_sources` returns every
usable option in that order, always ending with `NONE`; the narrator tries them in turn, so a
TTS engine that fails at run time simply hands over to the next option.

TTS is offered for a language only when `languages.yaml` gives it a voice, the text exists in
that language, and every letter of it is Latin: espeak-ng reads Khmer, Tai Viet or Cham with
the Vietnamese voice as noise (CURRICULUM §2.1). Whether an option is a fallback, and the note
to show and say for it, come from `fallback_notice`.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from kiosk import config
from kiosk.content.model import SOURCE_LANGUAGE, LocalizedText
from kiosk.i18n import DOMAIN, N_, _
from kiosk.speech.lexicon import is_latin_text


class Source(StrEnum):
    RECORDED = "recorded"
    TTS = "tts"
    NONE = "none"


class LanguageInfo(Protocol):
    tts: str | None
    fallback: tuple[str, ...]


class LanguageLookup(Protocol):
    """What the planner needs from `kiosk.content.languages.LanguageTable`."""

    def find(self, code: str) -> LanguageInfo | None: ...


@dataclass(frozen=True)
class Option:
    """One way to say the text: `lang` is the language actually spoken."""

    source: Source
    lang: str
    requested: str  # the learner's language
    text: str = ""  # the text in `lang` (what TTS reads; what the log records)
    audio: Path | None = None  # the recorded file, for RECORDED
    voice: str | None = None  # the espeak-ng voice id, for TTS

    @property
    def fallback(self) -> bool:
        return self.source is Source.NONE or self.lang != self.requested


def _chain(lang: str, languages: LanguageLookup) -> list[str]:
    info = languages.find(lang)
    codes = [lang, *(info.fallback if info else ()), SOURCE_LANGUAGE]
    return list(dict.fromkeys(codes))  # keep order, drop repeats (vi asked: vi once)


def plan_sources(
    text: LocalizedText,
    audio: Mapping[str, Path],
    lang: str,
    languages: LanguageLookup,
    exists: Callable[[Path], bool] = Path.is_file,
) -> tuple[Option, ...]:
    """Every usable source for `text` in `lang`, best first, ending with Source.NONE."""
    options: list[Option] = []
    for code in _chain(lang, languages):
        said = text.values.get(code, "")
        recorded = audio.get(code)
        if recorded is not None and exists(recorded):
            options.append(Option(Source.RECORDED, code, lang, said, audio=recorded))
        info = languages.find(code)
        if info is not None and info.tts and said.strip() and is_latin_text(said):
            options.append(Option(Source.TTS, code, lang, said, voice=info.tts))
    shown = text.pick(lang, tuple(_chain(lang, languages)[1:-1])).text
    options.append(Option(Source.NONE, lang, lang, shown))
    return tuple(options)


def notice_msgid(option: Option) -> str | None:
    """The untranslated (English) note for `option`, or None when it needs no note."""
    if option.source is Source.NONE:
        return N_("Narration is not available here: please read the text on the screen.")
    if not option.fallback:
        return None
    if option.lang == SOURCE_LANGUAGE:
        if option.source is Source.RECORDED:
            return N_("No recording in this language: playing the Vietnamese recording.")
        return N_("No recording in this language: reading in Vietnamese.")
    return N_("No recording in this language: using a related language.")


def fallback_notice(option: Option) -> str | None:
    """The note shown (and said) when `option` is not narration in the learner's language."""
    msgid = notice_msgid(option)
    return _(msgid) if msgid else None


def vietnamese(msgid: str, locales: Path | None = None) -> str | None:
    """`msgid` from the Vietnamese catalog, or None when it has no Vietnamese translation.

    The spoken fallback note is said with the Vietnamese voice whatever the UI language, so it
    must be Vietnamese text: an English msgid read by that voice would be gibberish.
    """
    catalog = gettext.translation(DOMAIN, localedir=locales or config.locales_dir(),
                                  languages=["vi"], fallback=True)
    said = catalog.gettext(msgid)
    return said if said != msgid else None
