"""Earcons: the short sounds of voice mode (focus moved, new step, right, try again, lesson done).

The sounds are WAV files in assets/earcons (made by build/make_earcons.py). They play through
QSoundEffect, which starts with almost no delay but, unlike QMediaPlayer, does nothing without
a sound card: when the PC has no audio output the earcons are skipped quietly (the narration
still says everything that matters). Effects are built on first use, after the home screen
is up, so QtMultimedia costs nothing at start-up. `history` keeps the names asked for, in
order, for the technician's diagnostics and the tests.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl

from kiosk import config

log = logging.getLogger(__name__)

NAMES = ("move", "step", "correct", "wrong", "done")
VOLUME = 0.6  # under the narration, which matters more


def earcon_dir() -> Path:
    return config.assets_dir() / "earcons"


class Earcons(QObject):
    """Plays the named earcons where an audio output exists; silent (and harmless) elsewhere."""

    def __init__(self, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder or earcon_dir()
        self.history: list[str] = []
        self.played = 0  # how many really went to a loudspeaker
        self._effects: dict[str, object] = {}
        self._has_output: bool | None = None

    def has_output(self) -> bool:
        if self._has_output is None:
            from PySide6.QtMultimedia import QMediaDevices

            self._has_output = bool(QMediaDevices.audioOutputs())
            if not self._has_output:
                log.info("no audio output: earcons are skipped")
        return self._has_output

    def play(self, name: str) -> bool:
        """Play earcon `name`; False when it could not sound (no file or no loudspeaker)."""
        if name not in NAMES:
            raise ValueError(f"unknown earcon {name!r}")
        self.history.append(name)
        path = self.folder / f"{name}.wav"
        if not path.is_file():
            log.warning("earcon %s is missing", path)
            return False
        if not self.has_output():
            return False
        effect = self._effects.get(name)
        if effect is None:
            from PySide6.QtMultimedia import QSoundEffect

            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(VOLUME)
            self._effects[name] = effect
        effect.play()  # type: ignore[attr-defined]
        self.played += 1
        return True
