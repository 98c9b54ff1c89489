"""Recorded narration files: is a file really playable sound, and which text was it made from.

`check_audio(path)` looks at the bytes, not the name: a WAV (PCM, complete, with a sane
duration), an Ogg file carrying Vorbis or Opus (duration from the last page's granule
position), or an MP3 (an ID3 tag and/or a valid MPEG audio frame header). It returns None
when the file is fine, else one plain sentence for the lesson author. No decoding, no Qt:
the validator calls it for every recording.

A recording is made from one version of a step's text; when the text changes later, the
recording is stale. Lessons record that in a sidecar file beside the recordings,
`audio/<lang>/transcripts.json` (the lesson.yaml format rejects unknown fields):

    {"format": 1, "language": "hmn", "placeholder": true, "made_with": "...", "note": "...",
     "files": {"welcome.ogg": {"step": "welcome", "sha256": "<transcript_hash(text)>"}}}

`transcript_hash(text)` is the sha256 of the NFC text (UTF-8, surrounding blanks stripped);
`check_transcript(audio, text)` compares it with the sidecar. No sidecar means nothing is
known (None); `placeholder: true` marks machine-made stand-ins until a native speaker records.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import unicodedata
import wave
from dataclasses import dataclass
from pathlib import Path

from kiosk.i18n import _

log = logging.getLogger(__name__)

TRANSCRIPTS_FILE = "transcripts.json"
TRANSCRIPTS_FORMAT = 1
MIN_SECONDS = 0.2
MAX_SECONDS = 15 * 60.0
MAX_BYTES = 50 * 1024 * 1024
_TAIL = 65_536  # bytes read from the end of an Ogg file to find its last page

_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def transcript_hash(text: str) -> str:
    """sha256 (hex) of the NFC-normalised text a recording was made from."""
    clean = unicodedata.normalize("NFC", text).strip()
    return hashlib.sha256(clean.encode("utf-8")).hexdigest()


def _sane(seconds: float | None, shown: str) -> str | None:
    if seconds is None:
        return None
    if seconds < MIN_SECONDS:
        return _("the recording `{path}` is almost empty ({seconds:.2f} s)").format(
            path=shown, seconds=seconds)
    if seconds > MAX_SECONDS:
        return _("the recording `{path}` is {minutes:.0f} minutes long: a step should take "
                 "less than {limit:.0f}").format(path=shown, minutes=seconds / 60,
                                                   limit=MAX_SECONDS / 60)
    return None


def _check_wav(path: Path, shown: str) -> str | None:
    try:
        with wave.open(str(path), "rb") as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
            frame_bytes = wav.getsampwidth() * wav.getnchannels()
    except (wave.Error, EOFError) as error:
        return _("the WAV file `{path}` cannot be played ({detail}); save it as 16-bit PCM "
                 "WAV, or as OGG").format(path=shown, detail=error)
    if rate <= 0 or frames <= 0:
        return _("the WAV file `{path}` holds no sound").format(path=shown)
    if path.stat().st_size < 44 + frames * frame_bytes:
        return _("the WAV file `{path}` is cut off (an interrupted copy?)").format(path=shown)
    return _sane(frames / rate, shown)


def _ogg_seconds(path: Path, head: bytes) -> float | None:
    """Duration from the last page's granule position, or None when it cannot be known."""
    first_packet = head[27 + head[26]:]  # after the 27-byte header and its segment table
    if first_packet.startswith(b"OpusHead"):
        rate, skip = 48000, struct.unpack_from("<H", first_packet, 10)[0]
    elif first_packet.startswith(b"\x01vorbis"):
        rate, skip = struct.unpack_from("<I", first_packet, 12)[0], 0
    else:
        return None
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - _TAIL))
        tail = handle.read()
    last = tail.rfind(b"OggS")
    if last < 0 or last + 14 > len(tail) or rate <= 0:
        return None
    granule = struct.unpack_from("<q", tail, last + 6)[0]
    return max(0, granule - skip) / rate if granule >= 0 else None


def _check_ogg(path: Path, head: bytes, shown: str) -> str | None:
    if len(head) < 28 or head[4] != 0 or not head[5] & 0x02:
        return _("the OGG file `{path}` is damaged (its first page is wrong)").format(path=shown)
    packet = head[27 + head[26]:]
    if not (packet.startswith(b"OpusHead") or packet.startswith(b"\x01vorbis")):
        return _("the OGG file `{path}` does not hold Vorbis or Opus sound").format(path=shown)
    seconds = _ogg_seconds(path, head)
    if seconds is None:
        return _("the OGG file `{path}` is cut off (no end page)").format(path=shown)
    return _sane(seconds, shown)


def _mp3_frame_ok(header: bytes) -> bool:
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 0x03, (header[1] >> 1) & 0x03
    bitrate, rate = header[2] >> 4, (header[2] >> 2) & 0x03
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def _check_mp3(head: bytes, shown: str) -> str | None:
    start = 0
    if head.startswith(b"ID3") and len(head) >= 10:
        # Tag size: four 7-bit bytes ("syncsafe"), after the 10-byte tag header.
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        start = 10 + size
        if start + 4 > len(head):
            return None  # a large tag (cover picture): the frames lie beyond what we read
    if _mp3_frame_ok(head[start : start + 4]):
        return None
    return _("the MP3 file `{path}` has no valid sound frame at its start").format(path=shown)


def sniff(head: bytes) -> str | None:
    """The container a file's first bytes announce: "wav", "ogg", "mp3" or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head.startswith(b"ID3") or _mp3_frame_ok(head[:4]):
        return "mp3"
    return None


def check_audio(path: Path) -> str | None:
    """None when `path` is playable WAV/OGG/MP3 sound by its header, else the reason."""
    path = Path(path)
    shown = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(16_384)
    except OSError as error:
        return _("the recording `{path}` cannot be read ({detail})").format(
            path=shown, detail=error.strerror or error)
    if size == 0:
        return _("the recording `{path}` is an empty file").format(path=shown)
    if size > MAX_BYTES:
        return _("the recording `{path}` is too large ({mb} MB); keep recordings under "
                 "{limit} MB (OGG is much smaller than WAV)").format(
            path=shown, mb=size // (1024 * 1024), limit=MAX_BYTES // (1024 * 1024))
    kind = sniff(head)
    if kind is None:
        return _("`{path}` is not a WAV, OGG or MP3 sound file").format(path=shown)
    named = path.suffix.lower().lstrip(".")
    if named in ("wav", "ogg", "mp3") and named != kind:
        return _("`{path}` is named .{named} but holds {kind} sound: rename it to .{ext}").format(
            path=shown, named=named, kind=kind.upper(), ext=kind)
    if kind == "wav":
        return _check_wav(path, shown)
    if kind == "ogg":
        return _check_ogg(path, head, shown)
    return _check_mp3(head, shown)


@dataclass(frozen=True)
class Transcripts:
    """The sidecar of one audio/<lang>/ folder: file name -> transcript hash, and its notes."""

    language: str
    placeholder: bool
    hashes: dict[str, str]
    made_with: str = ""


def read_transcripts(folder: Path) -> Transcripts | None:
    """The sidecar in `folder` (audio/<lang>/), None when there is none or it is unreadable."""
    path = Path(folder) / TRANSCRIPTS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        hashes = {unicodedata.normalize("NFC", str(name)): str(entry["sha256"])
                  for name, entry in files.items()}
        return Transcripts(
            language=str(data.get("language", Path(folder).name)),
            placeholder=bool(data.get("placeholder", False)),
            hashes=hashes,
            made_with=str(data.get("made_with", "")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("unreadable %s: %s", path, error)
        return None


def check_transcript(audio: Path, text: str) -> str | None:
    """None when the sidecar says `audio` was made from `text` (or there is no sidecar)."""
    audio = Path(audio)
    sidecar = read_transcripts(audio.parent)
    if sidecar is None:
        if (audio.parent / TRANSCRIPTS_FILE).is_file():
            return _("`{file}` beside `{path}` cannot be read").format(
                file=TRANSCRIPTS_FILE, path=audio.name)
        return None
    recorded = sidecar.hashes.get(unicodedata.normalize("NFC", audio.name))
    if recorded is None:
        return _("`{file}` does not say which text `{path}` was recorded from").format(
            file=TRANSCRIPTS_FILE, path=audio.name)
    if recorded != transcript_hash(text):
        return _("the recording `{path}` was made from another version of the text: record "
                 "it again").format(path=audio.name)
    return None
