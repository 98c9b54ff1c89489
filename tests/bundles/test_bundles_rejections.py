"""Every way a bundle must be refused: the exact error type, its message, and no change.

Each case starts from a data folder with `qr-payment` version 5 installed, builds one broken
or hostile bundle (most of them validly signed, so only the check under test can stop them),
tries to install it, and compares the data folder's files and bundle table before and after.
"""

from __future__ import annotations

import hashlib
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.bundles import errors as E
from kiosk.bundles.archive import DEFAULT_LIMITS, Limits, size_text
from kiosk.bundles.install import install_bundle
from kiosk.bundles.keys import SecretKeyInfo
from kiosk.bundles.verify import verify_bundle
from tests.bundles.bundlekit import BundleKit, snapshot, trust_of


@dataclass
class Case:
    path: Path
    message: str
    limits: Limits = DEFAULT_LIMITS


Builder = Callable[[BundleKit, SecretKeyInfo, SecretKeyInfo], Case]
SPECIAL = ("`{}` in the bundle is a folder entry, link or special file; only plain files are "
           "accepted")
CHANGED = "the file `{}` in the bundle is damaged or was changed"
DAMAGED = ("the bundle file is damaged or incomplete (was it copied completely, and the USB "
           "stick not removed too early?)")
SIGNATURE = ("the bundle's signature does not match: it was changed after it was signed, "
             "or damaged")


def _edited(kit: BundleKit, key: SecretKeyInfo | None, **fields: object) -> Path:
    crafted = kit.open(kit.pack(6))
    manifest = crafted.manifest
    manifest.update(fields)
    crafted.set_manifest(manifest, key)
    return crafted.write(kit.out("edited.kbundle"))


def _with_entry(kit: BundleKit, name: str, data: bytes = b"x", signed: SecretKeyInfo | None = None,
                **entry: object) -> Path:
    crafted = kit.open(kit.pack(6))
    crafted.add(name, data, signed, **entry)
    return crafted.write(kit.out("entry.kbundle"))


def untrusted(kit, pub, stranger):
    key_id = stranger.public.key_id
    return Case(kit.pack(6, key=stranger), f"the bundle is signed by a key this kiosk does not "
                f"trust (key {key_id}); add the publisher's key first")


def manifest_edited(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    manifest = crafted.manifest
    manifest["titles"]["vi"] = "Bài học giả mạo"
    crafted.set_manifest(manifest, None)
    return Case(crafted.write(kit.out("m.kbundle")), SIGNATURE)


def signature_of_other_key(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    crafted.set_manifest(crafted.get("manifest.json").data, stranger)
    return Case(crafted.write(kit.out("s.kbundle")), SIGNATURE)


def content_changed(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    entry = crafted.get("qr-payment/lesson.yaml")
    entry.data = entry.data.replace(b"minutes: 12", b"minutes: 99")  # same size
    return Case(crafted.write(kit.out("c.kbundle")), CHANGED.format("qr-payment/lesson.yaml"))


def content_resized(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    crafted.get("qr-payment/images/pin.svg").data += b"<!-- more -->"
    return Case(crafted.write(kit.out("r.kbundle")),
                "the file `qr-payment/images/pin.svg` does not have the size the manifest says")


def file_missing(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    crafted.entries = [e for e in crafted.entries if e.name != "qr-payment/images/pin.svg"]
    return Case(crafted.write(kit.out("f.kbundle")),
                "the file `qr-payment/images/pin.svg` is missing from the bundle")


def extra_file(kit, pub, stranger):
    return Case(_with_entry(kit, "qr-payment/images/extra.svg", b"<svg/>"),
                "the bundle holds a file `qr-payment/images/extra.svg` that its manifest does "
                "not list")


def _unsafe(name: str, reason: str) -> Builder:
    def build(kit, pub, stranger):
        return Case(_with_entry(kit, name, b"evil", pub),
                    f"unsafe file name `{name}` in the bundle: {reason}")
    build.__name__ = f"unsafe {name!r}"
    return build


def _special(name: str, mode: int, attr_extra: int = 0) -> Builder:
    def build(kit, pub, stranger):
        path = _with_entry(kit, name, b"/etc/passwd", pub, external_attr=(mode << 16) | attr_extra)
        return Case(path, SPECIAL.format(name))
    build.__name__ = f"special {name!r}"
    return build


def duplicate(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    crafted.entries.append(crafted.get("qr-payment/lesson.yaml"))
    return Case(crafted.write(kit.out("d.kbundle")),
                "the bundle holds the file `qr-payment/lesson.yaml` twice")


def case_duplicate(kit, pub, stranger):
    return Case(_with_entry(kit, "qr-payment/images/PIN.svg", b"<svg/>", pub),
                "the names `qr-payment/images/pin.svg` and `qr-payment/images/PIN.svg` would be "
                "the same file on some disks")


def nfd_duplicate(kit, pub, stranger):
    nfc_name = "qr-payment/images/ảnh.svg"
    nfd_name = unicodedata.normalize("NFD", nfc_name)
    crafted = kit.open(kit.pack(6))
    crafted.add(nfc_name, b"<svg/>", pub)
    crafted.add(nfd_name, b"<svg/>")
    return Case(crafted.write(kit.out("n.kbundle")),
                f"the names `{nfc_name}` and `{nfd_name}` would be the same file on some disks")


def zip_bomb_ratio(kit, pub, stranger):
    name = "qr-payment/extra/zeros.bin"
    return Case(_with_entry(kit, name, bytes(30 << 20), pub),
                f"the file `{name}` expands far more than any lesson file (a zip bomb?)")


def total_too_large(kit, pub, stranger):
    path = kit.pack(6)
    with zipfile.ZipFile(path) as archive:
        total = sum(info.file_size for info in archive.infolist())
    limits = Limits(max_total_size=total - 1)
    return Case(path, f"the bundle is too large ({size_text(total)}; the kiosk accepts at most "
                f"{size_text(total - 1)})", limits)


def file_too_large(kit, pub, stranger):
    name = "qr-payment/extra/big.bin"
    path = _with_entry(kit, name, bytes(range(256)) * 40, pub)
    return Case(path, f"the file `{name}` is too large ({size_text(10240)}; the kiosk accepts "
                f"at most {size_text(10000)})", Limits(max_file_size=10000))


def lying_header(kit, pub, stranger):
    """The zip headers and the manifest claim 100 bytes; the stream inflates to 8 MB."""
    name = "qr-payment/extra/liar.bin"
    crafted = kit.open(kit.pack(6))
    data = bytes(8 << 20)
    crafted.add(name, data)
    manifest = crafted.manifest
    manifest["files"].append({"path": name, "size": 100,
                              "sha256": hashlib.sha256(data[:100]).hexdigest()})
    crafted.set_manifest(manifest, pub)
    path = crafted.write(kit.out("liar.kbundle"))
    _patch_sizes(path, name, 100)
    return Case(path, CHANGED.format(name))


def _patch_sizes(path: Path, name: str, size: int) -> None:
    """Rewrite the uncompressed size of `name` in its local and central headers."""
    blob = bytearray(path.read_bytes())
    encoded = name.encode()
    central = blob.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", blob, central + 28)[0]
        if bytes(blob[central + 46:central + 46 + length]) == encoded:
            struct.pack_into("<I", blob, central + 24, size)
            local = struct.unpack_from("<I", blob, central + 42)[0]
            struct.pack_into("<I", blob, local + 22, size)
            break
        central = blob.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(blob))


def truncated_half(kit, pub, stranger):
    path = kit.pack(6)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return Case(path, DAMAGED)


def truncated_tail(kit, pub, stranger):
    path = kit.pack(6)
    path.write_bytes(path.read_bytes()[:-10])
    return Case(path, DAMAGED)


def not_a_zip(kit, pub, stranger):
    path = kit.out("notes.kbundle")
    path.write_text("these are not lessons\n")
    return Case(path, "notes.kbundle is not a kiosk lesson bundle")


def no_signature(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    crafted.entries = [e for e in crafted.entries if e.name != "manifest.sig"]
    path = crafted.write(kit.out("nosig.kbundle"))
    return Case(path, "nosig.kbundle is not a kiosk lesson bundle (it has no manifest.sig)")


def unknown_format(kit, pub, stranger):
    return Case(_edited(kit, pub, format=2), "this bundle uses format version 2, which this "
                "kiosk does not know (it reads version 1); update the kiosk program")


def kiosk_too_old(kit, pub, stranger):
    return Case(_edited(kit, pub, min_kiosk_version="99.0"), "this bundle needs kiosk version "
                "99.0 or newer; this kiosk is version 0.1.0. Update the kiosk program first")


def malformed_json(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    crafted.set_manifest(b'{"format": 1, "id": ', pub)
    return Case(crafted.write(kit.out("j.kbundle")), "the bundle's manifest is not valid JSON")


def manifest_field_missing(kit, pub, stranger):
    crafted = kit.open(kit.pack(6))
    manifest = crafted.manifest
    del manifest["files"]
    crafted.set_manifest(manifest, pub)
    return Case(crafted.write(kit.out("k.kbundle")),
                "the bundle's manifest is malformed: the list of files is missing")


def unsupported_compression(kit, pub, stranger):
    return Case(_with_entry(kit, "qr-payment/extra/b.bin", b"bz" * 50, pub,
                            compress=zipfile.ZIP_BZIP2),
                "the bundle uses a compression the kiosk does not read; pack it again with "
                "`kiosk bundle pack`")


def downgrade(kit, pub, stranger):
    return Case(kit.pack(4), "the bundle `qr-payment` is version 4, older than the installed "
                "version 5; the kiosk never goes back to an older version")


def replay(kit, pub, stranger):
    return Case(kit.pack(5), "version 5 of the bundle `qr-payment` is already installed")


CASES: list[tuple[Builder, type[E.BundleError]]] = [
    (untrusted, E.UntrustedKeyError),
    (manifest_edited, E.SignatureError),
    (signature_of_other_key, E.SignatureError),
    (content_changed, E.IntegrityError),
    (content_resized, E.IntegrityError),
    (file_missing, E.IntegrityError),
    (extra_file, E.IntegrityError),
    (_unsafe("../evil.txt", "it points outside the bundle (`..`)"), E.UnsafePathError),
    (_unsafe("qr-payment/../../evil.txt", "it points outside the bundle (`..`)"),
     E.UnsafePathError),
    (_unsafe("/etc/cron.d/evil", "it is an absolute path"), E.UnsafePathError),
    (_unsafe("C:/Windows/evil.txt", "it is an absolute path"), E.UnsafePathError),
    (_unsafe("qr-payment\\..\\..\\evil.txt", "it uses backslashes"), E.UnsafePathError),
    (_unsafe("qr-payment/CON.svg", "it is a reserved device name on Windows"),
     E.UnsafePathError),
    (_special("qr-payment/images/link.svg", stat.S_IFLNK | 0o777), E.UnsafePathError),
    (_special("qr-payment/images/fifo", stat.S_IFIFO | 0o644), E.UnsafePathError),
    (_special("qr-payment/images/dev", stat.S_IFCHR | 0o644), E.UnsafePathError),
    (_special("qr-payment/folder", 0, 0x10), E.UnsafePathError),
    (duplicate, E.UnsafePathError),
    (case_duplicate, E.UnsafePathError),
    (nfd_duplicate, E.UnsafePathError),
    (zip_bomb_ratio, E.TooLargeError),
    (total_too_large, E.TooLargeError),
    (file_too_large, E.TooLargeError),
    (lying_header, E.IntegrityError),
    (truncated_half, E.DamagedBundleError),
    (truncated_tail, E.DamagedBundleError),
    (not_a_zip, E.FormatError),
    (no_signature, E.FormatError),
    (unknown_format, E.FormatError),
    (kiosk_too_old, E.KioskTooOldError),
    (malformed_json, E.FormatError),
    (manifest_field_missing, E.FormatError),
    (unsupported_compression, E.FormatError),
    (downgrade, E.DowngradeError),
    (replay, E.DowngradeError),
]


@pytest.fixture
def installed(data: Path, kit: BundleKit) -> Path:
    install_bundle(kit.pack(5), data)
    return data


@pytest.mark.parametrize(("build", "error"), CASES, ids=[c[0].__name__ for c in CASES])
def test_refused_with_reason_and_nothing_changed(
    installed: Path, kit: BundleKit, publisher: SecretKeyInfo, stranger: SecretKeyInfo,
    build: Builder, error: type[E.BundleError],
) -> None:
    case = build(kit, publisher, stranger)
    before = snapshot(installed)
    with pytest.raises(E.BundleError) as caught:
        install_bundle(case.path, installed, limits=case.limits)
    assert type(caught.value) is error
    assert caught.value.user_message == case.message
    assert snapshot(installed) == before
    assert before[1][0]["version"] == 5
    if error is not E.DowngradeError:  # verify alone refuses the same way, writing nothing
        with pytest.raises(error):
            verify_bundle(case.path, trust_of(installed), limits=case.limits)
        assert snapshot(installed) == before
