"""`kiosk speech ...`: the technician's checks of the kiosk's own speech and sound.

    kiosk speech say TEXT [--lang CODE] [--rate N] [--out FILE.wav] [--play]
    kiosk speech play FILE

`say` renders TEXT with the synthetic voice of the language (its `tts` in languages.yaml)
exactly as a lesson would: the same speak-as rules, worker process and WAV cache in the data
folder; it writes the WAV to `--out` and/or plays it. `play` plays an audio file (.wav, .ogg,
.mp3) through QtMultimedia, the way recorded narration is played, and returns when it ends;
on a PC without a sound card it still plays in silence, in real time. Both check a frozen
install end to end (its espeak-ng, voice data and media backend). Failures end with exit 1 and
one plain line on stderr (DESIGN §11); this module imports Qt only inside `play`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kiosk.cli_common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    command,
    command_group,
    data_dir,
)

log = logging.getLogger(__name__)

RENDER_TIMEOUT = 60.0  # seconds for one text, worker start included
PLAY_SLACK_MS = 10_000  # beyond the file's own duration before `play` gives up


def add_commands(sub: argparse._SubParsersAction) -> None:
    speech = command_group(sub, "speech", "check the speech engine and the sound")

    say = command(speech, "say", "say a text with the kiosk's synthetic voice", cmd_say)
    say.add_argument("text", metavar="TEXT")
    say.add_argument("--lang", default="vi", metavar="CODE",
                     help="language of the text (default: vi)")
    say.add_argument("--rate", type=int, default=None, metavar="N",
                     help="words per minute, 80-300 (default: the kiosk's rate)")
    say.add_argument("--out", metavar="FILE", help="write the speech to this WAV file")
    say.add_argument("--play", action="store_true", help="play it on the loudspeaker")

    play = command(speech, "play", "play an audio file as narration is played", cmd_play)
    play.add_argument("file", metavar="FILE")


def cmd_say(args: argparse.Namespace) -> int:
    from kiosk.bundles.fsutil import write_atomic
    from kiosk.content.languages import load_languages
    from kiosk.speech.cache import WavCache, default_cache_dir, wav_seconds
    from kiosk.speech.engine import DEFAULT_RATE, TtsEngine
    from kiosk.speech.errors import SpeechError
    from kiosk.speech.lexicon import speakable

    if not args.out and not args.play:
        print("kiosk speech say: give --out FILE, --play or both", file=sys.stderr)
        return EXIT_USAGE
    language = load_languages().find(args.lang)
    if language is None:
        raise CommandError(f"unknown language “{args.lang}” (see lessons/languages.yaml)")
    if not language.tts:
        raise CommandError(f"{language.name} ({language.code}) has no synthetic voice; "
                           "its lessons use recorded narration")
    text = speakable(args.text)
    if not any(ch.isalnum() for ch in text):
        raise CommandError("there is nothing to say in this text")
    data = data_dir(args, cli_log=False)
    engine = TtsEngine(WavCache(default_cache_dir(data)), timeout=RENDER_TIMEOUT,
                       start_timeout=RENDER_TIMEOUT)
    try:
        wav = engine.render(text, language.tts, args.rate or DEFAULT_RATE, RENDER_TIMEOUT)
        status = engine.status()
    except SpeechError as error:
        raise CommandError(str(error)) from None
    except TimeoutError:
        raise CommandError("the speech engine did not answer in time") from None
    finally:
        engine.close()
    seconds = wav_seconds(wav) or 0.0
    where = "shipped espeak-ng" if status.library else "system voice"
    if args.out:
        out = Path(args.out)
        try:
            write_atomic(out, wav.read_bytes())
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror or error}") from None
        print(f"{out}: {seconds:.1f} s of speech, voice {language.tts} "
              f"({status.engine}, {where})")
    if args.play:
        _play(wav)
    return EXIT_OK


def cmd_play(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    _play(path)
    return EXIT_OK


def _play(path: Path) -> None:
    """Play `path` to its end through QtMultimedia; CommandError when it cannot be played."""
    from PySide6.QtCore import QCoreApplication, QTimer, QUrl
    from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    player = QMediaPlayer()
    output = QAudioOutput()
    player.setAudioOutput(output)
    if not player.isAvailable():
        raise CommandError("sound files cannot be played: Qt's media backend (FFmpeg) "
                           "did not load")
    outcome: dict[str, str] = {}
    deadline = QTimer()
    deadline.setSingleShot(True)

    def finish(error: str | None = None) -> None:
        if "end" not in outcome:
            outcome["end"] = error or ""
            app.exit(0)

    def on_status(status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            finish()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            finish(player.errorString() or "not a sound file the kiosk can play")

    player.mediaStatusChanged.connect(on_status)
    player.errorOccurred.connect(lambda _error, message: finish(message or "playback failed"))
    player.durationChanged.connect(lambda ms: deadline.start(int(ms) + PLAY_SLACK_MS))
    deadline.timeout.connect(lambda: finish("playback did not reach the end of the file"))
    deadline.start(PLAY_SLACK_MS)
    player.setSource(QUrl.fromLocalFile(str(path.resolve())))
    player.play()
    if "end" not in outcome:
        app.exec()
    player.stop()
    if outcome.get("end"):
        raise CommandError(f"cannot play {path}: {outcome['end']}")
    device = QMediaDevices.defaultAudioOutput().description()
    print(f"played {path}: {player.duration() / 1000:.1f} s on "
          f"{device or 'no loudspeaker (timed in silence)'}")
