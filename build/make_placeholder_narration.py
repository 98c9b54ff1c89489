"""Machine-made PLACEHOLDER narration in Hmong (RPA) for lesson steps, until a person records them.

    .venv/bin/python build/make_placeholder_narration.py lessons/fraud-call STEP [STEP...]

espeak-ng has no Hmong voice (espeak-ng issue #887). This respells each Hmong syllable of a
step's `hmn` text in Vietnamese letters and reads it with the espeak-ng Vietnamese voice:

- onset: RPA consonants become the nearest Vietnamese spelling (tx/txh -> ch, ts/tsh -> tr,
  r -> tr, c -> ch, q -> c, qh -> kh, x/xy -> x, y -> d, z -> r, ny -> nh, nt -> đ, np -> b;
  prenasalised stops lose their nasal);
- vowel: aa -> ang, ee -> ênh, oo -> ong, au -> ao, aw -> ây, w -> ư, e -> ê, others as written;
- tone letter -> Vietnamese tone mark: b sắc, j ngã, v hỏi, s and g huyền, m and d nặng, none ngang.

Words with Vietnamese letters (quoted button names such as “Từ chối”) and the lesson lexicon
(VNeID, OTP, link) are read as Vietnamese. Then sox makes OGG Vorbis, mono, 16 kHz. The file
`audio/hmn/transcripts.json` records, for each file, the sha256 of the exact step text
(`kiosk.content.audio.transcript_hash`), the espeak-ng input and the commands, with
`"placeholder": true`. The result sounds foreign and some tones are wrong: it only lets a Hmong
reader hear the step read aloud; replace it with a native speaker's recording.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.content.audio import check_audio, transcript_hash  # noqa: E402
from kiosk.content.languages import load_languages  # noqa: E402
from kiosk.content.loader import load_lesson  # noqa: E402

LANG = "hmn"
ESPEAK = ["espeak-ng", "-v", "vi", "-s", "140"]
SOX_FORMAT = ["-r", "16000", "-c", "1", "-C", "-1"]  # before the output file name
SOX_EFFECTS = ["gain", "-n", "-1"]

ONSETS = {
    "ntxh": "ch", "ntx": "ch", "txh": "ch", "tx": "ch",
    "ntsh": "tr", "nts": "tr", "tsh": "tr", "ts": "tr",
    "nrh": "tr", "nr": "tr", "rh": "tr", "r": "tr",
    "nch": "ch", "nc": "ch", "ch": "ch", "c": "ch",
    "nqh": "kh", "nq": "c", "qh": "kh", "q": "c",
    "nkh": "kh", "nk": "c", "kh": "kh", "k": "c",
    "nplh": "pl", "npl": "bl", "plh": "pl", "pl": "pl",
    "nph": "ph", "np": "b", "ph": "ph", "p": "p",
    "nth": "th", "nt": "đ", "th": "th", "t": "t",
    "dh": "đ", "d": "đ",
    "hml": "m", "ml": "m", "hny": "nh", "hn": "n", "hm": "m", "hl": "l",
    "ny": "nh", "n": "n", "m": "m", "l": "l",
    "xy": "x", "x": "x", "s": "s", "y": "d", "z": "r", "v": "v", "f": "ph", "h": "h",
    "g": "g", "": "",
}
VOWELS = {
    "aa": "ang", "ee": "ênh", "oo": "ong", "ai": "ai", "au": "ao", "aw": "ây", "ia": "ia",
    "ua": "ua", "a": "a", "e": "ê", "i": "i", "o": "o", "u": "u", "w": "ư",
}
TONES = {"b": "\u0301", "j": "\u0303", "v": "\u0309", "s": "\u0300", "g": "\u0300",
         "m": "\u0323", "d": "\u0323"}
_ONSET_ORDER = sorted(ONSETS, key=len, reverse=True)
_VOWEL_ORDER = sorted(VOWELS, key=len, reverse=True)
_VOWEL_START = set("aeiouw")


def _vietnamese_onset(onset: str, vowel: str) -> str:
    if onset == "c" and vowel[0] in "eêi":
        return "k"
    if onset == "g" and vowel[0] in "eêi":
        return "gh"
    return onset


def respell_word(word: str) -> str:
    """One RPA word (one or more syllables) in Vietnamese letters; unchanged if it is not RPA."""
    low, pos, out = word.lower(), 0, []
    while pos < len(low):
        for onset in _ONSET_ORDER:
            if not low.startswith(onset, pos):
                continue
            vowel = next((v for v in _VOWEL_ORDER if low.startswith(v, pos + len(onset))), None)
            if vowel is not None:
                break
        else:
            return word
        pos += len(onset) + len(vowel)
        tone = ""
        if pos < len(low) and low[pos] in TONES and (pos + 1 == len(low)
                                                     or low[pos + 1] not in _VOWEL_START):
            tone = TONES[low[pos]]
            pos += 1
        spelled = VOWELS[vowel]
        spelled = spelled[0] + tone + spelled[1:]
        out.append(_vietnamese_onset(ONSETS[onset], spelled) + spelled)
    return unicodedata.normalize("NFC", " ".join(out))


def respell(text: str, lexicon: dict[str, str]) -> str:
    """The espeak-ng input for a Hmong text: lexicon words as Vietnamese, the rest respelled."""
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"\x00{len(kept) - 1}\x00"

    for key in sorted(lexicon, key=len, reverse=True):
        flags = 0 if not any(ch.islower() for ch in key) else re.IGNORECASE
        text = re.sub(rf"(?<!\w){re.escape(key)}(?!\w)", lambda _m, k=key: keep(lexicon[k]),
                      text, flags=flags)

    def word(match: re.Match[str]) -> str:
        value = match.group(0)
        if not value.isascii() or not value.isalpha():
            return value  # Vietnamese (has marks) or a number: read as it is
        return respell_word(value)

    text = re.sub(r"[^\W\d_]+", word, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return re.sub(r"\s+", " ", text).strip()


def make(folder: Path, steps: list[str]) -> None:
    lesson, problems = load_lesson(folder, load_languages())
    if lesson is None and any("audio" not in p.field for p in problems):
        raise SystemExit("\n".join(map(str, problems)))
    source = {}
    if lesson is not None:
        source = {s.id: s.text.values.get(LANG) for s in lesson.steps}
        lexicon = dict(lesson.lexicon)
    else:  # the recordings named in lesson.yaml do not exist yet: read the texts directly
        import yaml

        data = yaml.safe_load((folder / "lesson.yaml").read_text(encoding="utf-8"))
        source = {s["id"]: (s.get("text") or {}).get(LANG) for s in data["steps"]}
        lexicon = {str(k): str(v) for k, v in (data.get("lexicon") or {}).items()}
    out_dir = folder / "audio" / LANG
    out_dir.mkdir(parents=True, exist_ok=True)
    sidecar_path = out_dir / "transcripts.json"
    files = {}
    if sidecar_path.exists():
        files = json.loads(sidecar_path.read_text(encoding="utf-8")).get("files", {})
    for step in steps:
        text = source.get(step)
        if not text:
            raise SystemExit(f"step {step} has no {LANG} text")
        text = unicodedata.normalize("NFC", text)
        spoken = respell(text, lexicon)
        target = out_dir / f"{step}.ogg"
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "step.wav"
            subprocess.run([*ESPEAK, "-w", str(wav), spoken], check=True)
            subprocess.run(["sox", str(wav), *SOX_FORMAT, str(target), *SOX_EFFECTS], check=True)
        problem = check_audio(target)
        if problem:
            raise SystemExit(problem)
        files[target.name] = {"step": step, "sha256": transcript_hash(text),
                              "espeak_input": spoken}
        print(f"{target} ({target.stat().st_size} bytes): {spoken}")
    sidecar = {
        "format": 1, "language": LANG, "placeholder": True,
        "note": ("Machine-made placeholder narration for the Hmong (RPA) step texts, until a "
                 "native Hmong speaker records them. espeak-ng has no Hmong voice: each RPA "
                 "syllable was respelled in Vietnamese letters and read by the Vietnamese voice "
                 "(rules in build/make_placeholder_narration.py). It sounds foreign and some tones "
                 "are wrong: replace it with a real recording, and update sha256 "
                 "(kiosk.content.audio.transcript_hash of the step's hmn text)."),
        "made_with": (f"python build/make_placeholder_narration.py {folder.name} STEP...: "
                      f"{' '.join(ESPEAK)} -w STEP.wav \"<espeak_input>\"; "
                      f"sox STEP.wav {' '.join(SOX_FORMAT)} STEP.ogg {' '.join(SOX_EFFECTS)} "
                      "(OGG Vorbis, mono 16 kHz)"),
        "files": dict(sorted(files.items())),
    }
    sidecar_path.write_text(json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson", type=Path, help="the lesson folder")
    parser.add_argument("steps", nargs="+", help="step ids with a hmn text")
    args = parser.parse_args(argv)
    make(args.lesson, args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
