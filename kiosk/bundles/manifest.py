"""The bundle manifest: what `manifest.json` holds and how strictly it is read.

The manifest is the signed heart of a bundle (DESIGN.md §5): format version, bundle id and
version, titles per language, languages, lessons, publisher key id and name, creation time,
minimum kiosk version, and every file with its path, size and SHA-256. `parse_manifest` checks
every field's type and every path's safety and returns a frozen `Manifest`, or raises
`FormatError`/`UnsafePathError` with a plain reason; `manifest_bytes` writes it for signing.
Only the formats in `SUPPORTED_FORMATS` are read: a newer format is refused, never guessed at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kiosk.bundles.errors import FormatError, KioskTooOldError
from kiosk.bundles.paths import BUNDLE_ID, check_name, check_unique
from kiosk.i18n import _

FORMAT_VERSION = 1
SUPPORTED_FORMATS = (1,)
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
SIGNATURE_SIZE = 64
MAX_VERSION = 2**53  # JSON numbers stay exact up to here in every reader
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KIOSK_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class LessonEntry:
    id: str
    version: int


@dataclass(frozen=True)
class Manifest:
    format: int
    id: str
    version: int
    titles: dict[str, str]
    languages: tuple[str, ...]
    lessons: tuple[LessonEntry, ...]
    publisher_key: str
    publisher: str
    created: str
    min_kiosk_version: str
    files: tuple[FileEntry, ...]

    @property
    def total_size(self) -> int:
        return sum(entry.size for entry in self.files)

    @property
    def lesson_ids(self) -> list[str]:
        return [lesson.id for lesson in self.lessons]

    def title(self, lang: str = "vi") -> str:
        return self.titles.get(lang) or self.titles.get("vi") or next(iter(self.titles.values()))

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format, "id": self.id, "version": self.version,
            "titles": dict(sorted(self.titles.items())), "languages": list(self.languages),
            "lessons": [{"id": lesson.id, "version": lesson.version} for lesson in self.lessons],
            "publisher_key": self.publisher_key, "publisher": self.publisher,
            "created": self.created, "min_kiosk_version": self.min_kiosk_version,
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
        }


def manifest_bytes(manifest: Manifest) -> bytes:
    """The exact bytes that are signed and stored as manifest.json."""
    return (json.dumps(manifest.to_json(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def version_tuple(text: str) -> tuple[int, ...]:
    parts = tuple(int(part) for part in text.split("."))
    return parts + (0,) * (4 - len(parts))


def check_kiosk_version(manifest: Manifest, kiosk_version: str) -> None:
    if version_tuple(manifest.min_kiosk_version) > version_tuple(kiosk_version):
        raise KioskTooOldError(_(
            "this bundle needs kiosk version {needed} or newer; this kiosk is version {have}. "
            "Update the kiosk program first").format(needed=manifest.min_kiosk_version,
                                                     have=kiosk_version))


def _bad(what: str) -> FormatError:
    return FormatError(_("the bundle's manifest is malformed: {what}").format(what=what))


def _int(value: Any, low: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value < MAX_VERSION


def _text(value: Any, limit: int = 1000) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit


def load_manifest_json(data: bytes) -> dict[str, Any]:
    """Decode manifest.json (before its signature is checked, only to find the key id)."""
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FormatError(_("the bundle's manifest is not valid JSON")) from error
    if not isinstance(loaded, dict):
        raise _bad(_("it is not a JSON object"))
    return loaded


def publisher_key_of(raw: dict[str, Any]) -> str:
    key = raw.get("publisher_key")
    if not isinstance(key, str) or not _KEY_ID.match(key):
        raise _bad(_("the publisher key id is missing"))
    return key


def parse_manifest(raw: dict[str, Any]) -> Manifest:
    """Check every field of a decoded (and already signature-checked) manifest."""
    fmt = raw.get("format")
    if not _int(fmt, 1):
        raise _bad(_("the format version is missing"))
    if fmt not in SUPPORTED_FORMATS:
        raise FormatError(_("this bundle uses format version {found}, which this kiosk does not "
                            "know (it reads version {known}); update the kiosk program").format(
                                found=fmt, known=", ".join(map(str, SUPPORTED_FORMATS))))
    bundle_id, version = raw.get("id"), raw.get("version")
    if not isinstance(bundle_id, str) or not BUNDLE_ID.match(bundle_id):
        raise _bad(_("the bundle id is missing or not lowercase letters, digits and dashes"))
    if not _int(version, 1):
        raise _bad(_("the bundle version must be a whole number from 1"))
    titles = raw.get("titles")
    if not isinstance(titles, dict) or not titles or not all(
            _text(code, 16) and _text(title) for code, title in titles.items()):
        raise _bad(_("the titles are missing"))
    languages = raw.get("languages")
    if not isinstance(languages, list) or not all(_text(code, 16) for code in languages):
        raise _bad(_("the list of languages is wrong"))
    lessons: list[LessonEntry] = []
    raw_lessons = raw.get("lessons")
    if not isinstance(raw_lessons, list) or not raw_lessons:
        raise _bad(_("the list of lessons is missing"))
    for entry in raw_lessons:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) \
                or not BUNDLE_ID.match(entry["id"]) or not _int(entry.get("version"), 1):
            raise _bad(_("a lesson entry is wrong"))
        lessons.append(LessonEntry(entry["id"], entry["version"]))
    lesson_ids = {lesson.id for lesson in lessons}
    if len(lesson_ids) != len(lessons):
        raise _bad(_("a lesson is listed twice"))
    publisher, created = raw.get("publisher", ""), raw.get("created")
    min_kiosk = raw.get("min_kiosk_version")
    if not isinstance(publisher, str) or len(publisher) > 200 or not _text(created, 64):
        raise _bad(_("the publisher name or creation time is wrong"))
    if not isinstance(min_kiosk, str) or not _KIOSK_VERSION.match(min_kiosk):
        raise _bad(_("the minimum kiosk version is missing"))
    files = _files(raw.get("files"), lesson_ids)
    return Manifest(fmt, bundle_id, version, dict(titles), tuple(languages), tuple(lessons),
                    publisher_key_of(raw), publisher, created, min_kiosk, files)


def _files(raw_files: Any, lesson_ids: set[str]) -> tuple[FileEntry, ...]:
    if not isinstance(raw_files, list) or not raw_files:
        raise _bad(_("the list of files is missing"))
    files: list[FileEntry] = []
    for entry in raw_files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) \
                or not _int(entry.get("size")) or not isinstance(entry.get("sha256"), str) \
                or not _SHA256.match(entry["sha256"]):
            raise _bad(_("a file entry is wrong"))
        check_name(entry["path"])
        files.append(FileEntry(entry["path"], entry["size"], entry["sha256"]))
    check_unique([entry.path for entry in files])
    for entry in files:
        if entry.path.split("/", 1)[0] not in lesson_ids or "/" not in entry.path:
            raise _bad(_("the file `{path}` is not inside a listed lesson").format(
                path=entry.path))
    paths = {entry.path for entry in files}
    for lesson_id in lesson_ids:
        if f"{lesson_id}/lesson.yaml" not in paths:
            raise _bad(_("the lesson `{id}` has no lesson.yaml").format(id=lesson_id))
    return tuple(files)
