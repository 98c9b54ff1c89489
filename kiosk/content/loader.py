"""Load one lesson folder from disk: lesson.yaml, its images and its recorded narration.

`load_lesson` reads `<folder>/lesson.yaml` (UTF-8, NFC-normalised), applies the rules of
`validator`, and returns the `Lesson` only when there are no problems. This module owns the
disk side of those rules: a file named in the lesson must stay inside the lesson folder (no
`..`, no absolute path, no link pointing outside), images must be SVG or PNG whose size can be
read without Qt (SVG viewBox via xml.etree, PNG IHDR header), and recorded narration at
`audio/<lang>/<step-id>.(ogg|mp3|wav)` is used even when the YAML does not name it. File names
written on macOS arrive decomposed (NFD); they are matched by their NFC form.
"""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath

from kiosk.content.languages import LanguageTable
from kiosk.content.model import LESSON_FILE, Lesson, Problem, Rect
from kiosk.content.text import nfc
from kiosk.content.validator import AssetError, ImageInfo, check_lesson
from kiosk.content.yamlsource import read_yaml
from kiosk.i18n import _

log = logging.getLogger(__name__)

__all__ = ["LESSON_FILE", "FolderFiles", "load_lesson", "png_box", "svg_box"]

IMAGE_EXTENSIONS = (".svg", ".png")
AUDIO_EXTENSIONS = (".ogg", ".mp3", ".wav")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def _svg_length(value: str | None) -> float | None:
    match = _SVG_LENGTH.match(value or "")
    return float(match.group(1)) if match else None


def svg_box(path: Path, shown: str) -> Rect:
    """The coordinate box of an SVG: its viewBox, else its width and height in pixels."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        raise AssetError(_("the image `{path}` cannot be read as SVG ({error})").format(
            path=shown, error=error)) from None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise AssetError(_("the image `{path}` is XML but not an SVG picture").format(path=shown))
    view_box = root.get("viewBox")
    if view_box is not None:
        try:
            x, y, width, height = (float(part) for part in re.split(r"[\s,]+", view_box.strip()))
        except ValueError:
            raise AssetError(_("the image `{path}` has a broken viewBox `{box}`: it needs four "
                               "numbers").format(path=shown, box=view_box)) from None
        if width > 0 and height > 0:
            return Rect(x, y, width, height)
        raise AssetError(_("the image `{path}` has an empty viewBox `{box}`").format(
            path=shown, box=view_box))
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    if width and height:
        return Rect(0.0, 0.0, width, height)
    raise AssetError(_("the image `{path}` has no size: add viewBox=\"0 0 WIDTH HEIGHT\" to its "
                       "<svg> element so hotspots can be placed on it").format(path=shown))


def png_box(path: Path, shown: str) -> Rect:
    """The pixel size of a PNG, from the IHDR chunk that must come first."""
    try:
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError as error:
        raise AssetError(_("the image `{path}` cannot be read: {reason}").format(
            path=shown, reason=error.strerror)) from None
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        raise AssetError(_("the image `{path}` is not a readable PNG file").format(path=shown))
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if not width or not height:
        raise AssetError(_("the image `{path}` has no pixels").format(path=shown))
    return Rect(0.0, 0.0, float(width), float(height))


class FolderFiles:
    """The files of one lesson folder, reachable only by safe relative paths (LessonFiles)."""

    def __init__(self, folder: Path, languages: LanguageTable) -> None:
        self.root = folder.resolve()
        self.codes = languages.codes
        self._default_audio = self._scan_audio()

    def _inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)

    def _scan_audio(self) -> dict[tuple[str, str], Path]:
        """(language, step id) -> the recording found in audio/<lang>/, listed once."""
        found: dict[tuple[str, str], Path] = {}
        for code in self.codes:
            folder = self.root / "audio" / code
            if not folder.is_dir():
                continue
            for entry in sorted(folder.iterdir()):
                suffix = entry.suffix.lower()
                if suffix in AUDIO_EXTENSIONS and entry.is_file() and self._inside(entry):
                    # First by extension order wins when several formats exist.
                    key = (code, nfc(entry.stem))
                    current = found.get(key)
                    if current is None or (AUDIO_EXTENSIONS.index(suffix)
                                           < AUDIO_EXTENSIONS.index(current.suffix.lower())):
                        found[key] = entry
        return found

    def _child(self, parent: Path, name: str, shown: str) -> Path:
        candidate = parent / name
        if os.path.lexists(candidate):
            return candidate
        near = None
        if parent.is_dir():
            for entry in parent.iterdir():
                if nfc(entry.name) == name:  # the disk holds an NFD name (macOS)
                    return entry
                if nfc(entry.name).casefold() == name.casefold():
                    near = entry
        if near is not None:
            suggestion = (near.relative_to(self.root)).as_posix()
            raise AssetError(_("the file `{path}` does not exist; did you mean `{near}`? Upper "
                               "and lower case must match").format(path=shown, near=suggestion))
        raise AssetError(_("the file `{path}` does not exist in the lesson folder").format(
            path=shown))

    def locate(self, relative: str) -> Path:
        """The absolute path of a file named in lesson.yaml, checked to stay inside the folder."""
        if "\\" in relative:
            raise AssetError(_("use forward slashes in file paths: `{path}`").format(
                path=relative.replace("\\", "/")))
        pure = PurePosixPath(relative)
        if pure.is_absolute() or re.match(r"^[A-Za-z]:", relative):
            raise AssetError(_("`{path}` is an absolute path: write the path inside the lesson "
                               "folder, like `images/welcome.svg`").format(path=relative))
        if ".." in pure.parts:
            raise AssetError(_("`{path}` points outside the lesson folder (`..`): keep every "
                               "file inside it").format(path=relative))
        current = self.root
        for part in pure.parts:
            if part != ".":
                current = self._child(current, part, relative)
        if not self._inside(current):
            raise AssetError(_("`{path}` is a link to a file outside the lesson folder: copy the "
                               "file into the folder instead").format(path=relative))
        if not current.is_file():
            raise AssetError(_("`{path}` is a folder, not a file").format(path=relative))
        return current

    def image(self, relative: str) -> ImageInfo:
        path = self.locate(relative)
        suffix = path.suffix.lower()
        if suffix not in IMAGE_EXTENSIONS:
            raise AssetError(_("the image `{path}` must be an SVG or PNG file").format(
                path=relative))
        box = svg_box(path, relative) if suffix == ".svg" else png_box(path, relative)
        return ImageInfo(path=path, box=box)

    def audio(self, relative: str) -> Path:
        path = self.locate(relative)
        if path.suffix.lower() not in AUDIO_EXTENSIONS:
            raise AssetError(_("recorded narration must be an .ogg, .mp3 or .wav file, not "
                               "`{path}`").format(path=relative))
        return path

    def default_audio(self, step_id: str) -> dict[str, Path]:
        return {code: path for (code, stem), path in self._default_audio.items()
                if stem == step_id}


def load_lesson(folder: Path, languages: LanguageTable) -> tuple[Lesson | None, list[Problem]]:
    """Load and check one lesson folder; the Lesson only when there are no problems."""
    folder = Path(folder)
    file = folder / LESSON_FILE
    if not file.is_file():
        return None, [Problem(file, None, "", _("there is no lesson.yaml in this folder"))]
    root, problems = read_yaml(file)
    if root is None:
        return None, problems
    files = FolderFiles(folder, languages)
    # abspath, not resolve: a symlinked lesson folder keeps its own name for the id check.
    lesson, more = check_lesson(root, file, Path(os.path.abspath(folder)), languages, files)
    # Top to bottom, as the author reads the file (sorted() is stable within a line).
    problems = sorted(problems + more, key=lambda p: p.line or 0)
    if problems:
        log.info("lesson %s refused: %d problem(s)", folder, len(problems))
        return None, problems
    return lesson, []
