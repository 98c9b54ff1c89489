"""A simulated USB stick appearing (KIOSK_USB_ROOTS) and its bundles classified."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk import config
from kiosk.bundles.install import install_bundle
from kiosk.bundles.usb import BundleStatus, candidate_roots, find_usb_folders, scan_bundles
from kiosk.store import open_store
from tests.bundles.bundlekit import BundleKit, snapshot, trust_of


def test_stick_found_only_when_it_has_the_kiosk_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty, stick = tmp_path / "sdb1", tmp_path / "sdc1"
    empty.mkdir()
    monkeypatch.setenv("KIOSK_USB_ROOTS", f"{empty}:{stick}")
    assert candidate_roots() == [empty, stick]
    assert find_usb_folders() == []  # nothing plugged in yet
    (stick / "KIOSK" / "bundles").mkdir(parents=True)
    [found] = find_usb_folders()
    assert found.root == stick / "KIOSK"
    assert (found.bundles_dir, found.keys_dir, found.sync_dir) == (
        stick / "KIOSK/bundles", stick / "KIOSK/keys", stick / "KIOSK/sync")
    assert found.bundle_files() == [] and found.key_files() == []


def test_bundles_on_stick_are_classified(tmp_path: Path, data: Path, kit: BundleKit,
                                         monkeypatch: pytest.MonkeyPatch, key_dir: Path) -> None:
    install_bundle(kit.pack(5), data)
    install_bundle(kit.pack(2, lesson_id="fraud-call", bundle_id="fraud-call"), data)
    bundles = tmp_path / "stick" / "KIOSK" / "bundles"
    bundles.mkdir(parents=True)
    (tmp_path / "stick/KIOSK/keys").mkdir()
    shutil.copy(key_dir / "publisher.pub", tmp_path / "stick/KIOSK/keys/sotttt.pub")
    shutil.copy(kit.pack(5), bundles / "a-same.kbundle")
    shutil.copy(kit.pack(6), bundles / "b-update.kbundle")
    shutil.copy(kit.pack(1, lesson_id="fraud-call", bundle_id="fraud-call"),
                bundles / "c-older.kbundle")
    shutil.copy(kit.pack(1, lesson_id="vneid-level1"), bundles / "d-new.kbundle")
    tampered = kit.open(kit.pack(9))
    tampered.get("qr-payment/lesson.yaml").data += b"\n"
    tampered.write(bundles / "e-tampered.kbundle")
    (bundles / "notes.txt").write_text("not a bundle, not looked at")
    monkeypatch.setenv("KIOSK_USB_ROOTS", str(tmp_path / "stick"))
    [stick] = find_usb_folders()
    assert [p.name for p in stick.key_files()] == ["sotttt.pub"]
    before = snapshot(data)
    with open_store(config.database_path(data)) as store:
        found = scan_bundles(stick, store, trust_of(data))
    assert snapshot(data) == before  # classifying writes nothing
    assert [(f.path.name, f.status, f.installed_version) for f in found] == [
        ("a-same.kbundle", BundleStatus.INSTALLED, 5),
        ("b-update.kbundle", BundleStatus.UPDATE, 5),
        ("c-older.kbundle", BundleStatus.OLDER, 2),
        ("d-new.kbundle", BundleStatus.NEW, None),
        ("e-tampered.kbundle", BundleStatus.INVALID, None),
    ]
    assert found[3].manifest.id == "vneid-level1" and found[3].reason == ""
    assert found[4].manifest is None
    assert found[4].reason == ("the file `qr-payment/lesson.yaml` does not have the size the "
                               "manifest says")
