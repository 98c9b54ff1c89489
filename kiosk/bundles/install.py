"""Installing, listing and removing lesson bundles in the data folder, crash-safely.

Layout: `<data>/bundles/<id>/<version>/` holds the lesson folders of each installed version
(plus the signed manifest.json and manifest.sig, for audit), the database row of the bundle
points at the active one, and `<data>/staging/` holds a half-made copy only while an install
runs. Install = check the signature and the listing, check free space, stream every file into
staging while hashing it (one read, one write, one fsync per file), then one atomic rename to
the version folder and one database transaction; the old version folder is removed only after
the commit. A crash or kill at any moment leaves the database pointing at the old version, and
`recover` (run before every install and by `installed_lesson_dirs` at start-up) deletes staging
and any version folder the database does not point at. A folder lock keeps two installs apart.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kiosk import __version__
from kiosk.bundles.archive import DEFAULT_LIMITS, BundleArchive, Limits, MiB, size_text
from kiosk.bundles.errors import (
    BundleError,
    BusyError,
    DiskFullError,
    DowngradeError,
    InstallFailedError,
    NotInstalledError,
)
from kiosk.bundles.fsutil import folder_lock, fsync_dir, remove_tree, write_atomic
from kiosk.bundles.keys import TrustStore
from kiosk.bundles.manifest import MANIFEST_NAME, SIGNATURE_NAME, FileEntry, Manifest
from kiosk.bundles.verify import Progress, VerifiedBundle, check_archive, stream_files
from kiosk.i18n import _
from kiosk.store import Store, StoreError, open_store
from kiosk.store.bundles import InstalledBundle

log = logging.getLogger(__name__)

BUNDLES_DIR = "bundles"
STAGING_DIR = "staging"
LOCK_FILE = "bundles.lock"
BLOCK = 4096
# Test hook: pause at a named point so a test can kill the process there (see tests/bundles).
TEST_PAUSE_ENV = "KIOSK_BUNDLE_TEST_PAUSE"


@dataclass(frozen=True)
class InstallResult:
    id: str
    version: int
    previous_version: int | None
    lessons: tuple[str, ...]
    folder: Path


def _pause_for_test(point: str) -> None:
    if os.environ.get(TEST_PAUSE_ENV) == point:
        print(f"kiosk-test: paused {point}", file=sys.stderr, flush=True)
        time.sleep(300)


def _disk_error(error: OSError) -> BundleError:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFullError(_("the disk became full while installing; nothing was changed. "
                               "Free some space and try again"))
    return InstallFailedError(_("the kiosk could not write the lesson files ({reason}); "
                                "nothing was changed").format(reason=error.strerror or error))


@contextmanager
def _store_for(data_dir: Path, store: Store | None) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    from kiosk import config

    opened = open_store(config.database_path(data_dir))
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    with folder_lock(data_dir / LOCK_FILE) as locked:
        if not locked:
            raise BusyError(_("another bundle install or removal is running; wait for it to "
                              "finish"))
        yield


def _recover_locked(data_dir: Path, store: Store) -> None:
    remove_tree(data_dir / STAGING_DIR)
    root = data_dir / BUNDLES_DIR
    if not root.is_dir():
        return
    active = {bundle.id: bundle for bundle in store.installed_bundles()}
    for folder in root.iterdir():
        bundle = active.get(folder.name)
        if not folder.is_dir() or folder.is_symlink():
            continue
        if bundle is None:
            log.info("removing leftover bundle folder %s", folder)
            remove_tree(folder)
            continue
        for version in folder.iterdir():
            if data_dir / bundle.path != version:
                log.info("removing leftover bundle version %s", version)
                remove_tree(version)
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty: the start-up then has no bundle folder to look at


def recover(data_dir: Path, store: Store | None = None) -> bool:
    """Clean what a crashed install left behind; False if an install is running right now."""
    data_dir = Path(data_dir)
    with folder_lock(data_dir / LOCK_FILE) as locked:
        if not locked:
            return False
        with _store_for(data_dir, store) as opened:
            _recover_locked(data_dir, opened)
    return True


def _check_space(data_dir: Path, manifest: Manifest) -> None:
    # Round every file up to whole blocks, and keep room for the database and folders.
    needed = sum(-(-entry.size // BLOCK) * BLOCK + BLOCK for entry in manifest.files) + MiB
    free = shutil.disk_usage(data_dir).free
    if free < needed:
        raise DiskFullError(_("not enough free space: the bundle needs {need} and only {free} "
                              "are free; nothing was changed").format(
                                  need=size_text(needed), free=size_text(free)))


class _StagedFile:
    """One file being written into staging: exclusive create, unbuffered large writes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o644)
        self._handle: BinaryIO = os.fdopen(fd, "wb", buffering=0)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self._handle.write(view):]

    def finish(self) -> None:
        # Start writing this file to disk now, without waiting: the next files stream in
        # meanwhile, and `_sync_all` then finds little left to flush (Linux; elsewhere a no-op).
        advise = getattr(os, "posix_fadvise", None)
        try:
            if advise is not None:
                advise(self._handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            self._handle.close()

    def close(self) -> None:
        self._handle.close()


def _sync_all(staging: Path, files: tuple[FileEntry, ...]) -> None:
    """fsync every staged file: they are all on disk before the rename makes them active."""
    for entry in files:
        fd = os.open(staging.joinpath(*entry.path.split("/")), os.O_RDONLY
                     | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stage(archive: BundleArchive, verified: VerifiedBundle, staging: Path,
           progress: Progress | None, cancel: threading.Event | None) -> None:
    opened: list[_StagedFile] = []

    def sink_for(entry: FileEntry) -> _StagedFile:
        staged = _StagedFile(staging.joinpath(*entry.path.split("/")))
        opened.append(staged)
        return staged

    try:
        stream_files(archive, verified, sink_for=sink_for, progress=progress, cancel=cancel)
        _sync_all(staging, verified.manifest.files)
        write_atomic(staging / MANIFEST_NAME, verified.manifest_raw)
        write_atomic(staging / SIGNATURE_NAME, verified.signature)
        for folder in sorted({p.parent for p in staging.rglob("*")} | {staging}, reverse=True):
            fsync_dir(folder)
    except OSError as error:
        raise _disk_error(error) from error
    finally:
        for staged in opened:
            staged.close()


def install_bundle(path: Path, data_dir: Path, *, trust: TrustStore | None = None,
                   store: Store | None = None, limits: Limits = DEFAULT_LIMITS,
                   kiosk_version: str = __version__, progress: Progress | None = None,
                   cancel: threading.Event | None = None) -> InstallResult:
    """Verify and install one bundle file; any BundleError leaves the data folder unchanged."""
    data_dir = Path(data_dir)
    if trust is None:
        trust = TrustStore.for_data(data_dir)
    with _locked(data_dir), _store_for(data_dir, store) as db:
        _recover_locked(data_dir, db)
        with BundleArchive(Path(path), limits) as archive:
            verified = check_archive(archive, trust, kiosk_version)
            manifest = verified.manifest
            current = db.installed_bundle(manifest.id)
            _refuse_old(manifest, current)
            _check_space(data_dir, manifest)
            staging = data_dir / STAGING_DIR / uuid.uuid4().hex
            target = data_dir / BUNDLES_DIR / manifest.id / str(manifest.version)
            try:
                staging.mkdir(parents=True)
                _stage(archive, verified, staging, progress, cancel)
                _pause_for_test("before-rename")
                remove_tree(target)  # only ever a leftover: the active version is older
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging, target)
                fsync_dir(target.parent)
            except OSError as error:
                raise _disk_error(error) from error
            finally:
                remove_tree(staging)
                with contextlib.suppress(OSError):
                    staging.parent.rmdir()  # only when empty: no other install is running
        _pause_for_test("before-commit")
        _commit(db, verified, target, data_dir, current)
        _pause_for_test("after-commit")
        if current is not None:
            remove_tree(data_dir / current.path)
    log.info("installed bundle %s version %d", manifest.id, manifest.version)
    return InstallResult(manifest.id, manifest.version, current.version if current else None,
                         tuple(manifest.lesson_ids), target)


def _refuse_old(manifest: Manifest, current: InstalledBundle | None) -> None:
    if current is None or manifest.version > current.version:
        return
    if manifest.version == current.version:
        raise DowngradeError(_("version {version} of the bundle `{id}` is already installed"
                               ).format(version=manifest.version, id=manifest.id))
    raise DowngradeError(_("the bundle `{id}` is version {version}, older than the installed "
                           "version {installed}; the kiosk never goes back to an older version"
                           ).format(id=manifest.id, version=manifest.version,
                                    installed=current.version))


def _commit(db: Store, verified: VerifiedBundle, target: Path, data_dir: Path,
            current: InstalledBundle | None) -> None:
    manifest = verified.manifest
    row = InstalledBundle(
        id=manifest.id, version=manifest.version,
        path=target.relative_to(data_dir).as_posix(), lessons=tuple(manifest.lesson_ids),
        titles=dict(manifest.titles), languages=manifest.languages,
        publisher_key=manifest.publisher_key, publisher=manifest.publisher,
        manifest_sha256=hashlib.sha256(verified.manifest_raw).hexdigest(),
        created=manifest.created)
    try:
        recorded = db.record_bundle(row, current.version if current else None)
    except StoreError as error:
        remove_tree(target)
        cause = str(error.__cause__ or "")
        if "full" in cause:
            raise DiskFullError(_("the disk became full while installing; nothing was changed. "
                                  "Free some space and try again")) from error
        raise InstallFailedError(error.user_message) from error
    except BaseException:
        remove_tree(target)
        raise
    if not recorded:
        remove_tree(target)
        raise DowngradeError(_("another version of the bundle `{id}` was installed meanwhile"
                               ).format(id=manifest.id))


def list_bundles(data_dir: Path, store: Store | None = None) -> list[InstalledBundle]:
    with _store_for(Path(data_dir), store) as db:
        return db.installed_bundles()


def remove_bundle(bundle_id: str, data_dir: Path, store: Store | None = None) -> InstalledBundle:
    """Uninstall a bundle: the row first (one transaction), then its folder."""
    data_dir = Path(data_dir)
    with _locked(data_dir), _store_for(data_dir, store) as db:
        current = db.installed_bundle(bundle_id)
        if current is None or not db.delete_bundle(bundle_id):
            raise NotInstalledError(_("no installed bundle has the id `{id}`").format(
                id=bundle_id))
        remove_tree(data_dir / BUNDLES_DIR / bundle_id)
    log.info("removed bundle %s version %d", bundle_id, current.version)
    return current


def installed_lesson_dirs(data_dir: Path, store: Store | None = None) -> list[Path]:
    """The active version folder of every installed bundle (each a folder of lesson folders).

    Called at start-up: it first cleans what an interrupted install left behind.
    """
    from kiosk import config

    data_dir = Path(data_dir)
    if store is None and not config.database_path(data_dir).exists():
        return []
    with _store_for(data_dir, store) as db:
        recover(data_dir, db)
        folders = [data_dir / bundle.path for bundle in db.installed_bundles()]
    return [folder for folder in folders if folder.is_dir()]
