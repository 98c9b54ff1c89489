"""The completion screen: congratulations, the lesson's title and the day it was finished.

It is a calm page with one big button back to the lessons (Enter does the same, DESIGN §8)
and a second one to go through the lesson again. The date is formatted for the learner's
language by kiosk.i18n.format_date (Babel: Vietnamese or Khmer, others like Vietnamese).
On arrival the congratulation and the lesson's title are spoken (with the "lesson done"
earcon and, in voice mode, what Enter does); Space says it again. "Print a slip" makes the
completion slip (kiosk.ui.slip): printed when the PC has a printer, always kept as a PDF in the
data folder; the screen shows and says which. Left and Right move between the three buttons.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import N_, _, format_date
from kiosk.ui.screens.base import Header, Screen
from kiosk.ui.session import Session
from kiosk.ui.voice import VoiceMode
from kiosk.ui.widgets import FocusScrollArea, TextBlock, activate_focused, big_button, describe

log = logging.getLogger(__name__)

# Translators: the big congratulation on the completion screen (also spoken).
CHEER = N_("Well done! You finished the lesson.")
# Translators: spoken in voice mode on the completion screen.
ENTER_HOME = N_("Press Enter to go back to the lessons.")


class DoneScreen(Screen):
    home_requested = Signal()
    again_requested = Signal(str)  # lesson id

    def __init__(
        self, session: Session, voice: VoiceMode | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, voice)
        self.session = session
        self.lesson_id: str | None = None
        self.cheer = TextBlock("title")
        self.cheer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lesson_title = TextBlock("heading")
        self.lesson_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.when = TextBlock()
        self.when.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.slip_note = TextBlock("success")
        self.slip_note.hide()
        self.slip_button = big_button("", "")
        self.slip_button.clicked.connect(self.print_slip)
        self.home_button = big_button("", "", role="primary")
        self.again_button = big_button("", "")
        self.home_button.clicked.connect(self.home_requested)
        self.again_button.clicked.connect(self._again)
        # The buttons sit where Back and Next sit in the player; the text scrolls at 200 %.
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.again_button, 1)
        buttons.addWidget(self.slip_button, 1)
        buttons.addWidget(self.home_button, 1)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(24, 24, 24, 24)
        column.setSpacing(24)
        column.addStretch(1)
        for block in (self.cheer, self.lesson_title, self.when, self.slip_note):
            column.addWidget(block)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(FocusScrollArea(body), 1)
        layout.addLayout(buttons)
        self.retranslate()

    def enter(self, **args: object) -> None:
        self.lesson_id = str(args["lesson_id"])
        self.retranslate()
        self.home_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.slip_note.hide()
        self.clear_speech_notes()
        if self.voice is not None:
            self.voice.earcon("done")
        self.repeat()

    def leave(self) -> None:
        self.interrupt()

    def repeat(self, rate: int | None = None) -> None:
        lesson = self.session.lesson(self.lesson_id) if self.lesson_id else None
        if self.voice is None or lesson is None:
            return
        speech = self.voice.speech
        speech.say_ui(CHEER, rate=rate)
        speech.say(lesson.title, self.session.language.code, queue=True, rate=rate)
        if self.voice.enabled:
            speech.say_ui(ENTER_HOME, queue=True, rate=rate)

    def speak_where(self, rate: int | None = None) -> None:
        lesson = self.session.lesson(self.lesson_id) if self.lesson_id else None
        if self.voice is None or lesson is None:
            return
        self.voice.speech.say_ui(N_("Lesson finished"), rate=rate)
        self.voice.speech.say(lesson.title, self.session.language.code, queue=True, rate=rate)

    def header(self) -> Header:
        return Header(title=_("Lesson finished"))

    def retranslate(self) -> None:
        self.cheer.set_plain(_(CHEER), align="center")
        lesson = self.session.lesson(self.lesson_id) if self.lesson_id else None
        if lesson is not None:
            self.lesson_title.set_plain(self.session.pick(lesson.title).text, align="center")
            # Translators: date line on the completion screen, e.g. "Finished on 5 May 2026".
            self.when.set_plain(
                _("Finished on {date}").format(date=format_date(self.session.completed_on(lesson))),
                align="center",
            )
        self.home_button.setText(_("Lessons") + " ▶")
        describe(self.home_button, _("Back to the lessons"), _("Press Enter to choose a lesson"))
        self.again_button.setText("↻ " + _("Do it again"))
        describe(self.again_button, _("Do it again"), _("Go through this lesson once more"))
        # Translators: button on the completion screen: a paper slip to show the commune.
        self.slip_button.setText(_("Print a slip"))
        describe(self.slip_button, _("Print a slip"),
                 _("A paper with the lesson, the date and a code for the commune"))

    def print_slip(self) -> None:
        """Make the completion slip; say whether it was printed or saved as a file."""
        from kiosk.ui.slip import make_slip, slip_for

        lesson = self.session.lesson(self.lesson_id) if self.lesson_id else None
        if lesson is None:
            return
        try:
            result = make_slip(self.session.data_dir, slip_for(self.session, lesson))
        except Exception:  # a full disk or a broken font must not end the lesson's page
            log.exception("completion slip failed")
            text, role = _("The slip could not be made. Please call a helper."), "hint"
        else:
            if result.printer:
                # Translators: after "Print a slip"; the printer's name follows.
                text = _("The slip is printing on {printer}.").format(printer=result.printer)
            else:
                text = _("There is no printer here. The slip is saved as a file: {name}. "
                         "A helper can print it later.").format(name=result.pdf.name)
            role = "success"
        self.slip_note.setProperty("role", role)
        self.slip_note.style().unpolish(self.slip_note)
        self.slip_note.style().polish(self.slip_note)
        self.slip_note.set_plain(text, align="center")
        self.slip_note.show()
        if self.voice is not None:
            self.voice.speech.say_shown(text)

    def _again(self) -> None:
        if self.lesson_id:
            self.again_requested.emit(self.lesson_id)

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.focusWidget() in (self.again_button, self.slip_button):
                return activate_focused()
            self.home_requested.emit()
            return True
        if key == Qt.Key.Key_Escape:
            self.home_requested.emit()
            return True
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            order = [self.again_button, self.slip_button, self.home_button]
            here = self.focusWidget()
            index = order.index(here) if here in order else len(order) - 1
            step = 1 if key == Qt.Key.Key_Right else -1
            order[(index + step) % len(order)].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False
