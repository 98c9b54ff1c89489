"""The bundles the hub offers (a folder of `.kbundle` files) and what reports know of lessons.

`scan` reads each bundle's manifest (strictly, as the kiosk would) and keeps the newest version
of each bundle id; files that are not readable bundles are logged and skipped. The SHA-256 of a
file is remembered by path, size and modification time, so a catalog request does not re-hash
hundreds of megabytes; this is a cache, not state: any hub process recomputes it. The hub does
not check publisher signatures: kiosks trust only their own keys and verify every download
exactly as a bundle from a USB stick.

`lesson_facts` gives each lesson's topic and Vietnamese title for reports, from the built-in
lessons and from the lessons inside the offered bundles (events carry only the lesson id).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kiosk import config
from kiosk.bundles.archive import BundleArchive
from kiosk.bundles.errors import BundleError
from kiosk.bundles.manifest import MANIFEST_NAME, Manifest, load_manifest_json, parse_manifest
from kiosk.bundles.paths import BUNDLE_ID

log = logging.getLogger(__name__)

SUFFIX = ".kbundle"
_MANIFEST_LIMIT = 8 << 20
_LESSON_LIMIT = 1 << 20
_hashes: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class OfferedBundle:
    id: str
    version: int
    size: int
    sha256: str
    path: Path
    manifest: Manifest

    def entry(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "size": self.size,
                "sha256": self.sha256, "url": f"/v1/bundles/{self.id}/{self.version}"}


def _sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _lock:
        known = _hashes.get(key)
    if known:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    value = digest.hexdigest()
    with _lock:
        _hashes[key] = value
    return value


def _read(path: Path) -> OfferedBundle | None:
    try:
        with BundleArchive(path) as archive:
            manifest = parse_manifest(load_manifest_json(
                archive.read_small(MANIFEST_NAME, _MANIFEST_LIMIT)))
        return OfferedBundle(manifest.id, manifest.version, path.stat().st_size,
                             _sha256(path), path, manifest)
    except (BundleError, KeyError, OSError) as error:
        log.warning("skipping %s: %s", path, error)
        return None


def scan(folder: Path | None) -> list[OfferedBundle]:
    """The newest readable version of every bundle in `folder`, by id."""
    if folder is None or not folder.is_dir():
        return []
    newest: dict[str, OfferedBundle] = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        found = _read(path)
        if found and (found.id not in newest or found.version > newest[found.id].version):
            newest[found.id] = found
    return sorted(newest.values(), key=lambda bundle: bundle.id)


def find(folder: Path | None, bundle_id: str, version: str) -> OfferedBundle | None:
    """The bundle file with this id and version (any version still in the folder)."""
    if folder is None or not BUNDLE_ID.fullmatch(bundle_id) or not (
            version.isascii() and version.isdigit()):
        return None
    wanted = int(version)
    candidates = [folder / f"{bundle_id}-{wanted}{SUFFIX}", *sorted(folder.glob(f"*{SUFFIX}"))]
    for path in dict.fromkeys(candidates):
        if not path.is_file():
            continue
        found = _read(path)
        if found and found.id == bundle_id and found.version == wanted:
            return found
    return None


@dataclass(frozen=True)
class LessonFacts:
    topic: str | None
    title: str | None  # Vietnamese title


def _facts(raw: Any) -> tuple[str, LessonFacts] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None
    title = raw.get("title")
    title_vi = title.get("vi") if isinstance(title, dict) else None
    topic = raw.get("topic")
    return raw["id"], LessonFacts(topic if isinstance(topic, str) else None,
                                  title_vi if isinstance(title_vi, str) else None)


def _yaml(text: bytes | str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def lesson_facts(bundles: Path | None = None) -> dict[str, LessonFacts]:
    """Topic and title of every lesson the hub can know: built-in, then offered bundles."""
    found: dict[str, LessonFacts] = {}
    builtin = config.builtin_lessons_dir()
    for path in sorted(builtin.glob("*/lesson.yaml")) if builtin.is_dir() else []:
        try:
            pair = _facts(_yaml(path.read_bytes()))
        except OSError:
            pair = None
        if pair:
            found[pair[0]] = pair[1]
    for bundle in scan(bundles):
        try:
            with BundleArchive(bundle.path) as archive:
                for lesson in bundle.manifest.lesson_ids:
                    name = f"{lesson}/lesson.yaml"
                    if name in archive.entries:
                        pair = _facts(_yaml(archive.read_small(name, _LESSON_LIMIT)))
                        if pair:
                            found[pair[0]] = pair[1]
        except (BundleError, OSError) as error:
            log.warning("cannot read lessons of %s: %s", bundle.path, error)
    return found
