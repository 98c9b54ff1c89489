"""Screenshots of the technician screen, for kiosk.ui.screenshots: `tour(window, session, shot)`.

It sets up what a technician meets on a real visit, in throw-away folders: a stick folder laid
out as KIOSK/bundles and KIOSK/keys (found through KIOSK_USB_ROOTS) with a bundle packed from
the built-in qr-payment lesson and signed with a key made for the tour, a damaged copy of it,
and the public keys of two publishers (one trusted, one not). Then it shows the PIN set-up,
a wrong PIN, every page (the Sync page as on a kiosk not yet enrolled with a hub), an install
finished at 100 %, a removal question, and the stick page at 200 % text. Background work
(scans, the install) is waited for by processing events.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.bundles.keys import TrustStore, generate_keypair, read_secret_key
from kiosk.bundles.pack import pack_bundle
from kiosk.bundles.usb import ROOTS_ENV
from kiosk.store import technician as tech
from kiosk.ui.screens.technician_bundles import UsbSection
from kiosk.ui.screens.technician_installed import InstalledSection
from kiosk.ui.screens.technician_keys import KeysSection
from kiosk.ui.session import Session
from kiosk.ui.window import MainWindow


def _wait(done: Callable[[], bool], seconds: float = 30.0) -> None:
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(4):
        QApplication.processEvents()


def _stick(root: Path, data_dir: Path) -> None:
    keys, stick = root / "keys", root / "stick" / "KIOSK"
    (stick / "bundles").mkdir(parents=True)
    (stick / "keys").mkdir()
    generate_keypair(keys / "so-tttt", "Sở TT&TT Hà Giang")
    generate_keypair(keys / "ttht", "Trung tâm học tập cộng đồng xã Yên Thịnh")
    TrustStore.for_data(data_dir).add(keys / "so-tttt.pub")
    for name in ("so-tttt.pub", "ttht.pub"):
        shutil.copy(keys / name, stick / "keys" / name)
    lesson = config.builtin_lessons_dir() / "qr-payment"
    good = pack_bundle(lesson, stick / "bundles", read_secret_key(keys / "so-tttt.key"),
                       version=3).path
    with zipfile.ZipFile(good) as source, \
            zipfile.ZipFile(stick / "bundles" / "qr-payment-copy.kbundle", "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("lesson.yaml"):
                data = data.replace(b"minutes: 12", b"minutes: 99")
            target.writestr(info, data)


def tour(window: MainWindow, session: Session, shot: Callable[[str], None]) -> None:
    previous = os.environ.get(ROOTS_ENV)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ[ROOTS_ENV] = str(root / "stick")
        try:
            _stick(root, session.data_dir)
            _pages(window, session, shot)
        finally:
            if window.navigator.current is window.technician:
                window.go_home()
            if previous is None:
                os.environ.pop(ROOTS_ENV, None)
            else:
                os.environ[ROOTS_ENV] = previous


def _pages(window: MainWindow, session: Session, shot: Callable[[str], None]) -> None:
    window.request_technician()
    screen = window.technician
    pin = screen.pin_page
    shot("technician-pin-setup")
    tech.set_pin(session.store, "2468")
    pin.reset()
    pin.field.setText("1111")
    pin.submit()
    shot("technician-pin-wrong")
    pin.field.setText("2468")
    pin.submit()
    usb = screen.sections["usb"]
    assert isinstance(usb, UsbSection)
    _wait(lambda: usb.looked and usb.scanning is None and len(usb.row_widgets()) == 2)
    shot("technician-usb")
    usb.install(next(row for row in usb.row_widgets() if row.installable))
    _wait(lambda: usb.installing is None)
    shot("technician-usb-installed")
    screen.show_section("installed")
    installed = screen.sections["installed"]
    assert isinstance(installed, InstalledSection)
    shot("technician-installed")
    installed.remove_buttons["qr-payment"].click()
    shot("technician-remove-question")
    installed.escape()
    screen.show_section("keys")
    keys = screen.sections["keys"]
    assert isinstance(keys, KeysSection)
    _wait(lambda: keys.reading is None and bool(keys.stick_keys))
    shot("technician-keys")
    screen.show_section("kiosk")
    kiosk = screen.sections["kiosk"]
    kiosk.name_field.setText("Nhà văn hóa thôn Nà Phầy")  # type: ignore[attr-defined]
    kiosk.commune_field.setText("Xã Yên Thịnh")  # type: ignore[attr-defined]
    shot("technician-kiosk")
    screen.show_section("sync")
    _wait(lambda: screen.ctx.sync.status is not None)  # read off the UI thread
    shot("technician-sync")
    for key in ("voice", "checks"):
        screen.show_section(key)
        shot(f"technician-{key}")
    screen.show_section("exit")
    screen.sections["exit"].ask()  # type: ignore[attr-defined]
    shot("technician-exit-question")
    screen.sections["exit"].escape()
    screen.show_section("usb")
    window.set_text_scale(2.0)
    shot("technician-usb-200")
    window.set_text_scale(1.0)
