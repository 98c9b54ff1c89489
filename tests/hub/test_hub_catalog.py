"""The catalog and bundle downloads: newest version per id, Range resume, ETag, credentials."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from kiosk.bundles.keys import generate_keypair, read_secret_key
from kiosk.bundles.pack import pack_bundle
from kiosk.hub.catalog import lesson_facts
from tests.hub.hubkit import REPO


@pytest.fixture
def offered(bundles_dir: Path, tmp_path: Path) -> dict[str, Path]:
    generate_keypair(tmp_path / "publisher", "Sở TT&TT")
    key = read_secret_key(tmp_path / "publisher.key")
    source = REPO / "lessons" / "qr-payment"
    made = {
        "old": pack_bundle(source, bundles_dir, key, version=1).path,
        "new": pack_bundle(source, bundles_dir, key, version=2).path,
        "fraud": pack_bundle(REPO / "lessons" / "fraud-call", bundles_dir, key, version=7).path,
    }
    (bundles_dir / "broken-1.kbundle").write_bytes(b"PK\x03\x04 not really a zip")
    (bundles_dir / "notes.txt").write_text("ignored")
    return made


def test_catalog_lists_the_newest_version_of_each_bundle(hub, enrolled, offered):
    kiosk = enrolled()
    answer = httpx.get(f"{hub.base_url}/v1/catalog", headers=kiosk.headers())
    assert answer.status_code == 200
    listed = answer.json()["bundles"]
    assert [(b["id"], b["version"]) for b in listed] == [("fraud-call", 7), ("qr-payment", 2)]
    newest = next(b for b in listed if b["id"] == "qr-payment")
    data = offered["new"].read_bytes()
    assert newest["size"] == len(data)
    assert newest["sha256"] == hashlib.sha256(data).hexdigest()
    assert newest["url"] == "/v1/bundles/qr-payment/2"


def test_download_resumes_with_range(hub, enrolled, offered):
    kiosk = enrolled()
    data = offered["new"].read_bytes()
    url = f"{hub.base_url}/v1/bundles/qr-payment/2"
    whole = httpx.get(url, headers=kiosk.headers())
    assert whole.status_code == 200 and whole.content == data
    sha = hashlib.sha256(data).hexdigest()
    assert whole.headers["etag"] == f'"{sha}"'
    cut = len(data) // 3
    first = httpx.get(url, headers={**kiosk.headers(), "Range": f"bytes=0-{cut - 1}"})
    assert first.status_code == 206 and first.content == data[:cut]
    rest = httpx.get(url, headers={**kiosk.headers(), "Range": f"bytes={cut}-",
                                   "If-Range": f'"{sha}"'})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes {cut}-{len(data) - 1}/{len(data)}"
    assert first.content + rest.content == data


def test_an_older_version_still_in_the_folder_can_be_fetched(hub, enrolled, offered):
    kiosk = enrolled()
    answer = httpx.get(f"{hub.base_url}/v1/bundles/qr-payment/1", headers=kiosk.headers())
    assert answer.status_code == 200 and answer.content == offered["old"].read_bytes()


def test_missing_bundles_are_404(hub, enrolled, offered):
    kiosk = enrolled()
    for path in ("qr-payment/3", "nothing/1", "qr-payment/x", "..%2F..%2Fetc/1", "broken/1",
                 "qr-payment/²", "qr-payment%0A/2"):
        answer = httpx.get(f"{hub.base_url}/v1/bundles/{path}", headers=kiosk.headers())
        assert answer.status_code == 404, path
        assert answer.json()["error"] == "not_found"


def test_catalog_and_downloads_need_credentials(hub, offered):
    assert httpx.get(f"{hub.base_url}/v1/catalog").status_code == 401
    assert httpx.get(f"{hub.base_url}/v1/bundles/qr-payment/2").status_code == 401
    assert httpx.get(f"{hub.base_url}/v1/report").status_code == 401


def test_lesson_facts_come_from_builtin_lessons_and_offered_bundles(offered, bundles_dir):
    facts = lesson_facts(bundles_dir)
    assert facts["qr-payment"].topic == "payment"
    assert facts["qr-payment"].title == "Thanh toán bằng mã QR"
    assert facts["fraud-call"].topic == "safety"
