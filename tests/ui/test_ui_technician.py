"""The technician screen on a real window: PIN, a simulated USB stick, install, remove, settings.

The stick is a temporary folder laid out as `KIOSK/bundles` and `KIOSK/keys`, found through
`KIOSK_USB_ROOTS`; bundles are real ones, packed from the built-in lessons and signed with a
real key made for this module. Everything is driven with key presses and clicks; background
work (USB scans, installs) is waited for with qtbot.waitUntil.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.bundles.install import install_bundle, list_bundles
from kiosk.bundles.keys import SecretKeyInfo, TrustStore, generate_keypair, read_secret_key
from kiosk.bundles.pack import pack_bundle
from kiosk.bundles.usb import BundleStatus
from kiosk.i18n import _
from kiosk.store import technician as tech
from kiosk.ui.navigator import State
from kiosk.ui.screens.technician import PAGES, TechnicianScreen
from kiosk.ui.screens.technician_bundles import UsbSection, lessons_text
from kiosk.ui.screens.technician_installed import InstalledSection

PIN = "2468"
LESSONS = Path(__file__).resolve().parents[2] / "lessons"
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tech-keys")
    generate_keypair(folder / "publisher", "Sở TT&TT Hà Giang")
    return folder


@pytest.fixture(scope="module")
def publisher(key_dir: Path) -> SecretKeyInfo:
    return read_secret_key(key_dir / "publisher.key")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory, publisher: SecretKeyInfo) -> dict[str, Path]:
    """qr-payment version 3 (valid), and a copy with one byte of a file changed (invalid)."""
    out = tmp_path_factory.mktemp("tech-bundles")
    good = pack_bundle(LESSONS / "qr-payment", out, publisher, version=3).path
    bad = out / "broken.kbundle"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "qr-payment/lesson.yaml":  # same size, other content
                data = data.replace(b"minutes: 12", b"minutes: 99")
            target.writestr(info, data)
    return {"good": good, "bad": bad}


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The KIOSK folder of a simulated USB stick (not plugged in until it exists)."""
    root = tmp_path / "stick"
    monkeypatch.setenv("KIOSK_USB_ROOTS", str(root))
    return root / "KIOSK"


def fill(stick: Path, *bundles: Path, keys: tuple[Path, ...] = ()) -> None:
    (stick / "bundles").mkdir(parents=True, exist_ok=True)
    (stick / "keys").mkdir(exist_ok=True)
    for bundle in bundles:
        shutil.copy(bundle, stick / "bundles" / bundle.name)
    for key in keys:
        shutil.copy(key, stick / "keys" / key.name)


def trust(data_dir: Path, key_dir: Path) -> None:
    TrustStore.for_data(data_dir).add(key_dir / "publisher.pub")


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused, key, modifier)


def type_pin(qtbot, screen: TechnicianScreen, pin: str) -> None:
    field = screen.pin_page.field
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, pin)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def open_technician(qtbot, window, pin: str = PIN) -> TechnicianScreen:
    """Ctrl+Alt+T, then the PIN (chosen and typed twice on the first use)."""
    press(qtbot, Qt.Key.Key_T, CTRL_ALT)
    assert window.navigator.state is State.TECHNICIAN
    screen = window.technician
    first = not tech.has_pin(window.session.store)
    type_pin(qtbot, screen, pin)
    if first:
        type_pin(qtbot, screen, pin)
    assert screen.unlocked
    return screen


def usb_page(screen: TechnicianScreen) -> UsbSection:
    page = screen.sections["usb"]
    assert isinstance(page, UsbSection)
    return page


def wait_rows(qtbot, page: UsbSection, count: int) -> None:
    qtbot.waitUntil(lambda: page.scanning is None and len(page.row_widgets()) == count
                    and page.looked, timeout=20_000)


def test_pin_chosen_twice_then_asked(qtbot, kiosk_window):
    window = kiosk_window()
    store = window.session.store
    press(qtbot, Qt.Key.Key_T, CTRL_ALT)
    screen = window.technician
    page = screen.pin_page
    assert not screen.unlocked and page.mode == "new"
    type_pin(qtbot, screen, "12")
    assert page.message.plain() == _("A PIN has {low} to {high} digits.").format(low=4, high=12)
    type_pin(qtbot, screen, PIN)
    assert page.mode == "repeat"
    type_pin(qtbot, screen, "8642")
    assert page.message.plain() == _("The two PINs were not the same. Please choose a PIN "
                                     "again.")
    assert page.mode == "new" and not tech.has_pin(store)
    type_pin(qtbot, screen, PIN)
    type_pin(qtbot, screen, PIN)
    assert screen.unlocked
    record = store.get_setting(tech.PIN_SETTING)
    assert record["scheme"] == "scrypt" and len(record["salt"]) == 32
    assert PIN not in str(record)  # only the hash is kept
    assert tech.check_pin(store, PIN) and not tech.check_pin(store, "1111")
    press(qtbot, Qt.Key.Key_Escape)  # the left column has the focus: back to the lessons
    assert window.navigator.state is State.HOME
    # Next time: the PIN is asked, and a wrong one refused calmly.
    press(qtbot, Qt.Key.Key_T, CTRL_ALT)
    assert page.mode == "check" and not screen.unlocked
    type_pin(qtbot, screen, "1111")
    assert not screen.unlocked
    assert page.message.plain() == _("That PIN is not right. Please try again.")
    for _try in range(4):
        type_pin(qtbot, screen, "9999")
    assert page.waiting and not page.field.isEnabled() and not screen.unlocked
    assert page.message.plain() == _("That PIN is not right. Please wait {seconds} seconds, "
                                     "then try again.").format(seconds=30)
    page.submit()  # even the right PIN waits
    assert not screen.unlocked
    page.end_wait()  # the 30 seconds are over
    assert page.field.isEnabled() and QApplication.focusWidget() is page.field
    type_pin(qtbot, screen, PIN)
    assert screen.unlocked and page.wrong == 0


def test_install_from_stick_with_progress_then_lessons_on_home(
        qtbot, kiosk_window, data_dir: Path, key_dir: Path, bundles: dict[str, Path],
        stick: Path):
    trust(data_dir, key_dir)
    fill(stick, bundles["bad"], bundles["good"])
    window = kiosk_window()
    assert window.session.lesson("qr-payment") is None
    screen = open_technician(qtbot, window)
    page = usb_page(screen)
    wait_rows(qtbot, page, 2)
    bad, good = page.row_widgets()
    assert (bad.found.status, good.found.status) == (BundleStatus.INVALID, BundleStatus.NEW)
    assert bad.reason.isVisibleTo(bad) and not bad.install_button.isVisibleTo(bad)
    assert bad.reason.plain() == _("the file `{path}` in the bundle is damaged or was changed"
                                   ).format(path="qr-payment/lesson.yaml")
    assert good.install_button.isVisibleTo(good) and not good.reason.isVisibleTo(good)
    seen: list[int] = []
    good.progress.valueChanged.connect(seen.append)
    # From the left column into the page, to the Install button, and Enter.
    press(qtbot, Qt.Key.Key_Return)
    for _tab in range(40):
        if QApplication.focusWidget() is good.install_button:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is good.install_button, (
        QApplication.focusWidget(), QApplication.focusWidget().accessibleName(),
        good.install_button.isVisible(), good.install_button.isEnabled(), page.row_widgets())
    press(qtbot, Qt.Key.Key_Return)
    assert page.installing is not None
    qtbot.waitUntil(lambda: page.installing is None, timeout=30_000)
    assert seen and seen[-1] == 100 and good.progress.value() == 100
    assert good.found.status is BundleStatus.INSTALLED
    assert not good.install_button.isVisibleTo(good)
    assert page.message.plain() == _("“{title}” is installed ({lessons}). You can remove the USB "
                                     "stick now.").format(title=good.title_text,
                                                          lessons=lessons_text(1))
    [row] = list_bundles(data_dir)
    assert (row.id, row.version) == ("qr-payment", 3)
    # The home screen shows the new lesson at once.
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Escape)
    assert window.navigator.state is State.HOME
    ids = [getattr(tile, "lesson_id", None) for tile in window.home.lesson_tiles]
    assert "qr-payment" in ids and "ui-demo" in ids


def test_cancel_an_install(qtbot, kiosk_window, data_dir: Path, key_dir: Path,
                          publisher: SecretKeyInfo, stick: Path, tmp_path: Path):
    trust(data_dir, key_dir)
    lesson = tmp_path / "src" / "qr-payment"
    shutil.copytree(LESSONS / "qr-payment", lesson)
    (lesson / "audio").mkdir(exist_ok=True)
    (lesson / "audio" / "big.bin").write_bytes(os.urandom(24 << 20))  # long enough to cancel
    fill(stick, pack_bundle(lesson, tmp_path, publisher, version=4).path)
    window = kiosk_window()
    screen = open_technician(qtbot, window)
    page = usb_page(screen)
    wait_rows(qtbot, page, 1)
    [row] = page.row_widgets()
    qtbot.mouseClick(row.install_button, Qt.MouseButton.LeftButton)
    assert row.cancel_button.isVisible() and QApplication.focusWidget() is row.cancel_button
    press(qtbot, Qt.Key.Key_Return)  # Cancel has the focus
    qtbot.waitUntil(lambda: page.installing is None, timeout=30_000)
    assert page.message.plain() == _("The install was cancelled; nothing was changed.")
    assert list_bundles(data_dir) == [] and not (data_dir / "staging").exists()
    assert row.found.status is BundleStatus.NEW and row.install_button.isVisible()
    assert not row.progress.isVisible()
    assert screen.watcher.active
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Escape)
    assert window.navigator.state is State.HOME and not screen.watcher.active


def test_stick_plugged_in_while_open_and_key_added_from_it(
        qtbot, kiosk_window, data_dir: Path, key_dir: Path, bundles: dict[str, Path],
        stick: Path):
    window = kiosk_window()
    screen = open_technician(qtbot, window)
    page = usb_page(screen)
    qtbot.waitUntil(lambda: page.looked)
    assert page.status.plain().startswith(_("No USB stick with a KIOSK folder is plugged in."))
    fill(stick, bundles["good"], keys=(key_dir / "publisher.pub",))
    screen.watcher.poll()  # the timer does this every two seconds
    wait_rows(qtbot, page, 1)
    [row] = page.row_widgets()
    assert row.found.status is BundleStatus.INVALID  # its publisher is not trusted yet
    assert row.reason.plain() == _(
        "the bundle is signed by a key this kiosk does not trust (key {key}); add the "
        "publisher's key first").format(key=read_secret_key(key_dir / "publisher.key")
                                       .public.key_id)
    screen.show_section("keys")
    keys = screen.sections["keys"]
    qtbot.waitUntil(lambda: len(keys.add_buttons) == 1, timeout=20_000)
    assert keys.add_buttons[0].accessibleName().endswith("Sở TT&TT Hà Giang")
    qtbot.mouseClick(keys.add_buttons[0], Qt.MouseButton.LeftButton)
    assert keys.message.plain() == _("The key “{name}” is trusted now.").format(
        name="Sở TT&TT Hà Giang")
    assert [k.source for k in TrustStore.for_data(data_dir).entries()] == ["added"]
    wait_rows(qtbot, page, 1)
    qtbot.waitUntil(lambda: page.row_widgets()[0].found.status is BundleStatus.NEW,
                    timeout=20_000)


def test_remove_asks_first(qtbot, kiosk_window, data_dir: Path, key_dir: Path,
                          bundles: dict[str, Path], stick: Path):
    trust(data_dir, key_dir)
    install_bundle(bundles["good"], data_dir)
    window = kiosk_window()
    window.session.use_curriculum(window.session.load_curriculum())
    assert window.session.lesson("qr-payment") is not None
    screen = open_technician(qtbot, window)
    press(qtbot, Qt.Key.Key_Down)  # the left column: "Installed lessons"
    page = screen.sections["installed"]
    assert isinstance(page, InstalledSection) and screen.current == "installed"
    button = page.remove_buttons["qr-payment"]
    [installed] = list_bundles(data_dir)
    title = screen.ctx.title_of(installed.titles, installed.id)
    press(qtbot, Qt.Key.Key_Return)  # into the page: the Remove button
    assert QApplication.focusWidget() is button
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget().accessibleName() == _("Yes, remove")
    press(qtbot, Qt.Key.Key_Escape)  # no: nothing happens
    assert QApplication.focusWidget() is button and list_bundles(data_dir)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)  # yes
    qtbot.waitUntil(lambda: page.removing is None and not list_bundles(data_dir),
                    timeout=20_000)
    assert not (data_dir / "bundles" / "qr-payment").exists()
    assert window.session.lesson("qr-payment") is None
    assert page.message.plain() == _("“{title}” is removed from the kiosk.").format(title=title)
    assert page.remove_buttons == {}


def test_kiosk_name_language_and_voice_speed(qtbot, kiosk_window):
    window = kiosk_window()
    store = window.session.store
    screen = open_technician(qtbot, window)
    screen.show_section("kiosk")
    kiosk = screen.sections["kiosk"]
    kiosk.name_field.setFocus()
    qtbot.keyClicks(kiosk.name_field, "Nha van hoa Na Phay")
    qtbot.keyClick(kiosk.name_field, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is kiosk.commune_field
    qtbot.keyClicks(kiosk.commune_field, "Yen Thinh")
    qtbot.keyClick(kiosk.commune_field, Qt.Key.Key_Return)
    assert tech.identity(store) == tech.KioskIdentity("Nha van hoa Na Phay", "Yen Thinh")
    assert kiosk.message.plain() == _("Saved.")
    screen.show_section("voice")
    voice = screen.sections["voice"]
    tile = next(t for t in voice.tiles if t.property("code") == "tyz")
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert tech.default_language(store) == "tyz"
    assert store.guest().language == "tyz" and window.session.language.code == "tyz"
    assert next(t for t in voice.tiles if t.property("current")).property("code") == "tyz"
    qtbot.mouseClick(voice.faster_button, Qt.MouseButton.LeftButton)
    assert tech.default_rate(store) == 170 and window.session.speech_rate() == 170
    qtbot.mouseClick(voice.slower_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(voice.slower_button, Qt.MouseButton.LeftButton)
    assert tech.default_rate(store) == 130


def test_checks_and_closing_the_program(qtbot, kiosk_window, data_dir: Path):
    window = kiosk_window()
    screen = open_technician(qtbot, window)
    screen.show_section("checks")
    checks = screen.sections["checks"]
    lines = [text for text, _fine in checks.fact_lines()]
    assert lines[0] == _("Kiosk program: version {version}").format(version="0.1.0")
    assert any(str(data_dir) in line for line in lines)
    qtbot.mouseClick(checks.test_button, Qt.MouseButton.LeftButton)  # no speech in this test
    assert checks.results.findChildren(QWidget)
    screen.show_section("exit")
    exits = screen.sections["exit"]
    closed: list[bool] = []
    screen.exit_requested.connect(lambda: closed.append(True))
    exits.close_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert exits.confirm.open and not closed
    press(qtbot, Qt.Key.Key_Return)  # Enter: yes
    assert closed == [True] and not window.isVisible()


def test_speech_self_test(qtbot, spoken_window):
    window = spoken_window()
    screen = open_technician(qtbot, window)
    screen.show_section("checks")
    checks = screen.sections["checks"]
    qtbot.mouseClick(checks.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: checks.testing is None, timeout=60_000)
    texts = [w.plain() for w in checks.results.findChildren(QWidget) if hasattr(w, "plain")]
    assert any(text.startswith("✓ ") and "espeak" in text.lower() or "sapi" in text.lower()
               for text in texts), texts


def test_hold_the_top_left_corner(qtbot, kiosk_window):
    window = kiosk_window()
    hold = window._corner_hold
    qtbot.mousePress(window.where, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert hold.timer.isActive()
    qtbot.mouseRelease(window.where, Qt.MouseButton.LeftButton)
    assert not hold.timer.isActive() and window.navigator.state is State.HOME
    hold.timer.setInterval(1)
    qtbot.mousePress(window.where, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.waitUntil(lambda: window.navigator.state is State.TECHNICIAN)


def walk_technician(qtbot, window, check: Callable[[str], None]) -> None:
    """Every page of the technician screen, for the accessibility walkers of test_ui_screens."""
    press(qtbot, Qt.Key.Key_T, CTRL_ALT)
    screen = window.technician
    check("technician PIN")
    first = not tech.has_pin(window.session.store)
    type_pin(qtbot, screen, PIN)
    if first:
        check("technician PIN, again")
        type_pin(qtbot, screen, PIN)
    for key, _label, _description in PAGES:
        screen.show_section(key)
        check(f"technician: {key}")
    for _escape in range(3):
        if window.navigator.state is State.TECHNICIAN:
            press(qtbot, Qt.Key.Key_Escape)
    assert window.navigator.state is State.HOME


def test_every_technician_widget_named_and_big_enough(
        qtbot, kiosk_window, data_dir: Path, key_dir: Path, bundles: dict[str, Path],
        stick: Path):
    from tests.ui.test_ui_screens import audit

    trust(data_dir, key_dir)
    install_bundle(bundles["good"], data_dir)
    fill(stick, bundles["bad"], bundles["good"], keys=(key_dir / "publisher.pub",))
    window = kiosk_window()
    page_seen: list[str] = []

    def check(where: str) -> None:
        if where == "technician: usb":
            wait_rows(qtbot, usb_page(window.technician), 2)
        audit(window, where)
        page_seen.append(where)

    walk_technician(qtbot, window, check)
    assert len(page_seen) == 2 + len(PAGES)
