"""Checking a bundle: signature, trust, manifest, and every file's size and SHA-256.

`check_archive` does the cheap part on an open archive: it reads `manifest.json` and
`manifest.sig`, finds the publisher key in the trust store, checks the Ed25519 signature over
the exact manifest bytes, parses the manifest strictly, refuses a bundle made for a newer
kiosk, and compares the zip's list of files and sizes with the manifest (missing, extra,
resized). `stream_files` then reads each file once, hashing as it goes, optionally handing the
bytes to a writer: verify passes no writer, install passes one that writes the staging copy,
so a file is read, hashed and written in a single pass. `verify_bundle` is the whole check
without installing, for `kiosk bundle verify` and for classifying bundles on a USB stick.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nacl.exceptions import BadSignatureError

from kiosk import __version__
from kiosk.bundles.archive import DEFAULT_LIMITS, BundleArchive, Limits
from kiosk.bundles.errors import (
    CancelledError,
    FormatError,
    IntegrityError,
    SignatureError,
    TooLargeError,
)
from kiosk.bundles.keys import PublicKeyInfo, TrustStore
from kiosk.bundles.manifest import (
    MANIFEST_NAME,
    SIGNATURE_NAME,
    SIGNATURE_SIZE,
    FileEntry,
    Manifest,
    check_kiosk_version,
    load_manifest_json,
    parse_manifest,
    publisher_key_of,
)
from kiosk.i18n import _

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (bytes done, bytes total)
Writer = Callable[[FileEntry], "FileSink"]


class FileSink(Protocol):
    """Where install puts one file's bytes; verify uses none."""

    def write(self, data: bytes) -> None: ...

    def finish(self) -> None: ...


@dataclass(frozen=True)
class VerifiedBundle:
    path: Path
    manifest: Manifest
    manifest_raw: bytes  # the exact signed bytes, kept beside the installed files
    signature: bytes
    key: PublicKeyInfo


def check_archive(archive: BundleArchive, trust: TrustStore,
                  kiosk_version: str = __version__) -> VerifiedBundle:
    """Signature, trust, manifest and file list: everything but the file contents."""
    limits = archive.limits
    for name in (MANIFEST_NAME, SIGNATURE_NAME):
        if name not in archive.entries:
            raise FormatError(_("{file} is not a kiosk lesson bundle (it has no {name})").format(
                file=archive.path.name, name=name))
    raw = archive.read_small(MANIFEST_NAME, limits.max_manifest_size)
    signature = archive.read_small(SIGNATURE_NAME, SIGNATURE_SIZE)
    decoded = load_manifest_json(raw)
    key = trust.publisher_key(publisher_key_of(decoded))
    try:
        if len(signature) != SIGNATURE_SIZE:
            raise BadSignatureError("wrong signature length")
        key.verify_key().verify(raw, signature)
    except BadSignatureError as error:
        raise SignatureError(_("the bundle's signature does not match: it was changed after it "
                               "was signed, or damaged")) from error
    manifest = parse_manifest(decoded)
    check_kiosk_version(manifest, kiosk_version)
    _compare_listing(archive, manifest, limits)
    log.info("bundle %s %s v%d: signature ok (key %s)", archive.path.name, manifest.id,
             manifest.version, key.key_id)
    return VerifiedBundle(archive.path, manifest, raw, signature, key)


def _compare_listing(archive: BundleArchive, manifest: Manifest, limits: Limits) -> None:
    listed = {entry.path: entry for entry in manifest.files}
    present = set(archive.entries) - {MANIFEST_NAME, SIGNATURE_NAME}
    missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
    if missing:
        raise IntegrityError(_("the file `{path}` is missing from the bundle").format(
            path=missing[0]))
    if extra:
        path = extra[0]
        raise IntegrityError(_("the bundle holds a file `{path}` that its manifest does not "
                               "list").format(path=path))
    if manifest.total_size > limits.max_total_size:
        raise TooLargeError(_("the bundle is too large"))
    for path, entry in listed.items():
        if entry.size > limits.max_file_size:
            raise TooLargeError(_("the file `{name}` is too large").format(name=path))
        if archive.entries[path].file_size != entry.size:
            raise IntegrityError(_("the file `{path}` does not have the size the manifest "
                                   "says").format(path=path))


def stream_files(archive: BundleArchive, verified: VerifiedBundle, *,
                 sink_for: Writer | None = None, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> None:
    """Read every file once, checking its hash; hand the bytes to `sink_for(entry)` if given."""
    total = verified.manifest.total_size
    done = 0
    if progress:
        progress(0, total)
    # Hashing and writing release the GIL, so with a writer the hash of a chunk runs on a
    # second thread while the main thread writes it: the two costs overlap instead of adding.
    with ThreadPoolExecutor(max_workers=1) if sink_for else nullcontext() as pool:
        for entry in verified.manifest.files:
            digest = hashlib.sha256()
            sink = sink_for(entry) if sink_for else None
            for data in archive.stream(entry.path, entry.size):
                if cancel is not None and cancel.is_set():
                    raise CancelledError(_("the install was cancelled; nothing was changed"))
                if sink is not None and pool is not None:
                    hashing = pool.submit(digest.update, data)
                    sink.write(data)
                    hashing.result()
                else:
                    digest.update(data)
                done += len(data)
                if progress:
                    progress(done, total)
            if digest.hexdigest() != entry.sha256:
                raise IntegrityError(_("the file `{path}` in the bundle is damaged or was "
                                       "changed").format(path=entry.path))
            if sink is not None:
                sink.finish()


def verify_bundle(path: Path, trust: TrustStore | None = None, *,
                  data_dir: Path | None = None, limits: Limits = DEFAULT_LIMITS,
                  kiosk_version: str = __version__, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> VerifiedBundle:
    """The whole check of a bundle file, writing nothing. Raises a BundleError if refused."""
    if trust is None:
        from kiosk import config

        trust = TrustStore.for_data(config.data_dir(data_dir))
    with BundleArchive(Path(path), limits) as archive:
        verified = check_archive(archive, trust, kiosk_version)
        stream_files(archive, verified, progress=progress, cancel=cancel)
    return verified
