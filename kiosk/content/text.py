"""Unicode helpers for lesson text: NFC normalisation, search keys, legacy-encoding detection.

All text is NFC-normalised where it enters the kiosk (CURRICULUM.md §2.2 item 1). Search keys
are chosen by script, not locale (item 7): Latin-script text drops its marks and folds đ to d,
so "Thuỷ lợi" finds "thủy loi"; other scripts only casefold, because stripping combining marks
would delete Khmer, Tai Viet and Cham vowel signs. `looks_like_legacy_encoding` flags text that
was typed in the old TCVN3 (ABC) or VNI encodings and then read as Latin-1 (item 3), so an
author can retype or convert it; nothing is ever converted silently.
"""

from __future__ import annotations

import re
import unicodedata

LATIN = "Latn"

# TCVN3 puts one Vietnamese letter per byte in 0xA1-0xFE. Read as Latin-1, the lowercase
# vowels and đ become these symbols, which real Vietnamese (or any minority Latin orthography
# used here) never writes inside a word: ă â ê ô ơ ư đ à ả ã á ạ ằ ẳ ẵ ắ and the capitals.
_TCVN3_SYMBOLS = frozenset(
    "\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7\u00a8\u00a9\u00aa\u00ac\u00ad\u00ae"
    "\u00b5\u00b6\u00b7\u00b8\u00b9\u00bc\u00bd\u00be"
)
# Guillemets are TCVN3 ô/ằ too, but also real quotation marks, so they count only between
# two letters ("t«i"), never at a word edge ("«Cài đặt»").
_TCVN3_QUOTES = frozenset("\u00ab\u00bb")
# Latin-1 letters that no Vietnamese, Tày, Mường, Ê Đê, Jrai, Bahnar or Hmong text uses
# (ñ is Jrai/Ê Đê/Bahnar and Ð is a common stand-in for Đ, so neither is listed). TCVN3
# and VNI text is full of them: "TiÕng ViÖt" (TCVN3) and "ngöôøi" (VNI) for "người".
_FOREIGN_LATIN1 = frozenset("ÄÅÆÇËÎÏÖ×ØÛÜÞßäåæçëîïö÷øûüþÿ")
# VNI writes a base letter followed by a mark byte: "Tieáng Vieät" for "Tiếng Việt". These
# pairs cannot occur in Vietnamese: a tone or hat on the second of two vowels happens only in
# oa/oe/uy/uâ/uô/iê/yê (and old-style "hoà"), never after a, e, i or y, nor as ù/ø/û/õ/ï.
_VNI_PAIRS = re.compile(
    "[aAeE][áàãåäéèúüëâêÁÀÃÅÄÉÈÚÜËÂÊ]"
    "|[aeiouyAEIOUYôöÔÖ][ùøûõïÙØÛÕÏ]"
    "|[oO][âÂ]"
)
# C1 control characters appear when cp1252/VNI bytes are decoded as Latin-1.
_C1_CONTROLS = re.compile("[\u0080-\u009f]")


def nfc(text: str) -> str:
    """The NFC form of `text` (how every text is stored, compared and spoken)."""
    return unicodedata.normalize("NFC", text)


def fold_key(text: str, script: str = LATIN) -> str:
    """A search key: without tone marks and with đ→d for Latin scripts; casefolded for all."""
    if script != LATIN:
        return nfc(nfc(text).casefold())
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    # đ/Đ have no decomposition; Ð (eth) is often typed in place of Đ on old keyboards.
    stripped = stripped.translate(str.maketrans("đĐðÐ", "dDdD"))
    return nfc(stripped.casefold())


def _is_letter(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalpha()


_SUSPECTS = re.compile("[" + "".join(sorted(_TCVN3_SYMBOLS | _TCVN3_QUOTES | _FOREIGN_LATIN1))
                       + "]")


def legacy_encoding_score(text: str) -> tuple[int, int]:
    """(strong, weak) signs of TCVN3/VNI mojibake in `text`; see `looks_like_legacy_encoding`."""
    strong = len(_VNI_PAIRS.findall(text)) + len(_C1_CONTROLS.findall(text))
    weak = 0
    # Only the few suspect characters are looked at: this runs on every text of every lesson.
    for match in _SUSPECTS.finditer(text):
        ch, i = match.group(), match.start()
        before, after = _is_letter(text, i - 1), _is_letter(text, i + 1)
        if ch in _TCVN3_SYMBOLS and (before or after):
            # Inside a word ("Cµi") it is unmistakable; at an edge ("©Google") only a hint.
            strong += 2 if before and after else 1
        elif ch in _TCVN3_QUOTES and before and after:
            strong += 1
        elif ch in _FOREIGN_LATIN1 and (before or after):
            weak += 1
    return strong, weak


def looks_like_legacy_encoding(text: str) -> bool:
    """True when `text` looks like TCVN3 or VNI Vietnamese read as Latin-1 (mojibake).

    One strong sign (a TCVN3 symbol inside a word, a VNI letter+mark pair, a C1 control) plus
    any other sign is enough; a single foreign letter such as the ü in "Müller" is not.
    Text in Khmer, Tai Viet or Cham script has no Latin-1 letters and is never flagged.
    """
    strong, weak = legacy_encoding_score(text)
    return (strong >= 1 and strong + weak >= 2) or weak >= 3
