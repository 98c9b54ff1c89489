"""Finding the kiosk's folder on USB sticks and sorting the bundles found there.

A technician's stick holds one fixed folder, `KIOSK/`, with `bundles/` (signed .kbundle
files), `keys/` (publisher keys and keyrings to add) and `sync/` (sync files, for the sync
part). `find_usb_folders` looks for it on every mounted volume: the folders named in
`KIOSK_USB_ROOTS` when that is set (tests, unusual set-ups), else on Linux /media/*/*,
/run/media/*/*, /mnt/* and the removable mounts of /proc/mounts, on Windows the drive letters.
`scan_bundles` classifies each bundle against what is installed (new, update, installed,
older, invalid with the reason) using a full verify that writes nothing; `scan_keys` says which
key files on the stick the kiosk trusts already. No Qt here: the technician screen calls these
from a background job.
"""

from __future__ import annotations

import logging
import os
import string
import sys
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.bundles.archive import DEFAULT_LIMITS, Limits
from kiosk.bundles.errors import BundleError, CancelledError
from kiosk.bundles.keys import ROLE_ROOT, PublicKeyInfo, TrustStore, read_keyring, read_public_key
from kiosk.bundles.manifest import Manifest
from kiosk.bundles.verify import verify_bundle
from kiosk.store import Store
from kiosk.store.bundles import InstalledBundle

log = logging.getLogger(__name__)

USB_FOLDER = "KIOSK"
ROOTS_ENV = "KIOSK_USB_ROOTS"
BUNDLE_SUFFIX = ".kbundle"


class BundleStatus(StrEnum):
    NEW = "new"  # not installed: install adds it
    UPDATE = "update"  # newer than the installed version
    INSTALLED = "installed"  # the same version is installed
    OLDER = "older"  # older than the installed version: install refuses it
    INVALID = "invalid"  # refused by verify; `reason` says why


@dataclass(frozen=True)
class UsbFolder:
    root: Path  # the KIOSK folder itself

    @property
    def bundles_dir(self) -> Path:
        return self.root / "bundles"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def sync_dir(self) -> Path:
        return self.root / "sync"

    def bundle_files(self) -> list[Path]:
        if not self.bundles_dir.is_dir():
            return []
        return sorted(p for p in self.bundles_dir.iterdir()
                      if p.suffix.lower() == BUNDLE_SUFFIX and p.is_file())

    def key_files(self) -> list[Path]:
        if not self.keys_dir.is_dir():
            return []
        return sorted(p for p in self.keys_dir.iterdir()
                      if p.suffix in (".pub", ".keyring") and p.is_file())


@dataclass(frozen=True)
class FoundBundle:
    path: Path
    status: BundleStatus
    manifest: Manifest | None = None
    installed_version: int | None = None
    reason: str = ""  # the plain-language refusal, for INVALID


def _glob_dirs(pattern_root: Path, depth: int) -> list[Path]:
    found = [pattern_root]
    for _level in range(depth):
        found = [child for parent in found if parent.is_dir()
                 for child in sorted(_safe_iterdir(parent)) if child.is_dir()]
    return found


def _safe_iterdir(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _removable_mounts(mounts_file: Path = Path("/proc/mounts")) -> list[Path]:
    """Mount points of block devices whose disk says it is removable (USB sticks, SD cards)."""
    try:
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split()
        if len(fields) < 2 or not fields[0].startswith("/dev/"):
            continue
        device = Path("/sys/class/block") / Path(fields[0]).name
        try:
            disk = device.resolve()
            if (disk / "partition").exists():
                disk = disk.parent
            removable = (disk / "removable").read_text().strip() == "1"
        except OSError:
            continue
        if removable:
            # /proc/mounts escapes spaces and tabs in mount points as octal.
            point = fields[1].replace("\\040", " ").replace("\\011", "\t")
            found.append(Path(point))
    return found


def candidate_roots() -> list[Path]:
    """Folders that may be the top of a mounted USB volume."""
    env = os.environ.get(ROOTS_ENV)
    if env:
        return [Path(part) for part in env.split(os.pathsep) if part]
    if sys.platform == "win32":
        return [Path(f"{letter}:\\") for letter in string.ascii_uppercase
                if os.path.exists(f"{letter}:\\")]
    roots = [*_glob_dirs(Path("/media"), 2), *_glob_dirs(Path("/run/media"), 2),
             *_glob_dirs(Path("/mnt"), 1), *_removable_mounts()]
    unique: dict[str, Path] = {}
    for root in roots:
        unique.setdefault(str(root), root)
    return list(unique.values())


def find_usb_folders(roots: list[Path] | None = None) -> list[UsbFolder]:
    """Every `KIOSK/` folder at the top of the given (or the mounted) volumes."""
    found = []
    for root in roots if roots is not None else candidate_roots():
        folder = Path(root) / USB_FOLDER
        try:
            if folder.is_dir():
                found.append(UsbFolder(folder))
        except OSError as error:  # a volume vanishing while it is looked at
            log.info("cannot look at %s: %s", root, error)
    return found


def classify(manifest: Manifest, installed: InstalledBundle | None) -> BundleStatus:
    if installed is None:
        return BundleStatus.NEW
    if manifest.version > installed.version:
        return BundleStatus.UPDATE
    if manifest.version == installed.version:
        return BundleStatus.INSTALLED
    return BundleStatus.OLDER


def scan_bundles(folder: UsbFolder, store: Store, trust: TrustStore, *,
                 limits: Limits = DEFAULT_LIMITS, cancel: threading.Event | None = None
                 ) -> list[FoundBundle]:
    """Verify each bundle on the stick (writing nothing) and say what installing it would do."""
    installed = {bundle.id: bundle for bundle in store.installed_bundles()}
    results = []
    for path in folder.bundle_files():
        try:
            verified = verify_bundle(path, trust, limits=limits, cancel=cancel)
        except CancelledError:
            raise
        except BundleError as error:
            results.append(FoundBundle(path, BundleStatus.INVALID, reason=error.user_message))
            continue
        current = installed.get(verified.manifest.id)
        results.append(FoundBundle(path, classify(verified.manifest, current), verified.manifest,
                                   current.version if current else None))
    return results


@dataclass(frozen=True)
class StickKey:
    path: Path
    name: str  # the publisher's name, or the keyring's file name
    key_id: str  # the key id, or the root key id of a keyring
    trusted: bool  # adding it would change nothing
    version: int | None = None  # a keyring's version
    problem: str = ""  # why it cannot be added (plain words); then `trusted` is False


def scan_keys(folder: UsbFolder, trust: TrustStore) -> list[StickKey]:
    """The key files in the stick's keys/ folder, read and checked (writing nothing)."""
    roots: dict[str, PublicKeyInfo] = {kid: key for kid, key in trust.keys.items()
                                       if key.role == ROLE_ROOT}
    found = []
    for path in folder.key_files():
        try:
            if path.suffix == ".keyring":
                ring = read_keyring(path, roots)
                newest = trust.keyrings.get(ring.root_key_id)
                found.append(StickKey(path, path.name, ring.root_key_id,
                                      newest is not None and newest.version >= ring.version,
                                      ring.version))
            else:
                key = read_public_key(path)
                found.append(StickKey(path, key.name or path.name, key.key_id,
                                      key.key_id in trust.keys))
        except BundleError as error:
            found.append(StickKey(path, path.name, "", False, problem=error.user_message))
    return found
