"""Sync on a real window: the technician's Sync page, the top bar's dot, and the window's worker.

The hub is the real one (kiosk.hub on uvicorn, `ThreadHub` of tests/hub/hubkit.py) on a SQLite
file in tmp_path; the kiosk enrolls with a real one-time code and its events come from the
store's own progress calls (tests/sync/conftest.py `add_events`). The USB stick is a folder
laid out as KIOSK/ and found through KIOSK_USB_ROOTS; its sync file is imported by the hub's
own `kiosk.hub.usb.import_file`, which writes the receipt the kiosk then reads. The page is
driven with keys and clicks; background work is waited for with qtbot.waitUntil.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.bundles.keys import TrustStore, generate_keypair, read_secret_key
from kiosk.bundles.pack import pack_bundle
from kiosk.i18n import _, ngettext
from kiosk.store import open_store
from kiosk.sync.enroll import enroll_online
from kiosk.ui.navigator import State
from kiosk.ui.screens.technician import TechnicianScreen
from kiosk.ui.screens.technician_sync import SyncSection
from tests.hub.hubkit import REPO, ThreadHub
from tests.sync.conftest import QUICK, add_events, hub_event_count, new_code
from tests.ui.test_ui_technician import open_technician, press

WAIT_MS = 60_000  # a generous limit for work that normally takes well under a second
COMMUNE = "Xã Tân Lập"


@contextmanager
def running_hub(folder: Path) -> Iterator[ThreadHub]:
    bundles = folder / "hub-bundles"
    bundles.mkdir(parents=True, exist_ok=True)
    with ThreadHub(f"sqlite:///{folder / 'hub.sqlite3'}", bundles) as hub:
        yield hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[ThreadHub]:
    with running_hub(tmp_path / "hub") as running:
        yield running


def enrolled(data_dir: Path, hub: ThreadHub, events: int = 0) -> list[str]:
    """Enroll the kiosk online with a fresh code; make `events` events; return their ids."""
    store = open_store(config.database_path(data_dir))
    try:
        enroll_online(store, data_dir, hub.base_url, new_code(hub, COMMUNE), retry=QUICK)
        return add_events(store, events) if events else []
    finally:
        store.close()


def sync_page(screen: TechnicianScreen) -> SyncSection:
    page = screen.sections["sync"]
    assert isinstance(page, SyncSection)
    return page


def waiting_text(count: int) -> str:
    return ngettext("Waiting to be sent: {n} event", "Waiting to be sent: {n} events",
                    count).format(n=count)


def test_the_page_shows_the_status_and_sync_now_delivers(qtbot, kiosk_window, hub, data_dir):
    ids = enrolled(data_dir, hub, 12)
    window = kiosk_window()
    screen = open_technician(qtbot, window)
    for _step in range(3):  # the left column: USB stick, Installed lessons, Trusted keys, Sync
        press(qtbot, Qt.Key.Key_Down)
    assert screen.current == "sync"
    page = sync_page(screen)
    qtbot.waitUntil(lambda: page.state_lines.isVisible(), timeout=WAIT_MS)
    assert page.state_title.plain() == _("Enrolled: sends progress over the network")
    lines = page.state_lines.plain().splitlines()
    assert _("Hub: {address} ({commune})").format(address=hub.base_url, commune=COMMUNE) in lines
    assert waiting_text(len(ids)) in lines
    assert _("Not sent to the hub yet.") in lines
    assert not page.enroll_box.isVisible()  # enrolled online: nothing to type
    # The dot in the top bar, with its words on the technician screen.
    dot = window.sync_indicator
    assert dot.isVisible() and not dot.dot.filled
    assert dot.focusPolicy() == Qt.FocusPolicy.NoFocus  # never in a learner's way
    assert dot.words.text() == ngettext("Sync: {n} waiting", "Sync: {n} waiting",
                                        len(ids)).format(n=len(ids))
    assert dot.accessibleName() == _("Sync status")
    assert dot.accessibleDescription().startswith(
        ngettext("{n} event is waiting to be sent to the hub.",
                 "{n} events are waiting to be sent to the hub.", len(ids)).format(n=len(ids)))

    press(qtbot, Qt.Key.Key_Return)  # into the page: its first button
    assert QApplication.focusWidget() is page.sync_button
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.save_button
    press(qtbot, Qt.Key.Key_Up)  # arrows step through the page too
    assert QApplication.focusWidget() is page.sync_button
    press(qtbot, Qt.Key.Key_Return)  # Sync now
    qtbot.waitUntil(lambda: not page.waiting_for_pass, timeout=WAIT_MS)
    assert page.message.plain() == ngettext("Sync done: {n} event delivered.",
                                            "Sync done: {n} events delivered.",
                                            len(ids)).format(n=len(ids))
    assert hub_event_count(hub.engine) == len(ids)
    qtbot.waitUntil(lambda: waiting_text(0) in page.state_lines.plain().splitlines(),
                    timeout=WAIT_MS)
    assert dot.dot.filled and dot.words.text() == _("Sync: all sent")
    assert dot.accessibleDescription().startswith(_("The hub has every event of this kiosk."))
    assert window.session.store.outbox_counts() == (0, len(ids))

    press(qtbot, Qt.Key.Key_Escape)  # back to the left column
    assert QApplication.focusWidget() is screen.nav["sync"]
    press(qtbot, Qt.Key.Key_Escape)
    assert window.navigator.state is State.HOME
    assert dot.isVisible() and not dot.words.isVisible()  # learners see the dot alone


def test_enroll_by_stick_save_progress_then_read_the_hubs_receipt(
        qtbot, kiosk_window, hub, data_dir: Path, tmp_path: Path, monkeypatch):
    stick = tmp_path / "stick"
    (stick / "KIOSK").mkdir(parents=True)
    monkeypatch.setenv("KIOSK_USB_ROOTS", str(stick))
    window = kiosk_window()
    ids = add_events(window.session.store, 7)  # progress made before the kiosk had a hub
    screen = open_technician(qtbot, window)
    screen.show_section("sync")
    page = sync_page(screen)
    qtbot.waitUntil(lambda: page.enroll_box.isVisible(), timeout=WAIT_MS)
    assert page.state_title.plain() == _("Not enrolled with a hub yet")
    assert not page.sync_button.isVisible() and not page.stick_box.isVisible()
    assert not window.sync_indicator.isVisible()  # no hub: nothing to show learners

    page.focus_first()
    assert QApplication.focusWidget() is page.url_field  # left empty: enroll by stick
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.code_field
    qtbot.keyClicks(page.code_field, new_code(hub, COMMUNE).lower())
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.job is None and page.stick_box.isVisible(), timeout=WAIT_MS)
    assert page.message.plain() == _("The code is kept: now save the progress on the USB stick.")
    assert page.state_title.plain() == _("Enrolling: the code waits for the hub")
    assert QApplication.focusWidget() is page.save_button  # the next step

    qtbot.waitUntil(lambda: bool(page.folders), timeout=WAIT_MS)  # the watcher found the stick
    press(qtbot, Qt.Key.Key_Return)  # Save progress to USB stick
    qtbot.waitUntil(lambda: page.job is None, timeout=WAIT_MS)
    assert page.message.plain() == ngettext("{n} event saved on the USB stick.",
                                            "{n} events saved on the USB stick.",
                                            len(ids)).format(n=len(ids))
    files = sorted((stick / "KIOSK" / "sync").glob("*.ksync"))
    assert files
    assert window.session.store.outbox_counts() == (len(ids), 0)  # pending until the receipt

    from kiosk.hub.usb import import_file  # the hub reads the stick

    for file in files:
        assert import_file(hub.engine, file).receipt.exists()
    assert hub_event_count(hub.engine) == len(ids)

    page.read_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # Read receipt from USB stick
    qtbot.waitUntil(lambda: page.job is None, timeout=WAIT_MS)
    assert page.message.plain() == " ".join([
        _("This kiosk is now enrolled with the hub."),
        ngettext("The hub confirmed {n} event.", "The hub confirmed {n} events.",
                 len(ids)).format(n=len(ids))])
    assert window.session.store.outbox_counts() == (0, len(ids))
    qtbot.waitUntil(lambda: page.state_title.plain() == _("Enrolled: sends progress by USB stick"),
                    timeout=WAIT_MS)
    assert window.sync_indicator.isVisible() and window.sync_indicator.dot.filled
    assert not page.sync_button.isVisible()  # no network address: the stick is the way

    press(qtbot, Qt.Key.Key_Return)  # the same receipt again: nothing new, nothing twice
    qtbot.waitUntil(lambda: page.job is None, timeout=WAIT_MS)
    assert page.message.plain() == _("This receipt was read before.")
    assert window.session.store.outbox_counts() == (0, len(ids))


def test_no_stick_and_a_pulled_stick_are_said_plainly_and_aloud(
        qtbot, spoken_window, heard, hub, data_dir: Path, tmp_path: Path, monkeypatch):
    enrolled(data_dir, hub, 3)
    window = spoken_window(voice=True)
    screen = open_technician(qtbot, window)
    screen.show_section("sync")
    page = sync_page(screen)
    qtbot.waitUntil(lambda: page.looked and page.stick_box.isVisible(), timeout=WAIT_MS)
    assert page.stick_line.plain() == _("No USB stick with a KIOSK folder is plugged in.")
    page.save_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    no_stick = _("No USB stick with a KIOSK folder is plugged in.")
    assert page.message.plain() == no_stick
    heard(no_stick)
    page.read_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert page.message.plain() == no_stick

    stick = tmp_path / "stick"
    (stick / "KIOSK").mkdir(parents=True)
    monkeypatch.setenv("KIOSK_USB_ROOTS", str(stick))
    screen.watcher.poll()
    qtbot.waitUntil(lambda: bool(page.folders), timeout=WAIT_MS)
    assert page.stick_line.plain() == _("USB stick: {folder}").format(folder=stick / "KIOSK")
    screen.watcher.stop()  # the stick is pulled out before the watcher looks again
    shutil.rmtree(stick)
    page.save_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.job is None, timeout=WAIT_MS)
    removed = _("The USB stick was removed. Plug it in again.")
    assert page.message.plain() == removed
    heard(removed)
    assert window.session.store.outbox_counts()[0] > 0  # nothing was marked as delivered


def test_the_windows_worker_delivers_and_its_result_reaches_the_ui_thread(
        qtbot, kiosk_window, hub, data_dir):
    ids = enrolled(data_dir, hub, 20)
    window = kiosk_window()
    seen: list[tuple[bool, object, object]] = []
    window.sync.pass_finished.connect(
        lambda report, error: seen.append(
            (threading.current_thread() is threading.main_thread(), report, error)))
    window.start_sync(first_delay=0, interval=3600, retry=QUICK)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    on_ui_thread, report, error = seen[0]
    assert on_ui_thread and error is None
    assert report.acked == len(ids)  # type: ignore[attr-defined]
    assert hub_event_count(hub.engine) == len(ids)
    worker = window.sync.worker
    assert worker is not None and worker.running
    qtbot.waitUntil(lambda: window.sync_indicator.isVisible() and window.sync_indicator.dot.filled,
                    timeout=WAIT_MS)
    assert window.sync.status is not None and window.sync.status["pending"] == 0
    window.close()  # quitting the kiosk ends the worker's thread
    assert not worker.running


def test_a_bundle_the_worker_pulls_appears_on_the_home_screen(
        qtbot, kiosk_window, data_dir: Path, tmp_path: Path):
    keys = tmp_path / "keys"
    generate_keypair(keys / "publisher", "Sở TT&TT Hà Giang")
    TrustStore.for_data(data_dir).add(keys / "publisher.pub")
    with running_hub(tmp_path / "hub") as hub:
        pack_bundle(REPO / "lessons" / "fraud-call", tmp_path / "hub" / "hub-bundles",
                    read_secret_key(keys / "publisher.key"), version=2)
        enrolled(data_dir, hub)
        window = kiosk_window()
        assert window.session.lesson("fraud-call") is None
        shown_before = [tile.lesson_id for tile in window.home.lesson_tiles]
        window.start_sync(first_delay=0, interval=3600, retry=QUICK)
        qtbot.waitUntil(lambda: "fraud-call" in [tile.lesson_id
                                                 for tile in window.home.lesson_tiles],
                        timeout=WAIT_MS)
    assert window.session.lesson("fraud-call") is not None
    assert set(shown_before) < {tile.lesson_id for tile in window.home.lesson_tiles}
    assert window.navigator.state is State.HOME
