"""Making text speakable before TTS: NFC, the lesson's speak-as lexicon, numbers, dates, money.

espeak-ng reads abbreviations as English ("UBND" becomes "you-bee-en-dee"), a phone number as
one huge quantity, "12/5/2024" without the slashes and "50.000đ" with a letter đ. `speakable()`
rewrites a text for the Vietnamese voice, in this order:

1. NFC: decomposed text makes espeak-ng say "circumflex" (CURRICULUM §2.2).
2. The lexicon of the lesson or bundle, whole words only. Case rule: a key written with no
   lower-case letter ("UBND", "OTP") is an abbreviation and matches only in that exact
   spelling, so an ordinary word that happens to spell it in lower case is left alone; a key
   with lower-case letters ("Zalo") matches in any case. Longer keys win ("UBND xã" before
   "UBND"), and a replacement is never rewritten again. The value `@digits` marks a key that is
   read digit by digit (an ID or phone number the author wants said that way).
3. Built-in rules: dates d/m/yyyy, times hh:mm, money with đ/₫/VND, and numbers that are
   identifiers, not quantities (starting with 0, like phone numbers and OTP codes, or 9+ digits
   in one run, like citizen ID numbers), which are read digit by digit.

Only what is sent to the TTS changes; the screen shows the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

DIGITS_MARK = "@digits"

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
_MONEY = re.compile(r"(?<![\w.,])(\d[\d.]*)\s?(?:đồng|đ|₫|VNĐ|VND)(?!\w)")
# Identifiers: 0-prefixed numbers (optionally grouped by space, dot or dash, as phone numbers
# are written) or a 9+ digit run. "0,5" and "50.000" are quantities and do not match; a
# comma or full stop after the number ends it ("Gọi 0912 345 678, rồi ...").
_IDENTIFIER = re.compile(r"(?<![\w.,])(?:0\d+(?:[ .-]\d+)*|\d{9,})(?!\w|[.,]\d)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def digits_aloud(number: str) -> str:
    """ "0987 654 321" -> "không chín tám bảy, sáu năm bốn, ba hai một" (groups kept as pauses)."""
    groups = [g for g in re.split(r"[^\d]+", number) if g]
    return ", ".join(" ".join(DIGIT_WORDS[int(d)] for d in group) for group in groups)


def _is_abbreviation(key: str) -> bool:
    return not any(ch.islower() for ch in key)


@lru_cache(maxsize=64)
def _compile(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One alternation for the whole lexicon, longest keys first; lookup by folded key."""
    if not items:
        return None, {}
    lookup: dict[str, str] = {}
    parts: list[str] = []
    for key, value in sorted(items, key=lambda kv: -len(kv[0])):
        escaped = re.escape(key)
        if _is_abbreviation(key):
            lookup[key] = value
            parts.append(escaped)
        else:
            lookup[key.casefold()] = value
            parts.append(f"(?i:{escaped})")
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
    return pattern, lookup


def _lookup(lookup: dict[str, str], found: str) -> str | None:
    return lookup.get(found, lookup.get(found.casefold()))


def apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    """Replace every whole-word lexicon key in `text` by how it must be said (see module doc)."""
    items = tuple((nfc(k).strip(), nfc(v).strip()) for k, v in lexicon.items() if k.strip())
    pattern, lookup = _compile(items)
    if pattern is None:
        return text

    def replace(match: re.Match[str]) -> str:
        value = _lookup(lookup, match.group(0))
        if value is None:  # cannot happen: the pattern is built from the keys
            return match.group(0)
        return digits_aloud(match.group(0)) if value == DIGITS_MARK else value

    return pattern.sub(replace, text)


def _say_date(match: re.Match[str]) -> str:
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    return f"ngày {day} tháng {month} năm {year}"


def _say_time(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    return f"{hour} giờ" if minute == 0 else f"{hour} giờ {minute} phút"


def _say_money(match: re.Match[str]) -> str:
    amount = match.group(1).rstrip(".")
    # A 0-prefixed amount is not money ("0đ" aside): leave it to the identifier rule.
    return f"{amount} đồng"


def apply_number_rules(text: str) -> str:
    text = _DATE.sub(_say_date, text)
    text = _TIME.sub(_say_time, text)
    text = _MONEY.sub(_say_money, text)
    return _IDENTIFIER.sub(lambda m: digits_aloud(m.group(0)), text)


def speakable(text: str, lexicon: Mapping[str, str] | None = None) -> str:
    """The text as it must be sent to the Vietnamese TTS voice (see the module docstring)."""
    text = nfc(text)
    if lexicon:
        text = apply_lexicon(text, lexicon)
    text = apply_number_rules(text)
    return re.sub(r"\s+", " ", text).strip()


def is_latin_text(text: str) -> bool:
    """True when every letter is Latin (quốc ngữ and the Latin minority orthographies).

    espeak-ng reads Khmer, Tai Viet or Cham with the Vietnamese voice as spelled-out noise
    (CURRICULUM §2.1), so no such text is ever sent to it. Digits, punctuation and combining
    marks do not count either way; a text with no letter at all is not speakable.
    """
    letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if not unicodedata.name(ch, "").startswith("LATIN"):
                return False
    return letters > 0
