"""Strict reading of manifest.json fields and names (kiosk.bundles.manifest, .paths)."""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest

from kiosk.bundles import errors as E
from kiosk.bundles.manifest import manifest_bytes, parse_manifest, version_tuple
from kiosk.bundles.paths import check_name

GOOD: dict[str, Any] = {
    "format": 1, "id": "qr-payment", "version": 3, "titles": {"vi": "Thanh toán QR"},
    "languages": ["vi"], "lessons": [{"id": "qr-payment", "version": 1}],
    "publisher_key": "0123456789abcdef", "publisher": "Sở", "created": "2026-05-01T00:00:00+00:00",
    "min_kiosk_version": "0.1.0",
    "files": [{"path": "qr-payment/lesson.yaml", "size": 10, "sha256": "a" * 64}],
}


def _with(path: str) -> dict[str, Any]:
    manifest = copy.deepcopy(GOOD)
    manifest["files"].append({"path": path, "size": 1, "sha256": "b" * 64})
    return manifest


def test_good_manifest_round_trips() -> None:
    manifest = parse_manifest(copy.deepcopy(GOOD))
    assert manifest.to_json() == GOOD
    assert manifest_bytes(manifest).endswith(b"\n")
    assert version_tuple("0.1") < version_tuple("0.1.1") < version_tuple("1.0")


@pytest.mark.parametrize(("path", "error", "message"), [
    ("qr-payment/../x", E.UnsafePathError, "it points outside the bundle (`..`)"),
    ("/qr-payment/x", E.UnsafePathError, "it is an absolute path"),
    ("qr-payment//x", E.UnsafePathError, "it has an empty part or is a folder"),
    ("qr-payment/a:b", E.UnsafePathError, "Windows cannot store this name"),
    ("qr-payment/x\x00y", E.UnsafePathError, "it contains control characters"),
    (unicodedata.normalize("NFD", "qr-payment/ảnh.svg"), E.UnsafePathError,
     "it is not in normalised (NFC) Unicode form"),
    ("qr-payment/LESSON.yaml", E.UnsafePathError, "would be the same file on some disks"),
    ("qr-payment/lesson.yaml/x", E.UnsafePathError, "is both a file and a folder"),
    ("other/x.svg", E.FormatError, "the file `other/x.svg` is not inside a listed lesson"),
    ("top.txt", E.FormatError, "is not inside a listed lesson"),
])
def test_bad_paths(path: str, error: type[E.BundleError], message: str) -> None:
    with pytest.raises(error) as caught:
        parse_manifest(_with(path))
    assert type(caught.value) is error and message in caught.value.user_message


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id", "Bad Id", "the bundle id is missing or not lowercase letters, digits and dashes"),
    ("version", 0, "the bundle version must be a whole number from 1"),
    ("version", True, "the bundle version must be a whole number from 1"),
    ("titles", {}, "the titles are missing"),
    ("lessons", [{"id": "qr-payment", "version": 1}] * 2, "a lesson is listed twice"),
    ("min_kiosk_version", "1.x", "the minimum kiosk version is missing"),
    ("files", [{"path": "qr-payment/lesson.yaml", "size": -1, "sha256": "a" * 64}],
     "a file entry is wrong"),
])
def test_bad_fields(field: str, value: Any, message: str) -> None:
    manifest = copy.deepcopy(GOOD)
    manifest[field] = value
    with pytest.raises(E.FormatError) as caught:
        parse_manifest(manifest)
    assert caught.value.user_message == f"the bundle's manifest is malformed: {message}"


def test_check_name_accepts_vietnamese_and_nested() -> None:
    check_name("qr-payment/audio/vi/bước-1.ogg")
