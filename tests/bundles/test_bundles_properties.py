"""Property tests: mutated bundles never install wrongly and never raise anything unexpected.

Starting from one valid signed bundle, hypothesis flips bytes, truncates the file, reorders or
duplicates entries, and edits manifest fields (with and without a fresh signature). Each
mutant goes through a real install into a fresh data folder. Mutations of the signed content
(file data, the manifest) must always be refused with a `BundleError`; mutations of zip
bookkeeping that carry no meaning (a timestamp in a header, the order of entries) may install,
but then the installed files must be exactly the signed ones. No other exception may escape.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.bundles.errors import BundleError
from kiosk.bundles.install import install_bundle
from kiosk.bundles.keys import SecretKeyInfo
from tests.bundles.bundlekit import BundleKit, Crafted, trust_of

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, publisher: SecretKeyInfo,
         key_dir: Path) -> dict[str, Any]:
    kit = BundleKit(tmp_path_factory.mktemp("base"), publisher)
    path = kit.pack(3, extra={"extra/notes.txt": "Ghi chú cho kỹ thuật viên.\n".encode() * 20,
                              "extra/photo.png": bytes(range(256)) * 4})  # .png is stored
    blob = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        # The byte ranges holding signed content: each entry's (compressed) data.
        data_ranges, stored = [], []
        for info in archive.infolist():
            name_len, extra_len = (int.from_bytes(blob[info.header_offset + off:
                                                       info.header_offset + off + 2], "little")
                                   for off in (26, 28))
            start = info.header_offset + 30 + name_len + extra_len
            if info.compress_size:
                data_ranges.append((start, start + info.compress_size))
                if info.compress_type == zipfile.ZIP_STORED:
                    stored.append((start, start + info.compress_size))
    return {"path": path, "blob": blob, "manifest": manifest, "kit": kit,
            "ranges": data_ranges, "stored": stored, "key_dir": key_dir}


def _install(blob: bytes, key_dir: Path) -> tuple[bool, Path, tempfile.TemporaryDirectory]:
    """Install `blob` into a fresh data folder: (installed?, data folder, its holder)."""
    holder = tempfile.TemporaryDirectory()
    data = Path(holder.name) / "data"
    data.mkdir()
    trust_of(data).add(key_dir / "publisher.pub")
    bundle = Path(holder.name) / "mutant.kbundle"
    bundle.write_bytes(blob)
    try:
        install_bundle(bundle, data)
    except BundleError as error:
        assert error.user_message and "\n" not in error.user_message
        return False, data, holder
    return True, data, holder


def _installed_exactly_signed(data: Path, manifest: dict[str, Any]) -> None:
    root = data / "bundles" / manifest["id"] / str(manifest["version"])
    found = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert found == sorted([f["path"] for f in manifest["files"]]
                           + ["manifest.json", "manifest.sig"])
    for entry in manifest["files"]:
        assert hashlib.sha256((root / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


@SETTINGS
@given(st.data())
def test_flipped_bytes_in_file_data(base: dict[str, Any], data: Any) -> None:
    """Flips inside an entry's data. A flip that changes the content is always refused; a few
    flips only change the deflate encoding (e.g. the final-block bit of a stream whose size is
    known), and then the signed content installs unchanged."""
    blob = bytearray(base["blob"])
    start, end = data.draw(st.sampled_from(base["ranges"]))
    for _flip in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(start, end - 1))
        blob[position] ^= data.draw(st.integers(1, 255))
    installed, folder, holder = _install(bytes(blob), base["key_dir"])
    try:
        if installed:
            _installed_exactly_signed(folder, base["manifest"])
    finally:
        holder.cleanup()


@SETTINGS
@given(st.data())
def test_flipped_bytes_in_stored_data_are_refused(base: dict[str, Any], data: Any) -> None:
    """Stored (uncompressed) entries: every flip changes the signed content or signature."""
    blob = bytearray(base["blob"])
    start, end = data.draw(st.sampled_from(base["stored"]))
    position = data.draw(st.integers(start, end - 1))
    blob[position] ^= data.draw(st.integers(1, 255))
    installed, _folder, holder = _install(bytes(blob), base["key_dir"])
    holder.cleanup()
    assert not installed


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=4))
def test_flipped_bytes_anywhere_never_install_unsigned_content(
        base: dict[str, Any], flips: list[tuple[int, int]]) -> None:
    blob = bytearray(base["blob"])
    for position, mask in flips:
        blob[position % len(blob)] ^= mask
    installed, data, holder = _install(bytes(blob), base["key_dir"])
    try:
        if installed:  # only zip bookkeeping changed: the content must be the signed one
            _installed_exactly_signed(data, base["manifest"])
    finally:
        holder.cleanup()


@SETTINGS
@given(st.integers(0, 10**9))
def test_truncated_bundles_are_refused(base: dict[str, Any], cut: int) -> None:
    blob = base["blob"]
    installed, _data, holder = _install(blob[: cut % len(blob)], base["key_dir"])
    holder.cleanup()
    assert not installed


@SETTINGS
@given(st.data())
def test_reordered_or_duplicated_entries(base: dict[str, Any], data: Any) -> None:
    crafted: Crafted = base["kit"].open(base["path"])
    entries = data.draw(st.permutations(crafted.entries))
    duplicate = data.draw(st.booleans())
    if duplicate:
        entries = [*entries, data.draw(st.sampled_from(entries))]
    crafted.entries = list(entries)
    out = Path(tempfile.mkdtemp()) / "b.kbundle"
    installed, folder, holder = _install(crafted.write(out).read_bytes(), base["key_dir"])
    try:
        assert installed is not duplicate
        if installed:
            _installed_exactly_signed(folder, base["manifest"])
    finally:
        holder.cleanup()
        out.unlink()
        out.parent.rmdir()


FIELD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 2**60), st.text(max_size=20),
                         st.lists(st.integers(0, 3), max_size=3),
                         st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
FIELDS = ["format", "id", "version", "titles", "languages", "lessons", "publisher_key",
          "publisher", "created", "min_kiosk_version", "files"]


@SETTINGS
@given(st.sampled_from(FIELDS), FIELD_VALUES, st.booleans(), st.data())
def test_edited_manifest_fields(base: dict[str, Any], publisher: SecretKeyInfo, field: str,
                                value: Any, resign: bool, data: Any) -> None:
    crafted: Crafted = base["kit"].open(base["path"])
    manifest = json.loads(json.dumps(base["manifest"]))
    if field == "files" and data.draw(st.booleans()):
        entry = data.draw(st.sampled_from(manifest["files"]))
        key = data.draw(st.sampled_from(["path", "size", "sha256"]))
        entry[key] = value
    else:
        manifest[field] = value
    crafted.set_manifest(manifest, publisher if resign else None)
    out = Path(tempfile.mkdtemp()) / "b.kbundle"
    installed, folder, holder = _install(crafted.write(out).read_bytes(), base["key_dir"])
    try:
        if not resign:
            assert not installed or manifest == base["manifest"]
        elif installed:  # the publisher signed it: what it says is what got installed
            _installed_exactly_signed(folder, manifest)
    finally:
        holder.cleanup()
        out.unlink()
        out.parent.rmdir()
