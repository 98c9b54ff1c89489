"""Newer lesson bundles from the hub: read the catalog, download with resume, install as from USB.

For each catalog entry newer than what is installed (and not refused before), the bundle is
downloaded into `<data>/downloads/` as `<id>-<version>-<sha prefix>.part`, resuming with HTTP
Range from whatever an earlier, interrupted pass left; once whole, its SHA-256 must match the
catalog, and then `kiosk.bundles.install.install_bundle` checks it exactly as it checks a bundle
from a USB stick (publisher signature, trust, listing, downgrade, space) and installs it
crash-safely. A bundle the kiosk refuses (say, an untrusted publisher) is remembered by id,
version and hash, so it is not downloaded again and again; its reason is reported.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.bundles.archive import DEFAULT_LIMITS, MiB, size_text
from kiosk.bundles.errors import BundleError, BusyError, DowngradeError
from kiosk.bundles.paths import BUNDLE_ID
from kiosk.i18n import _
from kiosk.store import Store
from kiosk.sync.client import HubClient
from kiosk.sync.errors import ProtocolError, SyncError

log = logging.getLogger(__name__)

DOWNLOADS_DIR = "downloads"
_SHA = re.compile(r"\A[0-9a-fA-F]{64}\Z")


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    version: int
    size: int
    sha256: str
    url: str

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}@{self.sha256}"


@dataclass
class PullReport:
    installed: list[str]
    problems: list[str]


def _entries(catalog: dict[str, Any]) -> list[CatalogEntry]:
    raw = catalog.get("bundles")
    if not isinstance(raw, list):
        raise ProtocolError(_("The hub's catalog is not valid."))
    entries = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        bundle_id, version, size = item.get("id"), item.get("version"), item.get("size")
        sha, url = item.get("sha256"), item.get("url")
        if not (isinstance(bundle_id, str) and BUNDLE_ID.match(bundle_id)
                and isinstance(version, int) and not isinstance(version, bool) and version > 0
                and isinstance(size, int) and not isinstance(size, bool) and size > 0
                and isinstance(sha, str) and _SHA.match(sha)):
            log.warning("skipping a malformed catalog entry: %r", item)
            continue
        if not isinstance(url, str) or not url:
            url = f"/v1/bundles/{bundle_id}/{version}"
        entries.append(CatalogEntry(bundle_id, version, size, sha.lower(), url))
    return entries


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _fetch(client: HubClient, entry: CatalogEntry, folder: Path) -> Path:
    final = folder / f"{entry.id}-{entry.version}-{entry.sha256[:16]}.kbundle"
    if final.exists() and final.stat().st_size == entry.size:
        return final  # whole and checked by a pass that could not install it (busy)
    part = final.with_suffix(".part")
    needed = entry.size - (part.stat().st_size if part.exists() else 0)
    free = shutil.disk_usage(folder).free
    # Room for the download and for the installed copy beside it.
    if free < needed + entry.size + 16 * MiB:
        raise SyncError(_("Not enough free space to download the lessons {id} ({size}).").format(
            id=entry.id, size=size_text(entry.size)))
    client.download(entry.url, part, entry.size, entry.sha256)
    if _sha256_of(part) != entry.sha256:
        part.unlink(missing_ok=True)
        raise ProtocolError(_("The downloaded lessons {id} do not match the hub's catalog; they "
                              "will be fetched again.").format(id=entry.id))
    part.replace(final)
    return final


def _clean(folder: Path, keep: set[str]) -> None:
    for path in folder.iterdir():
        if path.name not in keep and path.suffix in (".part", ".kbundle"):
            log.info("removing a download no longer wanted: %s", path.name)
            path.unlink(missing_ok=True)


def pull_bundles(store: Store, client: HubClient, data_dir: Path) -> PullReport:
    """Download and install every newer bundle of the hub's catalog."""
    from kiosk.bundles.install import install_bundle

    report = PullReport([], [])
    entries = _entries(client.catalog())
    installed = {bundle.id: bundle.version for bundle in store.installed_bundles()}
    refused = set(store.sync_state().refused_bundles)
    wanted = [entry for entry in entries
              if entry.version > installed.get(entry.id, 0) and entry.key not in refused]
    folder = Path(data_dir) / DOWNLOADS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    keep = set()
    for entry in wanted:
        stem = f"{entry.id}-{entry.version}-{entry.sha256[:16]}"
        keep |= {f"{stem}.kbundle", f"{stem}.part"}
    _clean(folder, keep)
    for entry in wanted:
        if entry.size > DEFAULT_LIMITS.max_total_size:
            report.problems.append(_("The lessons {id} are too large for this kiosk ({size})."
                                     ).format(id=entry.id, size=size_text(entry.size)))
            refused.add(entry.key)
            continue
        path = _fetch(client, entry, folder)
        try:
            result = install_bundle(path, data_dir, store=store)
        except BusyError:
            log.info("another install is running; %s waits for the next pass", path.name)
            continue
        except DowngradeError as error:
            log.info("%s: %s", path.name, error.user_message)
        except BundleError as error:
            log.info("refusing %s from the hub: %s", entry.key, error.user_message)
            report.problems.append(_("The lessons {id} from the hub were refused: {reason}"
                                     ).format(id=entry.id, reason=error.user_message))
            refused.add(entry.key)
        else:
            report.installed.append(f"{result.id} {result.version}")
        path.unlink(missing_ok=True)
    if refused != set(store.sync_state().refused_bundles):
        store.update_sync_state(refused_bundles=sorted(refused))
    return report
