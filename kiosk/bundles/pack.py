"""Packing lesson folders into a signed `.kbundle` file (`kiosk bundle pack`).

The source is one lesson folder or a folder of lesson folders. Every lesson is first loaded
with kiosk.content, exactly as the kiosk will load it, and packing is refused if any lesson
has a problem: a bundle never carries a lesson the kiosk would leave out. Each regular file of
each lesson folder goes into the zip under `<lesson-id>/<path>` (NFC names, hidden files and
links refused or skipped), hashed while it is written, so the source is read once. Text files
are deflated; pictures and sound are already compressed and stored as they are. The manifest
is written last with every file's size and SHA-256, and signed with the publisher key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kiosk import __version__
from kiosk.bundles.errors import PackError, UnsafePathError
from kiosk.bundles.keys import ROLE_PUBLISHER, SecretKeyInfo
from kiosk.bundles.manifest import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    FileEntry,
    LessonEntry,
    Manifest,
    manifest_bytes,
    parse_manifest,
)
from kiosk.bundles.paths import BUNDLE_ID, check_name, check_unique, nfc
from kiosk.content.model import Lesson
from kiosk.i18n import _

log = logging.getLogger(__name__)

CHUNK = 4 << 20
COMPRESSED_TYPES = {".png", ".jpg", ".jpeg", ".ogg", ".mp3", ".opus", ".webp", ".gz", ".zip"}
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same sources give the same zip entries


@dataclass(frozen=True)
class PackResult:
    path: Path
    manifest: Manifest


def _lessons(source: Path) -> list[tuple[Path, Lesson]]:
    from kiosk.content.catalog import lesson_folders
    from kiosk.content.languages import load_languages
    from kiosk.content.loader import load_lesson

    folders = lesson_folders(source)
    if not folders:
        raise PackError(_("no lesson in {path}: give a lesson folder (with lesson.yaml) or a "
                          "folder of lesson folders").format(path=source))
    table = load_languages()
    loaded: list[tuple[Path, Lesson]] = []
    for folder in folders:
        lesson, problems = load_lesson(folder, table)
        if lesson is None:
            for problem in problems:
                log.warning("%s", problem)
            first = problems[0] if problems else folder
            raise PackError(_("the lesson in {folder} is not valid ({count} problem(s), first: "
                              "{first}); fix it, `kiosk lessons validate` lists them all").format(
                                  folder=folder.name, count=len(problems), first=first))
        loaded.append((folder, lesson))
    return loaded


def _files_of(folder: Path, lesson_id: str) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(names):
            if name.startswith("."):
                continue  # .DS_Store, editor swap files
            path = Path(root) / name
            relative = nfc(path.relative_to(folder).as_posix())
            if path.is_symlink() or not path.is_file():
                raise UnsafePathError(_("`{path}` is a link or special file; copy the real file "
                                        "into the lesson folder").format(path=relative))
            found.append((f"{lesson_id}/{relative}", path))
    for link in (Path(root) / d for root, dirs, _files in os.walk(folder) for d in dirs):
        if link.is_symlink():
            raise UnsafePathError(_("`{path}` is a link to a folder; copy the real folder into "
                                    "the lesson folder").format(path=link))
    return found


def pack_bundle(source: Path, output: Path, key: SecretKeyInfo, *, bundle_id: str | None = None,
                version: int | None = None, title: str | None = None,
                publisher: str | None = None, min_kiosk_version: str = __version__,
                created: dt.datetime | None = None) -> PackResult:
    """Validate the lessons under `source` and write a signed bundle.

    `output` is the bundle file, or a folder to write `<id>-<version>.kbundle` into.
    `version` defaults to the UTC time as YYYYMMDDHHMMSS, which only ever grows.
    """
    if key.role != ROLE_PUBLISHER:
        raise PackError(_("bundles are signed with a publisher key, not a root key"))
    source = Path(source)
    now = created or dt.datetime.now(dt.UTC)
    lessons = _lessons(source)
    single = len(lessons) == 1 and lessons[0][0] == source
    bundle_id = bundle_id or (lessons[0][1].id if single else nfc(source.resolve().name).lower())
    if not BUNDLE_ID.match(bundle_id):
        raise PackError(_("the bundle id `{id}` must be lowercase letters, digits and dashes; "
                          "choose one with --id").format(id=bundle_id))
    version = version or int(now.strftime("%Y%m%d%H%M%S"))
    titles = _titles(lessons, title, single)
    files = [pair for folder, lesson in lessons for pair in _files_of(folder, lesson.id)]
    for name, _path in files:
        check_name(name)
    check_unique([name for name, _path in files])
    output = Path(output)
    target = output / f"{bundle_id}-{version}.kbundle" if output.is_dir() else output
    temporary = target.with_name(f".{target.name}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
            entries = [_write(archive, name, path) for name, path in files]
            manifest = Manifest(
                format=FORMAT_VERSION, id=bundle_id, version=version, titles=titles,
                languages=tuple(sorted({c for _f, lesson in lessons for c in lesson.languages},
                                       key=lambda c: (c != "vi", c))),
                lessons=tuple(LessonEntry(lesson.id, lesson.version) for _f, lesson in lessons),
                publisher_key=key.public.key_id, publisher=publisher or key.name,
                created=now.isoformat(timespec="seconds"),
                min_kiosk_version=min_kiosk_version, files=tuple(entries))
            raw = manifest_bytes(manifest)
            parse_manifest(json.loads(raw))  # what we sign, the kiosk must read
            _write_bytes(archive, MANIFEST_NAME, raw, zipfile.ZIP_DEFLATED)
            _write_bytes(archive, SIGNATURE_NAME, key.sign(raw), zipfile.ZIP_STORED)
        os.replace(temporary, target)
    except OSError as error:
        raise PackError(_("cannot write the bundle {file}: {reason}").format(
            file=target, reason=error.strerror or error)) from error
    finally:
        if temporary.exists():
            temporary.unlink()
    log.info("packed %s: %s version %d, %d file(s)", target, bundle_id, version, len(entries))
    return PackResult(target, manifest)


def _titles(lessons: list[tuple[Path, Lesson]], title: str | None, single: bool
            ) -> dict[str, str]:
    if title:
        return {"vi": nfc(title)}
    if single:
        return dict(lessons[0][1].title.values)
    return {"vi": " · ".join(lesson.title.pick("vi").text for _f, lesson in lessons)[:1000]}


def _info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = compress
    info.create_system = 3  # Unix, so the mode below is read as a regular file
    info.external_attr = 0o100644 << 16
    return info


def _write(archive: zipfile.ZipFile, name: str, path: Path) -> FileEntry:
    compress = zipfile.ZIP_STORED if path.suffix.lower() in COMPRESSED_TYPES \
        else zipfile.ZIP_DEFLATED
    digest, size = hashlib.sha256(), 0
    info = _info(name, compress)
    big = path.stat().st_size > (1 << 30)  # zip64 headers only where sizes need them
    with path.open("rb") as source, archive.open(info, "w", force_zip64=big) as sink:
        while data := source.read(CHUNK):
            digest.update(data)
            sink.write(data)
            size += len(data)
    return FileEntry(name, size, digest.hexdigest())


def _write_bytes(archive: zipfile.ZipFile, name: str, data: bytes, compress: int) -> None:
    archive.writestr(_info(name, compress), data)
