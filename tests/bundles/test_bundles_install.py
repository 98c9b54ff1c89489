"""Installing, updating, removing and recovering bundles on a real data folder and database.

Covers the happy path (install, update replaces the old version only after the commit, lessons
load through kiosk.content), cancel and the folder lock, a process killed with SIGKILL at each
step of an install (old version active and leftovers cleaned at the next start), and a disk
that is full before or during the install (a real tmpfs; skipped when not root).
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from kiosk.bundles import errors as E
from kiosk.bundles.fsutil import folder_lock
from kiosk.bundles.install import (
    LOCK_FILE,
    install_bundle,
    installed_lesson_dirs,
    list_bundles,
    remove_bundle,
)
from kiosk.content.catalog import load_curriculum
from tests.bundles.bundlekit import REPO, BundleKit, kill_install_at, snapshot


def test_install_update_remove(data: Path, kit: BundleKit) -> None:
    first = install_bundle(kit.pack(1), data)
    assert (first.id, first.version, first.previous_version) == ("qr-payment", 1, None)
    assert installed_lesson_dirs(data) == [data / "bundles" / "qr-payment" / "1"]
    assert (data / "bundles/qr-payment/1/qr-payment/lesson.yaml").is_file()
    assert (data / "bundles/qr-payment/1/manifest.sig").stat().st_size == 64
    seen: list[tuple[int, int]] = []
    second = install_bundle(kit.pack(2), data, progress=lambda done, total: seen.append(
        (done, total)))
    assert second.previous_version == 1
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0
    assert not (data / "bundles/qr-payment/1").exists()  # removed after the commit
    assert not (data / "staging").exists()
    curriculum = load_curriculum([*installed_lesson_dirs(data)])
    assert curriculum.ids == ("qr-payment",) and curriculum.get("qr-payment").version == 2
    [row] = list_bundles(data)
    assert (row.id, row.version, row.lessons) == ("qr-payment", 2, ("qr-payment",))
    assert row.publisher == "Sở Thông tin và Truyền thông"
    assert remove_bundle("qr-payment", data).version == 2
    assert list_bundles(data) == [] and not (data / "bundles/qr-payment").exists()
    assert installed_lesson_dirs(data) == []
    with pytest.raises(E.NotInstalledError) as caught:
        remove_bundle("qr-payment", data)
    assert caught.value.user_message == "no installed bundle has the id `qr-payment`"


def test_installed_bundle_updates_builtin_lesson(data: Path, kit: BundleKit) -> None:
    install_bundle(kit.pack(7), data)
    curriculum = load_curriculum([REPO / "lessons", *installed_lesson_dirs(data)])
    lesson = curriculum.get("qr-payment")
    assert lesson.version == 7 and data in lesson.folder.parents
    assert {"fraud-call", "vneid-level1"} <= set(curriculum.ids)


def test_no_database_means_no_bundles(tmp_path: Path) -> None:
    assert installed_lesson_dirs(tmp_path) == []
    assert not (tmp_path / "kiosk.sqlite3").exists()


def test_cancel_leaves_nothing(data: Path, kit: BundleKit) -> None:
    install_bundle(kit.pack(1), data)
    bundle = kit.pack(2, extra={"extra/big.bin": os.urandom(6 << 20)})
    before = snapshot(data)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(E.CancelledError) as caught:
        install_bundle(bundle, data, progress=progress, cancel=cancel)
    assert caught.value.user_message == "the install was cancelled; nothing was changed"
    assert snapshot(data) == before


def test_second_install_at_once_is_refused(data: Path, kit: BundleKit) -> None:
    bundle = kit.pack(1)
    with folder_lock(data / LOCK_FILE) as locked:
        assert locked
        with pytest.raises(E.BusyError):
            install_bundle(bundle, data)
    assert list_bundles(data) == []


@pytest.mark.parametrize(
    ("point", "active", "leftover"),
    [("before-rename", 1, "staging"), ("before-commit", 1, "bundles/qr-payment/2"),
     ("after-commit", 2, "bundles/qr-payment/1")],
)
def test_kill_during_install(data: Path, kit: BundleKit, point: str, active: int,
                             leftover: str) -> None:
    install_bundle(kit.pack(1), data)
    bundle = kit.pack(2)
    kill_install_at(bundle, data, point, leftover)
    # The next start: the database decides, and what it does not point at is cleaned.
    assert installed_lesson_dirs(data) == [data / "bundles" / "qr-payment" / str(active)]
    assert not (data / leftover).exists() and not (data / "staging").exists()
    assert sorted(p.name for p in (data / "bundles/qr-payment").iterdir()) == [str(active)]
    assert [b.version for b in list_bundles(data)] == [active]
    if active == 1:  # the interrupted update can simply be installed again
        assert install_bundle(bundle, data).version == 2


@pytest.fixture
def small_disk(tmp_path: Path, key_dir: Path):
    """A data folder on a real 2 MB tmpfs with 64 inodes (needs root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder = tmp_path / "small"
    folder.mkdir()

    def mount(options: str) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        from tests.bundles.bundlekit import trust_of

        trust_of(folder).add(key_dir / "publisher.pub")
        return folder

    yield mount
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_disk_too_small_is_refused_before_writing(small_disk, kit: BundleKit) -> None:
    data = small_disk("size=2m")
    install_bundle(kit.pack(1), data)
    bundle = kit.pack(2, extra={"extra/big.bin": os.urandom(3 << 20)})
    before = snapshot(data)
    with pytest.raises(E.DiskFullError) as caught:
        install_bundle(bundle, data)
    assert caught.value.user_message.startswith("not enough free space: the bundle needs ")
    assert snapshot(data) == before


def test_disk_filling_up_mid_install(small_disk, kit: BundleKit) -> None:
    data = small_disk("size=8m,nr_inodes=64")  # space enough, but files run out mid-way
    install_bundle(kit.pack(1), data)
    extra = {f"extra/f{i:03}.txt": b"x" * 100 for i in range(80)}
    bundle = kit.pack(2, extra=extra)
    before = snapshot(data)
    with pytest.raises(E.DiskFullError) as caught:
        install_bundle(bundle, data)
    assert caught.value.user_message == ("the disk became full while installing; nothing was "
                                         "changed. Free some space and try again")
    assert snapshot(data) == before
    assert installed_lesson_dirs(data) == [data / "bundles/qr-payment/1"]
