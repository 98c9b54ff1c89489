"""Newer lessons from the hub: catalog, resumable download, install checked exactly as from USB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bundles.install import list_bundles
from kiosk.bundles.keys import TrustStore, generate_keypair, read_public_key, read_secret_key
from kiosk.bundles.pack import pack_bundle
from kiosk.sync.engine import sync_once
from kiosk.sync.enroll import enroll_online
from kiosk.sync.errors import HubUnreachableError
from kiosk.sync.pull import DOWNLOADS_DIR
from tests.hub.hubkit import REPO
from tests.sync.conftest import QUICK, new_code
from tests.sync.faultproxy import FaultProxy

LESSON = REPO / "lessons" / "qr-payment"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    generate_keypair(folder / "publisher", "Sở Thông tin và Truyền thông")
    generate_keypair(folder / "stranger", "Unknown")
    return folder


def _pack(keys: Path, key: str, folder: Path, version: int) -> Path:
    result = pack_bundle(LESSON, folder, read_secret_key(keys / f"{key}.key"),
                         bundle_id="qr-payment", version=version)
    return result.path


@pytest.fixture
def behind_proxy(hub, data_dir: Path, kiosk_store, keys: Path):
    TrustStore.for_data(data_dir).add(keys / "publisher.pub")
    proxy = FaultProxy(("127.0.0.1", int(hub.base_url.rsplit(":", 1)[1])))
    enroll_online(kiosk_store, data_dir, proxy.url, new_code(hub), retry=QUICK)
    yield proxy
    proxy.close()


def _ranges(proxy: FaultProxy) -> list[str]:
    found = []
    for head in proxy.heads:
        if head.startswith("GET /v1/bundles/"):
            lines = [line for line in head.split("\r\n") if line.lower().startswith("range:")]
            found.append(lines[0].split(":", 1)[1].strip() if lines else "")
    return found


def test_a_cut_download_resumes_with_range_and_installs(
        behind_proxy: FaultProxy, hub_bundles: Path, keys: Path, data_dir: Path,
        kiosk_store) -> None:
    bundle = _pack(keys, "publisher", hub_bundles, 5)
    size = bundle.stat().st_size
    assert size > 3_000
    behind_proxy.add("cut_response", "GET /v1/bundles/", after=size // 3)
    behind_proxy.add("cut_response", "GET /v1/bundles/", after=size // 3)
    report = sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert report.installed == ["qr-payment 5"] and report.problems == []
    ranges = _ranges(behind_proxy)
    assert len(ranges) == 3 and ranges[0] == ""
    starts = [int(value.removeprefix("bytes=").rstrip("-")) for value in ranges[1:]]
    assert 0 < starts[0] < starts[1] < size  # each attempt went on from what had arrived
    [installed] = list_bundles(data_dir)
    assert (installed.id, installed.version) == ("qr-payment", 5)
    assert list((data_dir / DOWNLOADS_DIR).iterdir()) == []
    # Nothing newer: the next pass downloads nothing.
    before = len(_ranges(behind_proxy))
    sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert len(_ranges(behind_proxy)) == before


def test_an_interrupted_pass_leaves_a_part_the_next_pass_finishes(
        behind_proxy: FaultProxy, hub_bundles: Path, keys: Path, data_dir: Path,
        kiosk_store) -> None:
    bundle = _pack(keys, "publisher", hub_bundles, 7)
    size = bundle.stat().st_size
    for _ in range(QUICK.attempts):
        behind_proxy.add("cut_response", "GET /v1/bundles/", after=size // 10)
    with pytest.raises(HubUnreachableError):
        sync_once(data_dir, store=kiosk_store, retry=QUICK)
    [part] = list((data_dir / DOWNLOADS_DIR).iterdir())
    assert part.suffix == ".part" and 0 < part.stat().st_size < size
    assert list_bundles(data_dir) == []
    had = part.stat().st_size
    report = sync_once(data_dir, store=kiosk_store, retry=QUICK)
    assert report.installed == ["qr-payment 7"]
    assert _ranges(behind_proxy)[-1] == f"bytes={had}-"


def test_an_untrusted_bundle_is_refused_once_and_not_fetched_again(
        behind_proxy: FaultProxy, hub_bundles: Path, keys: Path, data_dir: Path) -> None:
    _pack(keys, "stranger", hub_bundles, 9)
    env = {**os.environ, "KIOSK_DATA": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "kiosk", "sync", "now"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    stranger = read_public_key(keys / "stranger.pub").key_id
    assert done.stderr.count("\n") == 1 and stranger in done.stderr
    assert list_bundles(data_dir) == []
    fetched = len(_ranges(behind_proxy))
    assert fetched == 1
    again = subprocess.run([sys.executable, "-m", "kiosk", "sync", "now"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert len(_ranges(behind_proxy)) == fetched
    assert list((data_dir / DOWNLOADS_DIR).iterdir()) == []
