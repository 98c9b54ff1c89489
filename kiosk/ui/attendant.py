"""The attendant: what keeps a shared kiosk in order all day, beside the screens.

One `Attendant` belongs to the main window. It owns
- the "Call a helper" button of the top bar and its panel, and the key tutorial (first run,
  and on request) (kiosk.ui.helpcall);
- the panels over the window (kiosk.ui.overlay), which get every key first while they are up;
- privacy between learners: the idle watcher, the "Are you still there?" question, and the
  reset to the guest card on the lessons page (kiosk.ui.idle, `reset_for_next_learner`);
- kiosk mode, when the app turns it on (kiosk.ui.kioskmode): closing the window and the
  usual escape chords open the technician PIN instead.
The window calls `handle_key` at the top of its key dispatch, `start`, and `retranslate`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QKeyEvent

from kiosk.content.model import SOURCE_LANGUAGE, LocalizedText
from kiosk.i18n import _
from kiosk.store.errors import StoreError
from kiosk.ui import keys
from kiosk.ui.helpcall import (
    CALL_HELPER,
    HELP_TEXT_SETTING,
    TUTORIAL_DONE_SETTING,
    HelpPanel,
    KeyTutorial,
)
from kiosk.ui.idle import (
    DEFAULT_IDLE_S,
    DEFAULT_PROMPT_S,
    IDLE_SETTING,
    PROMPT_SETTING,
    IdlePrompt,
    IdleWatcher,
    seconds_setting,
)
from kiosk.ui.keys import Action
from kiosk.ui.navigator import State
from kiosk.ui.overlay import OverlayHost
from kiosk.ui.widgets import big_button, describe

if TYPE_CHECKING:
    from kiosk.ui.kioskmode import KioskGuard
    from kiosk.ui.window import MainWindow

log = logging.getLogger(__name__)


class Attendant(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.overlays = OverlayHost()
        self.guard: KioskGuard | None = None
        self.help_button = big_button("", "", role="bar")
        self.help_button.setObjectName("helpButton")
        self.help_button.clicked.connect(self.show_help)
        bar_layout = window.bar.layout()
        bar_layout.insertWidget(1, self.help_button)  # after the where-am-I text
        self._help: HelpPanel | None = None
        self._tutorial: KeyTutorial | None = None
        self._prompt: IdlePrompt | None = None
        self.resets = 0  # how many times the kiosk went back to the guest card by itself
        self.watcher = IdleWatcher(self._idle_ms(), parent=self)
        self.watcher.idle.connect(self.on_idle)
        self._first_run = QTimer(self)
        self._first_run.setSingleShot(True)
        self._first_run.timeout.connect(self.start_tutorial_if_first_run)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        self.watcher.start()

    def reload_settings(self) -> None:
        """Read the idle time again (the technician changed it)."""
        self.watcher.set_timeout(self._idle_ms())

    def stop(self) -> None:
        self.watcher.stop()
        self._first_run.stop()
        if self._prompt is not None:
            self._prompt.tick.stop()

    def retranslate(self) -> None:
        # Translators: the help button in the top bar (keep it short: the bar is full at
        # 200 % text); it opens the "Call a helper" panel.
        self.help_button.setText("☎ " + _("Help"))
        describe(self.help_button, _(CALL_HELPER), _("Who to ask for help here"))
        self.overlays.retranslate()

    # -- speech ----------------------------------------------------------------------------

    def say(self, msgid: str, queue: bool = False, shown: bool = False) -> None:
        speech = self.window.voice.speech
        if shown:  # the technician's own words, most likely Vietnamese
            speech.say(LocalizedText({SOURCE_LANGUAGE: msgid}), SOURCE_LANGUAGE, queue=queue)
        else:
            speech.say_ui(msgid, queue=queue)

    # -- keys ------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """First look at every key press in the window; True when it was used here."""
        self.watcher.poke()
        if self.guard is not None and self.guard.handle_key(event):
            return True
        overlay = self.overlays.current
        if overlay is None:
            return False
        if keys_technician(event):  # the technician's chord works over any panel
            self.overlays.close_all()
            return False
        if not overlay.handle_key(event):
            # Voice mode on/off and the key guide work over a panel too; nothing reaches the
            # screen behind it.
            action = keys.action_for(event)
            if action in (Action.VOICE, Action.KEY_GUIDE) and not event.isAutoRepeat():
                if action is Action.VOICE:
                    self.window.voice.toggle()
                else:
                    self.window.voice.key_guide()
        return True

    # -- help and tutorial -----------------------------------------------------------------

    @property
    def help_panel(self) -> HelpPanel:
        if self._help is None:
            self._help = HelpPanel(
                self.window, lambda: self.session.setting(HELP_TEXT_SETTING), self.say
            )
            self._help.tutorial_requested.connect(self.start_tutorial)
        return self._help

    @property
    def tutorial(self) -> KeyTutorial:
        if self._tutorial is None:
            self._tutorial = KeyTutorial(self.window, self.say)
            self._tutorial.finished.connect(self._tutorial_finished)
        return self._tutorial

    def show_help(self) -> None:
        self.window.navigator.current and self.window.navigator.current.interrupt()
        self.overlays.open(self.help_panel)

    def start_tutorial(self, queue: bool = False) -> None:
        self.overlays.open(self.tutorial)
        self.tutorial.start(queue=queue)

    def tutorial_after(self, delay_ms: int) -> None:
        """The first-run tutorial once the home screen has settled (never after `stop`)."""
        self._first_run.start(delay_ms)

    def start_tutorial_if_first_run(self) -> bool:
        try:
            if self.session.setting(TUTORIAL_DONE_SETTING, False):
                return False
        except StoreError:  # the kiosk is closing: its database is gone already
            return False
        # After the start announcement ("press F12 for voice mode"), never over it: a blind
        # visitor must hear it whole.
        self.start_tutorial(queue=True)
        return True

    def _tutorial_finished(self, completed: bool) -> None:
        try:
            self.session.set_setting(TUTORIAL_DONE_SETTING, True)
        except Exception:  # a full disk: the tutorial shows again next time, nothing worse
            log.exception("tutorial state not saved")

    # -- privacy ---------------------------------------------------------------------------

    def _idle_ms(self) -> int:
        return 1000 * seconds_setting(self.session.setting(IDLE_SETTING), DEFAULT_IDLE_S)

    def _prompt_s(self) -> int:
        return seconds_setting(self.session.setting(PROMPT_SETTING), DEFAULT_PROMPT_S)

    def at_rest(self) -> bool:
        """Nothing of anyone's on screen: the lessons page, the guest card, no panel."""
        navigator = self.window.navigator
        if navigator.state is not State.HOME or self.overlays.current is not None:
            return False
        if not self.session.is_guest():
            return False
        home = self.window.home
        return home.current_page() is home.pages.widget(0)

    def on_idle(self) -> None:
        self.reload_settings()  # the technician may have changed it
        if self.at_rest() or (self._prompt is not None and self._prompt.isVisible()):
            self.watcher.poke()
            return
        log.info("no activity for %d s: asking whether the learner is still there",
                 self.watcher.timer.interval() // 1000)
        prompt = IdlePrompt(self.window, self._prompt_s(), self.say)
        prompt.answered.connect(self.watcher.poke)
        prompt.expired.connect(self.reset_for_next_learner)
        if self._prompt is not None:
            self._prompt.deleteLater()
        self._prompt = prompt
        self.window.navigator.current and self.window.navigator.current.interrupt()
        self.overlays.open(prompt)
        prompt.start()

    def reset_for_next_learner(self) -> None:
        """Save where the learner was and go back to the lessons on the guest card."""
        window = self.window
        self.overlays.close_all()
        screen = window.navigator.current
        if screen is not None:
            screen.interrupt()
        guest = self.session.store.guest()
        was = self.session.learner.id
        # Leaving the player stores nothing new: every finished step and the position are
        # on disk already (kiosk.ui.session). Going home first, then switching the card,
        # keeps the lesson's last position on the right card.
        if window.navigator.state is not State.HOME:
            window.go_home()
        before = self.session.language.code
        self.session.choose_learner(guest.id)
        if self.session.language.code != before:
            window.set_language(self.session.language.code)
        home = window.home
        home.learner_changed.emit()
        home.retranslate()
        home.enter()
        window.update_header()
        self.resets += 1
        log.info("idle: back to the lessons on the guest card (was card %s)", was)
        self.watcher.poke()

    # -- kiosk mode ------------------------------------------------------------------------

    def enable_kiosk_mode(self) -> KioskGuard:
        from kiosk.ui.kioskmode import KioskGuard

        self.guard = KioskGuard(self.window, self.window.request_technician)
        self.guard.apply()
        return self.guard


def keys_technician(event: QKeyEvent) -> bool:
    """Ctrl+Alt+T, which opens the technician screen (kiosk.ui.window)."""
    from PySide6.QtCore import Qt

    mods = event.modifiers()
    return (bool(mods & Qt.KeyboardModifier.ControlModifier)
            and bool(mods & Qt.KeyboardModifier.AltModifier) and event.key() == Qt.Key.Key_T)
