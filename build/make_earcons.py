"""Make the kiosk's earcons: short, soft WAV sounds for voice mode, drawn from sine tones.

    python build/make_earcons.py              # (re)write assets/earcons/*.wav
    python build/make_earcons.py --out DIR    # write them somewhere else (tests compare)

Each earcon is a few notes of a pure tone with a gentle attack and release (no clicks), at a
calm level, mono 16-bit 22 050 Hz: `move` (focus moved: one short high tick), `step` (a new
step: two rising notes), `correct` (a bright major arpeggio), `wrong` (two soft falling notes:
"try again", never a harsh buzzer) and `done` (a lesson finished: a fuller rising chord).
The output is deterministic, so running the script twice leaves git clean and a test can
check that the committed files are what this script makes.
"""

from __future__ import annotations

import argparse
import array
import math
import sys
import wave
from pathlib import Path

RATE = 22_050
LEVEL = 0.35  # of full scale: audible over speech, never startling
FADE = 0.008  # seconds of attack and release on every note

# name -> notes as (start seconds, frequency Hz, length seconds, relative loudness)
EARCONS: dict[str, list[tuple[float, float, float, float]]] = {
    "move": [(0.0, 1318.5, 0.045, 0.6)],  # E6
    "step": [(0.0, 659.3, 0.09, 0.8), (0.09, 987.8, 0.13, 0.8)],  # E5, B5
    "correct": [(0.0, 523.3, 0.11, 0.9), (0.09, 659.3, 0.11, 0.9), (0.18, 784.0, 0.24, 1.0)],
    "wrong": [(0.0, 440.0, 0.16, 0.7), (0.15, 370.0, 0.26, 0.7)],  # A4 down to F#4, soft
    "done": [
        (0.0, 523.3, 0.5, 0.7),  # C5, E5, G5 enter one after the other and ring together,
        (0.12, 659.3, 0.38, 0.7),  # then the octave C6 crowns the chord
        (0.24, 784.0, 0.26, 0.7),
        (0.36, 1046.5, 0.34, 0.8),
    ],
}


def render(notes: list[tuple[float, float, float, float]]) -> array.array:
    """The notes mixed into 16-bit samples, each with a short fade in and out."""
    end = max(start + length for start, _f, length, _l in notes)
    mix = [0.0] * (int(round(end * RATE)) + 1)
    for start, freq, length, loud in notes:
        first, count = int(round(start * RATE)), int(round(length * RATE))
        fade = max(1, int(FADE * RATE))
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            # A touch of the second harmonic makes the tone rounder than a bare sine.
            t = i / RATE
            wave_value = math.sin(2 * math.pi * freq * t) + 0.2 * math.sin(4 * math.pi * freq * t)
            mix[first + i] += loud * envelope * wave_value / 1.2
    peak = max(1.0, max(abs(v) for v in mix))  # chords never clip
    return array.array("h", (int(round(32767 * LEVEL * v / peak)) for v in mix))


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, notes in EARCONS.items():
        path = folder / f"{name}.wav"
        samples = render(notes)
        if sys.byteorder != "little":
            samples.byteswap()
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(samples.tobytes())
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "assets" / "earcons"
    parser.add_argument("--out", type=Path, default=default, help="folder for the WAV files")
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
