"""The main window: the top bar, the screens, and the one place where keys are dispatched.

The top bar is on every screen: the where-am-I line of the current screen (with notes such as
"not yet translated" and the narrator's notes such as "reading in Vietnamese"), a Home button
while a lesson plays, the voice-mode button (also F12) and the text-size button (also F2,
Ctrl++ and Ctrl+-), so larger text is always one press away. Below it a stack holds the
home, player and completion screens, moved between by the navigator. An application event
filter stops narration on any key or click, takes the kiosk-wide voice keys of kiosk.ui.keys
(key guide, where am I, repeat, stop, rate, voice mode; the numeric keypad), and sends every
other key press in this window first to the current screen's `handle_key` (the keyboard
contract of DESIGN §8 lives in the screens). The narrator is attached later by the app
(`attach_narrator`), after the home screen is up. Language switches re-font and retranslate.
Ctrl+Alt+T, or holding the title at the top left for five seconds (kiosk.ui.hold), opens the
technician screen from anywhere (`request_technician`); it is built only then.
Sync runs beside all this: `start_sync` (called by the app once the home screen is up) starts
the background worker through kiosk.ui.synclink; a small dot at the right end of the bar
(kiosk.ui.syncindicator) shows its status, in words too on the technician screen; both are
made on first use. Lessons a pass brings from the hub appear on the home screen; closing the
window stops the worker.
The attendant (kiosk.ui.attendant) adds the Help button to the bar, the panels over the
screens (help, "Are you still there?", the key tutorial), which see every key first, the idle
timer that brings the kiosk back to the guest card, and kiosk mode's guard.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import _
from kiosk.ui import keys, theme
from kiosk.ui.attendant import Attendant
from kiosk.ui.hold import HoldToOpen
from kiosk.ui.keys import ENTER, Action
from kiosk.ui.narration import Narrator
from kiosk.ui.navigator import Navigator, State
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.session import Session
from kiosk.ui.voice import VoiceMode, sibling_position
from kiosk.ui.whereline import BarNote, WhereLine
from kiosk.ui.widgets import big_button, describe, set_role

if TYPE_CHECKING:
    from kiosk.ui.screens.done import DoneScreen
    from kiosk.ui.screens.player import PlayerScreen
    from kiosk.ui.screens.technician import TechnicianScreen
    from kiosk.ui.syncindicator import SyncIndicator
    from kiosk.ui.synclink import SyncLink

log = logging.getLogger(__name__)

# Every bundled script, after the language's own fonts: mixed text never shows empty boxes.
FALLBACK_FAMILIES = ["Noto Sans", "Noto Sans Khmer", "Noto Sans Tai Viet", "Noto Sans Cham"]


def apply_language_font(app: QApplication, fonts: tuple[str, ...] | list[str]) -> None:
    font = QFont(app.font())
    families = [*fonts, *(f for f in FALLBACK_FAMILIES if f not in fonts)]
    font.setFamilies(families)
    app.setFont(font)


class MainWindow(QMainWindow):
    def __init__(
        self, session: Session, narrator: Narrator | None = None, voice: bool = False
    ) -> None:
        super().__init__()
        self.session = session
        self.voice = VoiceMode(session, root=self, parent=self)
        self.voice.positions = self._focus_position
        # Progress events say whether voice mode was on (the hub counts lessons by it).
        self.voice.enabledChanged.connect(self._follow_voice_mode)
        self.voice.set_enabled(voice, announce=False)
        session.voice_mode = self.voice.enabled
        self.voice.enabledChanged.connect(lambda _on: self._label_voice_button())
        self.scale = theme.clamp_scale(session.setting(theme.SCALE_SETTING, 1.0))
        self._sticky_notes: list[str] = []  # "no loudspeaker": true until the PC changes
        self._hold = QTimer(self)  # keypad 0 held: the key guide
        self._hold.setSingleShot(True)
        self._hold.setInterval(keys.HOLD_MS)
        self._hold.timeout.connect(self.voice.key_guide)
        self.setWindowTitle(_("Digital literacy for all"))

        self.bar = QWidget()
        set_role(self.bar, "bar")
        self.bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.where = WhereLine()  # one screen line per line of text: long titles are cut
        self.notes = QHBoxLayout()
        self.notes.setSpacing(8)
        self.home_button = big_button("", "", role="bar")
        self.size_button = big_button("", "", role="bar")
        self.voice_button = big_button("", "", role="bar")
        self.home_button.clicked.connect(self.go_home)
        self.size_button.clicked.connect(self.cycle_text_size)
        self.voice_button.clicked.connect(self.voice.toggle)
        text_column = QVBoxLayout()
        text_column.setSpacing(4)
        text_column.addWidget(self.where)
        text_column.addLayout(self.notes)
        bar_layout = QHBoxLayout(self.bar)
        bar_layout.setContentsMargins(24, 8, 16, 8)
        bar_layout.setSpacing(10)  # four buttons must fit beside the title at 200 %
        bar_layout.addLayout(text_column, 1)
        bar_layout.addWidget(self.home_button)
        bar_layout.addWidget(self.voice_button)
        bar_layout.addWidget(self.size_button)
        # Sync's link and its dot at the far right of the bar: made on first use (`sync`).
        self._sync: SyncLink | None = None
        self.sync_indicator: SyncIndicator | None = None

        self.stack = QStackedWidget()
        self.navigator = Navigator(
            self.stack,
            {
                State.HOME: lambda: HomeScreen(session, self.voice),
                State.PLAYER: self._make_player,
                State.DONE: self._make_done,
                State.TECHNICIAN: self._make_technician,
            },
        )
        self._corner_hold = HoldToOpen(self.where, self.request_technician)
        self.navigator.created.connect(self._wire)
        self.navigator.moved.connect(self._moved)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # Help button, panels, idle privacy, kiosk mode (kiosk.ui.attendant).
        self.attendant = Attendant(self)

        self.retranslate()
        self.set_text_scale(self.scale, remember=False)
        if narrator is not None:
            self.attach_narrator(narrator)

    def start(self) -> None:
        """Show the home screen and start listening to keys, clicks and focus changes."""
        self.navigator.start()
        app = QApplication.instance()
        if app is not None:
            # Installed only now: building the screens sends thousands of events it need not see.
            app.installEventFilter(self)
        self.voice.start()
        self.attendant.start()

    def attach_narrator(self, narrator: Narrator) -> None:
        """Speech is ready (the app makes it after the home screen shows): start talking."""
        notice = getattr(narrator, "notice", None)
        if notice is not None:
            notice.connect(self._on_notice)
        self.voice.attach(narrator, intro=self._voice_intro)

    def _follow_voice_mode(self, on: bool) -> None:
        self.session.voice_mode = on

    def _voice_intro(self, queue: bool = True) -> None:
        screen = self.navigator.current
        if screen is not None and self.navigator.state is State.HOME:
            screen.speak_intro(queue=queue)
            self.voice.echo_focus(queue=True)

    def _moved(self, state: str) -> None:
        self.update_header()
        if self._sync is not None and self.sync_indicator is not None:
            self.sync_indicator.set_detailed(state == State.TECHNICIAN.value)
            if state in (State.HOME.value, State.TECHNICIAN.value):
                self._sync.refresh()  # learners' new steps count as waiting (read off-thread)
        if state == State.HOME.value and self.voice.enabled:
            self._voice_intro(queue=False)

    def _focus_position(self, widget: QWidget) -> tuple[int, int] | None:
        screen = self.navigator.current
        found = screen.focus_position(widget) if screen is not None else None
        return found or sibling_position(widget)

    def _on_notice(self, text: str) -> None:
        # The no-loudspeaker note stays: it is true for the whole session.
        if text == _("No loudspeaker found: please read the text on the screen."):
            if text not in self._sticky_notes:
                self._sticky_notes.append(text)
            self.update_header()
            return
        screen = self.navigator.current
        if screen is not None:
            screen.add_speech_note(text)

    def warm_up(self) -> None:
        """Build the other screens while the learner reads the home screen (first open is fast)."""
        self.navigator.screen(State.PLAYER)
        self.navigator.screen(State.DONE)

    def _make_player(self) -> Screen:
        # Imported on first use: the home screen does not need the player's modules.
        from kiosk.ui.screens.player import PlayerScreen

        return PlayerScreen(self.session, self.voice)

    def _make_done(self) -> Screen:
        from kiosk.ui.screens.done import DoneScreen

        return DoneScreen(self.session, self.voice)

    def _make_technician(self) -> Screen:
        from kiosk.ui.screens.technician import TechnicianScreen

        return TechnicianScreen(self.session, self.voice, sync=self.sync)

    @property
    def sync(self) -> SyncLink:
        """The sync worker's link (kiosk.ui.synclink) and the bar's dot, made on first use so
        that start-up never pays for them."""
        if self._sync is None:
            from kiosk.ui.syncindicator import SyncIndicator
            from kiosk.ui.synclink import SyncLink

            self._sync = SyncLink(self.session, parent=self)
            self.sync_indicator = SyncIndicator()
            self.sync_indicator.set_detailed(self.navigator.state is State.TECHNICIAN)
            self.bar.layout().addWidget(self.sync_indicator)
            self._sync.status_changed.connect(self.sync_indicator.show_status)
            self._sync.lessons_changed.connect(self._lessons_changed)
        return self._sync

    def start_sync(self, **options: object) -> None:
        """Start the background sync worker (kiosk.ui.synclink; options go to SyncWorker)."""
        self.sync.start_worker(**options)

    @property
    def technician(self) -> TechnicianScreen:
        return self.navigator.screen(State.TECHNICIAN)  # type: ignore[return-value]

    def request_technician(self) -> None:
        """Open the technician screen (its PIN page first) from wherever the kiosk is."""
        if self.navigator.state is not State.TECHNICIAN:
            self.navigator.go(State.TECHNICIAN)

    def exit_kiosk(self) -> None:
        """The technician closed the program from the technician screen."""
        log.info("kiosk program closed by the technician")
        guard = getattr(self.attendant, "guard", None)
        if guard is not None:
            guard.release()
        self.close()
        app = QApplication.instance()
        # Only a running event loop is ended (`kiosk run`); tests drive the window without one.
        if app is not None and QThread.currentThread().loopLevel() > 0:
            app.exit(0)

    def _lessons_changed(self) -> None:
        if self.navigator.state is State.HOME:
            self.home.refresh()

    @property
    def home(self) -> HomeScreen:
        return self.navigator.screen(State.HOME)  # type: ignore[return-value]

    @property
    def player(self) -> PlayerScreen:
        return self.navigator.screen(State.PLAYER)  # type: ignore[return-value]

    @property
    def done(self) -> DoneScreen:
        return self.navigator.screen(State.DONE)  # type: ignore[return-value]

    def _wire(self, state: str, screen: Screen) -> None:
        screen.header_changed.connect(self.update_header)
        screen.apply_scale(self.scale)
        if state == State.HOME.value:
            screen.lesson_chosen.connect(lambda lid: self.navigator.go(State.PLAYER, lesson_id=lid))
            screen.language_chosen.connect(self.set_language)
            screen.learner_changed.connect(self.voice.apply_learner_rate)
        elif state == State.PLAYER.value:
            screen.home_requested.connect(self.go_home)
            screen.finished.connect(lambda lid: self.navigator.go(State.DONE, lesson_id=lid))
        elif state == State.DONE.value:
            screen.home_requested.connect(self.go_home)
            screen.again_requested.connect(
                lambda lid: self.navigator.go(State.PLAYER, lesson_id=lid, restart=True)
            )
        elif state == State.TECHNICIAN.value:
            screen.home_requested.connect(self.go_home)
            screen.language_chosen.connect(self.set_language)
            screen.lessons_changed.connect(self._lessons_changed)
            screen.exit_requested.connect(self.exit_kiosk)

    # -- top bar ---------------------------------------------------------------------------

    def update_header(self) -> None:
        screen = self.navigator.current
        header = screen.header() if screen is not None else None
        title = header.title if header and header.title else _("Digital literacy for all")
        self.where.set_plain(title)
        # Translators: accessible description of the where-am-I line.
        describe(self.where, title, _("Where you are"))
        while self.notes.count():
            item = self.notes.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        notes = list(header.notes) if header else []
        if screen is not None:
            notes += [n for n in screen.speech_notes if n not in notes]
        notes += [n for n in self._sticky_notes if n not in notes]
        for note in notes:
            label = BarNote()  # one line when it fits (kiosk.ui.whereline)
            label.set_plain(note)
            self.notes.addWidget(label, 0, Qt.AlignmentFlag.AlignLeft)
            label.show()
        self.notes.addStretch(1)
        self.home_button.setVisible(bool(header and header.home_button))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Digital literacy for all"))
        self.home_button.setText("⌂ " + _("Lessons"))
        describe(self.home_button, _("Back to the lessons"), _("Your progress is kept (Escape)"))
        self._label_size_button()
        self._label_voice_button()
        self.attendant.retranslate()
        if self.sync_indicator is not None:
            self.sync_indicator.retranslate()
        for screen in self.navigator.built:
            screen.retranslate()
        self.update_header()

    def _label_voice_button(self) -> None:
        on = self.voice.enabled
        # Translators: the voice-mode button in the top bar; F12 does the same.
        label = ("✓ " if on else "") + _("Voice mode")
        self.voice_button.setText(label)
        state = _("on") if on else _("off")
        describe(
            self.voice_button,
            _("Voice mode") + ": " + state,
            # Translators: description of the voice-mode button (read by screen readers).
            _("Everything is read aloud and works from the keyboard or number pad (F12)"),
        )

    def _label_size_button(self) -> None:
        percent = round(self.scale * 100)
        # Translators: the text-size button; the number is the current size, e.g. "150%".
        self.size_button.setText(_("Text size") + f" {percent}%")
        describe(
            self.size_button,
            _("Text size") + f" {percent}%",
            _("Make the text larger or smaller (F2, Ctrl and plus, Ctrl and minus)"),
        )

    # -- actions ---------------------------------------------------------------------------

    def go_home(self) -> None:
        if self.navigator.state is not State.HOME:
            self.navigator.go(State.HOME)

    def set_language(self, code: str) -> None:
        language = self.session.set_language(code)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_language_font(app, tuple(language.fonts))
        self.retranslate()

    def set_text_scale(self, scale: float, remember: bool = True) -> None:
        self.scale = theme.clamp_scale(scale)
        app = QApplication.instance()
        sheet = theme.stylesheet(self.scale)
        # Re-polishing every widget is the costly part: skip it when nothing changed.
        if isinstance(app, QApplication) and app.styleSheet() != sheet:
            app.setStyleSheet(sheet)
        for screen in self.navigator.built:
            screen.apply_scale(self.scale)
        self._label_size_button()
        if remember:
            self.session.set_setting(theme.SCALE_SETTING, self.scale)

    def cycle_text_size(self) -> None:
        self.set_text_scale(theme.cycle_scale(self.scale))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        screen = self.navigator.current
        if screen is not None:
            screen.leave()  # stops narration; progress is already on disk
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.voice.stop_listening()
        self.attendant.stop()
        self._hold.stop()
        if self._sync is not None:
            self._sync.stop()  # the worker's thread ends; a pass in flight is cancelled
        super().closeEvent(event)

    # -- keys and clicks -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                        QEvent.Type.KeyRelease):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self:
            return False
        screen = self.navigator.current
        if screen is None:
            return False
        if kind == QEvent.Type.KeyRelease:
            assert isinstance(event, QKeyEvent)
            if keys.keypad_digit(event) == 0 and not event.isAutoRepeat():
                self._hold.stop()  # released before the hold time: it was only "stop"
            return False
        if kind == QEvent.Type.MouseButtonPress or not event.isAutoRepeat():
            screen.interrupt()  # any key or click; a key held down cuts in only once
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event, screen)
        return False

    def _act(self, action: Action, screen: Screen) -> None:
        if action is Action.VOICE:
            self.voice.toggle()
        elif action is Action.KEY_GUIDE:
            self.voice.key_guide()
        elif action is Action.WHERE:
            screen.speak_where()
        elif action is Action.REPEAT:
            screen.repeat(self.voice.speech.repeat_rate())
        elif action is Action.STOP:
            self._hold.start()  # speech already stopped; held long, it says the key guide
        elif action is Action.FASTER:
            self.voice.change_rate(+1)
        elif action is Action.SLOWER:
            self.voice.change_rate(-1)

    def _key(self, event: QKeyEvent, screen) -> bool:
        if self.attendant.handle_key(event):  # panels over the screen, kiosk-mode chords
            return True
        key, mods = Qt.Key(event.key()), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_F2:
            self.cycle_text_size()
            return True
        if ctrl and mods & Qt.KeyboardModifier.AltModifier and key == Qt.Key.Key_T:
            self.request_technician()
            return True
        if ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_text_scale(theme.next_scale(self.scale, +1))
            return True
        if ctrl and key == Qt.Key.Key_Minus:
            self.set_text_scale(theme.next_scale(self.scale, -1))
            return True
        focused = QApplication.focusWidget()
        typing = isinstance(focused, QLineEdit)
        action = keys.action_for(event, typing=typing)
        if action is not None:
            if not event.isAutoRepeat():
                self._act(action, screen)
            return True
        # A held key must not race through steps: unsteady hands often rest on a key.
        if event.isAutoRepeat() and self.navigator.state is not State.HOME:
            return True
        translated = event if typing else keys.screen_event(event)
        if translated is not event:
            if translated.key() == Qt.Key.Key_unknown:
                return True  # a keypad digit without a meaning here: never a quiz answer
            key, event = Qt.Key(translated.key()), translated
        if key in ENTER and isinstance(focused, QAbstractButton) and self.bar.isAncestorOf(focused):
            focused.click()
            return True
        return screen.handle_key(event)
