"""Splitting a narration into sentences, so the first one is rendered and heard at once.

A step is a few sentences; rendering them one by one lets playback start after the first
(about 20 ms of TTS) while the rest render behind it. Splits happen after . ! ? … ; and after
a closing quote or bracket that follows them, never inside a number ("1.5", "50.000") or after
the usual Vietnamese abbreviations ("TP.", "v.v.", "ThS."). A sentence longer than
`MAX_CHARS` is cut again at commas, so a long list does not delay the start either.
"""

from __future__ import annotations

import re

MAX_CHARS = 220

# Abbreviations that end in a full stop but do not end a sentence (compared case-insensitively).
_ABBREVIATIONS = frozenset(
    {"tp.", "q.", "p.", "tx.", "tt.", "ths.", "ts.", "gs.", "pgs.", "bs.", "ks.", "st.", "v.v.",
     "vd.", "đ.", "tr.", "s.", "no."}
)
_END = re.compile(r"[.!?…;]+[\"'”’»)\]]*(?=\s|$)")


def _ends_with_abbreviation(chunk: str) -> bool:
    last = chunk.rsplit(None, 1)[-1].casefold() if chunk.strip() else ""
    return last in _ABBREVIATIONS


def _split_long(sentence: str) -> list[str]:
    if len(sentence) <= MAX_CHARS:
        return [sentence]
    parts: list[str] = []
    current = ""
    for piece in re.split(r"(?<=,)\s+", sentence):
        if current and len(current) + 1 + len(piece) > MAX_CHARS:
            parts.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    if current:
        parts.append(current)
    return parts


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` in order, stripped; empty text gives an empty list."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        chunk = text[start : match.end()]
        if _ends_with_abbreviation(chunk):
            continue
        if chunk.strip():
            sentences.append(chunk.strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    result: list[str] = []
    for sentence in sentences:
        result.extend(_split_long(sentence))
    return result
