"""The technician screen: lesson bundles from USB, keys, kiosk details, checks, and the way out.

It opens with Ctrl+Alt+T, or on a touch screen by holding a finger on the title at the top
left for five seconds (kiosk.ui.hold), and always starts on the PIN page
(kiosk.ui.screens.technician_pin): on first use it asks to choose a PIN. Behind it, a column of
big buttons on the left chooses a page on the right (kiosk.ui.screens.technician_bundles,
_keys, _sync, _settings, _checks): lessons on the USB stick, installed lessons, trusted keys,
sync with the hub, kiosk name and commune, language and voice, checks, close the program.
Lessons a sync pass brings from the hub update the stick page's labels too. While the screen is
unlocked a UsbWatcher polls for sticks; every slow job runs in kiosk.ui.tasks. Leaving the
screen locks it again and stops the polling; an install still running finishes in the
background and its lessons appear on the home screen.

Keys: Up/Down move in the left column (the page follows), Enter or Right goes into the page,
Tab moves through a page, arrows step through it too, Enter presses, Escape closes a question,
then goes back to the left column, then back to the lessons.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_, _
from kiosk.ui.keys import ARROWS, ENTER
from kiosk.ui.screens.base import Header, Screen
from kiosk.ui.screens.technician_bundles import UsbSection
from kiosk.ui.screens.technician_checks import DiagnosticsSection, ExitSection
from kiosk.ui.screens.technician_installed import InstalledSection
from kiosk.ui.screens.technician_keys import KeysSection
from kiosk.ui.screens.technician_parts import Section, TechContext
from kiosk.ui.screens.technician_pin import PinPage
from kiosk.ui.screens.technician_settings import KioskSection, VoiceSection
from kiosk.ui.screens.technician_sync import SyncSection
from kiosk.ui.session import Session
from kiosk.ui.synclink import SyncLink
from kiosk.ui.usbwatch import UsbWatcher
from kiosk.ui.voice import VoiceMode
from kiosk.ui.widgets import (
    FocusScrollArea,
    activate_focused,
    big_button,
    describe,
    move_in_grid,
    set_state,
)

log = logging.getLogger(__name__)

# The pages, in the order of the left column: (key, label, description).
PAGES: tuple[tuple[str, str, str], ...] = (
    # Translators: buttons in the left column of the technician screen.
    ("usb", N_("USB stick"), N_("Lessons on the USB stick, to install")),
    ("installed", N_("Installed lessons"), N_("Lessons installed from bundles, to remove")),
    ("keys", N_("Trusted keys"), N_("Who may publish lessons for this kiosk")),
    ("sync", N_("Sync with the hub"), N_("Send the progress to the hub, by network or USB stick")),
    ("kiosk", N_("Kiosk name"), N_("The name and commune of this kiosk")),
    ("voice", N_("Language and voice"), N_("The language at start and the speed of the voice")),
    ("checks", N_("Check the kiosk"), N_("Versions, free space and a voice test")),
    ("exit", N_("Close the program"), N_("Leave kiosk mode")),
)


class _Column(FocusScrollArea):
    """The left column: as wide as its buttons, scrolling when they do not fit in height."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        content = self.widget().sizeHint()
        return QSize(content.width() + self.verticalScrollBar().sizeHint().width() + 4,
                     content.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.sizeHint().width(), 100)


class TechnicianScreen(Screen):
    home_requested = Signal()
    language_chosen = Signal(str)
    lessons_changed = Signal()
    exit_requested = Signal()

    def __init__(self, session: Session, voice: VoiceMode | None = None,
                 parent: QWidget | None = None, sync: SyncLink | None = None) -> None:
        super().__init__(parent, voice)
        self.session = session
        self.watcher = UsbWatcher(parent=self)
        sync = sync or SyncLink(session, parent=self)  # the window passes its own
        sync.lessons_changed.connect(self._lessons_arrived)
        self.ctx = TechContext(session, voice, self.watcher, self._bundles_changed,
                               self._keys_changed, self.language_chosen.emit,
                               self.exit_requested.emit, self._focus_column, sync=sync)
        self.pin_page = PinPage(session.store)
        self.pin_page.unlocked.connect(self.unlock)
        self.pin_page.back.connect(self.home_requested)
        makers = {"usb": UsbSection, "installed": InstalledSection, "keys": KeysSection,
                  "sync": SyncSection, "kiosk": KioskSection, "voice": VoiceSection,
                  "checks": DiagnosticsSection, "exit": ExitSection}
        self.sections: dict[str, Section] = {}
        self.nav: dict[str, QPushButton] = {}
        self.section_stack = QStackedWidget()
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(4, 4, 4, 4)
        column_layout.setSpacing(12)
        for key, _label, _description in PAGES:
            section = makers[key](self.ctx)
            self.sections[key] = section
            self.section_stack.addWidget(section)
            button = big_button("", "", role="nav")
            button.setProperty("current", False)
            button.clicked.connect(lambda _c=False, k=key: self.show_section(k))
            column_layout.addWidget(button)
            self.nav[key] = button
        column_layout.addStretch(1)
        self.column = _Column(column)
        self.main = QWidget()
        main_layout = QHBoxLayout(self.main)
        main_layout.setContentsMargins(24, 16, 24, 16)
        main_layout.setSpacing(24)
        main_layout.addWidget(self.column)
        main_layout.addWidget(self.section_stack, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.pin_page)
        self.pages.addWidget(self.main)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.current = PAGES[0][0]
        self.retranslate()

    # -- screen protocol ---------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        return self.pages.currentWidget() is self.main

    @property
    def section(self) -> Section:
        return self.sections[self.current]

    def header(self) -> Header:
        # Translators: the where-am-I line of the technician screen (the page has its title).
        return Header(title=_("Technician"), home_button=True)

    def enter(self, **args: object) -> None:
        self.lock()
        self.pin_page.reset()

    def leave(self) -> None:
        self.lock()

    def lock(self) -> None:
        """Back to the PIN page; stop looking at sticks and stop the pages' work."""
        self.watcher.stop()
        for section in self.sections.values():
            section.leave()
        self.pages.setCurrentWidget(self.pin_page)
        self.header_changed.emit()

    def unlock(self) -> None:
        log.info("technician screen opened")
        self.pages.setCurrentWidget(self.main)
        self.watcher.start()
        self.show_section(PAGES[0][0])
        self.nav[self.current].setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.pin_page.retranslate()
        for key, label, description in PAGES:
            self.nav[key].setText(_(label))
            describe(self.nav[key], _(label), _(description))
        for section in self.sections.values():
            section.retranslate()
        self.column.updateGeometry()
        self.header_changed.emit()

    def apply_scale(self, scale: float) -> None:
        voice = self.sections["voice"]
        assert isinstance(voice, VoiceSection)
        voice.grid.set_scale(scale)
        self.column.updateGeometry()

    def show_section(self, key: str) -> None:
        if self.section_stack.isAncestorOf(QApplication.focusWidget()):
            # The page with the focus hides: the focus goes to the new page's button, not to
            # whatever Qt would pick.
            self.nav[key].setFocus(Qt.FocusReason.OtherFocusReason)
        self.current = key
        section = self.sections[key]
        section.clear_message()
        section.refresh()
        section.scroll.verticalScrollBar().setValue(0)  # a page always opens at its top
        self.section_stack.setCurrentWidget(section)
        for other, button in self.nav.items():
            if bool(button.property("current")) != (other == key):
                set_state(button, "current", other == key)  # type: ignore[arg-type]
        self.header_changed.emit()

    # -- what the pages report ---------------------------------------------------------------

    def _focus_column(self) -> None:
        if self.unlocked and self.isVisible():
            self.nav[self.current].setFocus(Qt.FocusReason.OtherFocusReason)

    def _bundles_changed(self) -> None:
        self._lessons_arrived()
        self.lessons_changed.emit()

    def _lessons_arrived(self) -> None:
        """Installed bundles changed (here, or by a sync pass): the pages that show them."""
        usb = self.sections["usb"]
        assert isinstance(usb, UsbSection)
        usb.reclassify()
        for key in ("installed", "checks"):
            if self.current == key:
                self.sections[key].refresh()

    def _keys_changed(self) -> None:
        usb = self.sections["usb"]
        assert isinstance(usb, UsbSection)
        if usb.installing is None:
            usb.rescan()  # bundles of the newly trusted publisher become installable

    # -- keyboard ----------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        focused = QApplication.focusWidget()
        if key in ENTER and isinstance(focused, QLineEdit):
            # Taken here: QLineEdit lets Enter travel on to its parents, where it would press
            # whatever button the field's action just gave the focus to.
            focused.returnPressed.emit()
            return True
        if not self.unlocked:
            if key == Qt.Key.Key_Escape:
                self.home_requested.emit()
                return True
            if focused is self.pin_page.field:
                return False  # digits belong to the field
            if key in ENTER:
                activate_focused()
                return True
            return False
        in_column = focused in self.nav.values()
        if key == Qt.Key.Key_Escape:
            if self.section.escape():
                return True
            if not in_column:
                self.nav[self.current].setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            self.home_requested.emit()
            return True
        if self.section.typing():
            return False
        if in_column:
            return self._column_key(key, focused)
        if key in ENTER:
            activate_focused()
            return True
        if key in ARROWS:
            voice = self.sections["voice"]
            if isinstance(voice, VoiceSection) and focused in voice.tiles:
                return move_in_grid(voice.tiles, voice.grid.columns, key)
            self.focusNextPrevChild(key in (Qt.Key.Key_Down, Qt.Key.Key_Right))
            return True
        return False

    def _column_key(self, key: Qt.Key, focused: QWidget | None) -> bool:
        keys = [k for k, _label, _d in PAGES]
        index = next(i for i, k in enumerate(keys) if self.nav[k] is focused)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if key == Qt.Key.Key_Up else 1
            target = keys[max(0, min(len(keys) - 1, index + step))]
            self.show_section(target)
            self.nav[target].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if key in (*ENTER, Qt.Key.Key_Right):
            if self.current != keys[index]:
                self.show_section(keys[index])
            self.section.focus_first()
            return True
        return key == Qt.Key.Key_Left
