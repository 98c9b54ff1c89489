"""The lesson player: one step per screen, Back / Repeat / Next always in the same places.

The window's top bar shows where the learner is (the lesson title, then "Step 3 of 7" on a
second line) and notes when a text fell back to Vietnamese or its translation is not yet
checked. The step text is large and scrolls when it is long; the picture beside it is drawn
to fit. A practice step puts the image on a simulated phone (kiosk.ui.phone) and unlocks Next
when the hotspots are pressed; a quiz step shows numbered answers (kiosk.ui.quiz) and unlocks
Next after a choice. Opening a lesson resumes at the stored step; every move stores the
position, and a finished step is written durably (Session.complete_step) before the next one
shows.

Narration goes through the window's `VoiceMode` (kiosk.ui.voice) in both modes: opening a
lesson says its title, then each step is narrated on arrival and on Repeat/Space (a quiz
also reads its numbered answers), the feedback after an answer, practice hints and praise are
spoken, and any key, click or leave stops it. In voice mode the picture description and how
to act (Tab to the place to press; a digit to answer) follow, with earcons for a new step,
right and wrong.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.content.model import Lesson, LocalizedText, Step, StepKind
from kiosk.i18n import N_, _
from kiosk.ui.keys import ENTER
from kiosk.ui.phone import PracticePhone
from kiosk.ui.picture import Picture
from kiosk.ui.quiz import Answer, QuizPanel
from kiosk.ui.screens.base import Header, Screen
from kiosk.ui.session import Session
from kiosk.ui.voice import VoiceMode
from kiosk.ui.widgets import FocusScrollArea, TextBlock, big_button, describe, set_state

log = logging.getLogger(__name__)

DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}
UP_DOWN = (Qt.Key.Key_Up, Qt.Key.Key_Down)

# Translators: spoken in voice mode after a practice step is read.
PRACTICE_HOW = N_("Practice. Press Tab to find the place to press, then Enter.")
# Translators: spoken in voice mode after the answers of a quiz are read.
QUIZ_HOW = N_("Press the number of your answer.")
# Translators: spoken in voice mode when the learner may go to the next step.
GO_ON = N_("Press Enter to go on.")
# Translators: spoken in voice mode before the description of the step's picture.
PICTURE = N_("Picture: {description}")


class PlayerScreen(Screen):
    home_requested = Signal()
    finished = Signal(str)  # lesson id, after its last step was stored as complete

    def __init__(
        self, session: Session, voice: VoiceMode | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, voice)
        self.session = session
        self.lesson: Lesson | None = None
        self.index = 0
        self._done: set[int] = set()
        self._notes: tuple[str, ...] = ()
        self.scale = 1.0

        self.step_text = TextBlock()
        self.step_text.setObjectName("stepText")
        self.step_text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.show_me = big_button("", "")
        self.show_me.clicked.connect(self._show_me)
        self.message = TextBlock("hint")
        self.quiz = QuizPanel()
        self.quiz.answered.connect(self._answered)
        column = QWidget()
        col = QVBoxLayout(column)
        col.setContentsMargins(8, 8, 16, 8)
        col.setSpacing(18)
        col.addWidget(self.step_text)
        col.addWidget(self.message)
        col.addWidget(self.quiz)
        col.addStretch(1)
        self.text_area = FocusScrollArea(column)

        self.picture = Picture()
        self.phone = PracticePhone()
        self.phone.progressed.connect(self._practice_progress)
        self.phone.completed.connect(self._practice_done)
        self.phone.wrong_tap.connect(self._wrong_tap)
        self.visual = QStackedWidget()
        self.visual.addWidget(self.picture)
        self.visual.addWidget(self.phone)

        self.content = QHBoxLayout()
        self.content.setSpacing(24)
        # "Show me where" stays under the text, outside its scroll area: with long text at
        # 200 % it would otherwise be scrolled out of sight just when the learner needs it.
        # (Its own parent widget, so the focus echo does not count it with the bottom row.)
        text_side = QWidget()
        side = QVBoxLayout(text_side)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(12)
        side.addWidget(self.text_area, 1)
        side.addWidget(self.show_me, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(text_side, 3)
        self.content.addWidget(self.visual, 2)

        self.back_button = big_button("", "")
        self.repeat_button = big_button("", "")
        self.next_button = big_button("", "", role="primary")
        self.back_button.clicked.connect(self.go_back)
        self.repeat_button.clicked.connect(lambda: self.repeat())
        self.next_button.clicked.connect(self.go_next)
        bottom = QHBoxLayout()
        bottom.setSpacing(24)
        for button in (self.back_button, self.repeat_button, self.next_button):
            bottom.addWidget(button, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(self.content, 1)
        layout.addLayout(bottom)
        self.retranslate()

    # -- screen protocol -------------------------------------------------------------------

    def enter(self, **args: object) -> None:
        lesson = self.session.lesson(str(args["lesson_id"]))
        if lesson is None:
            log.warning("lesson %r is not in the curriculum", args.get("lesson_id"))
            self.home_requested.emit()
            return
        self.lesson = lesson
        self.index, finished = self.session.open_lesson(lesson, restart=bool(args.get("restart")))
        # Steps before the stored position were done in an earlier visit; a finished lesson
        # reopened for review lets the learner move freely.
        self._done = set(range(len(lesson.steps))) if finished else set(range(self.index))
        self.show_step(self.index, intro=True)

    def leave(self) -> None:
        self.interrupt()

    def retranslate(self) -> None:
        self.back_button.setText("◀ " + _("Back"))
        describe(self.back_button, _("Back"), _("Go to the previous step (Left arrow)"))
        self.repeat_button.setText("↻ " + _("Repeat"))
        describe(self.repeat_button, _("Repeat"), _("Hear this step again (Space)"))
        # Translators: shows the target on the practice phone ("show, then try").
        self.show_me.setText(_("Show me where"))
        describe(self.show_me, _("Show me where"), _("Outline the place to press on the phone"))
        self.phone.retranslate()
        if self.lesson is not None:
            self.show_step(self.index, speak=False)
        else:
            self._update_next()

    def apply_scale(self, scale: float) -> None:
        self.scale = scale
        # Larger text wraps more, but the phone must stay big enough to press: keep it at
        # least as wide as the text column from 150 % up.
        self.content.setStretch(0, 3 if scale < 1.5 else 1)
        self.content.setStretch(1, 2 if scale < 1.5 else 1)

    def header(self) -> Header:
        if self.lesson is None:
            return Header(title="")
        title = self.session.pick(self.lesson.title).text
        # Translators: the where-am-I line of the player, e.g. "Step 3 of 7".
        where = _("Step {n} of {total}").format(n=self.index + 1, total=len(self.lesson.steps))
        # Two lines, always: the top bar keeps the same height through the whole lesson, and
        # cuts a long title (kiosk.ui.whereline) rather than pushing the step down.
        return Header(title=f"{title}\n{where}", notes=self._notes, home_button=True)

    # -- showing a step --------------------------------------------------------------------

    @property
    def step(self) -> Step:
        assert self.lesson is not None
        return self.lesson.steps[self.index]

    def show_step(self, index: int, speak: bool = True, intro: bool = False) -> None:
        """Show step `index`; `speak` narrates it (after the lesson title when `intro`)."""
        assert self.lesson is not None
        self.index = index
        step = self.step
        if speak:
            self.clear_speech_notes()
        text = self.session.pick(step.text)
        self.step_text.set_plain(text.text)
        self.step_text.setFont(self._font_for(text.lang))
        self.message.hide()
        self.show_me.setVisible(step.kind is StepKind.PRACTICE)
        self._notes = self._notes_for(step)
        alt = self.session.pick(step.alt).text if step.alt else ""
        if step.kind is StepKind.PRACTICE:
            self._load_practice(step, alt)
        else:
            self.picture.set_image(step.image)
            describe(self.picture, alt or _("Picture"), alt)
            self.visual.setCurrentWidget(self.picture)
            self.visual.setVisible(step.image is not None)
        if step.kind is StepKind.QUIZ:
            self.quiz.load(
                [
                    Answer(
                        id=c.id,
                        text=self.session.pick(c.text).text,
                        correct=c.correct,
                        feedback=self.session.pick(c.feedback).text,
                        fonts=self.session.fonts_for(self.session.pick(c.text).lang),
                    )
                    for c in step.choices
                ]
            )
            self.quiz.show()
        else:
            self.quiz.hide()
        self.back_button.setEnabled(index > 0)
        self._update_next()
        self.text_area.verticalScrollBar().setValue(0)
        self.header_changed.emit()
        self.step_text.setFocus(Qt.FocusReason.OtherFocusReason)
        if step.kind is StepKind.EXPLAIN or step.kind is StepKind.SUMMARY:
            self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if speak:
            if self.voice is not None:
                self.voice.earcon("step")
            self._narrate(intro=intro)

    def _font_for(self, lang: str):
        font = self.step_text.font()
        families = list(self.session.fonts_for(lang)) or list(self.session.language.fonts)
        font.setFamilies([*families, "Noto Sans"])
        return font

    def _notes_for(self, step: Step) -> tuple[str, ...]:
        assert self.lesson is not None
        lang = self.session.language.code
        texts = [step.text, *(c.text for c in step.choices)]
        notes = []
        if any(self.session.pick(t).fallback for t in texts):
            # Translators: small label when a lesson text is shown in Vietnamese instead.
            notes.append(_("Vietnamese — not yet translated"))
        elif lang != self.lesson.source_language and not self.lesson.is_reviewed(lang):
            # Translators: small label on a translated text no native speaker has checked yet.
            notes.append(_("Translation not yet checked"))
        return tuple(notes)

    def _load_practice(self, step: Step, alt: str) -> None:
        rects = [(h.rect.x, h.rect.y, h.rect.width, h.rect.height) for h in step.hotspots]
        labels = [self.session.pick(h.label).text for h in step.hotspots]
        self.phone.load(step.image, rects, labels, alt)
        self.visual.setCurrentWidget(self.phone)
        self.visual.setVisible(True)

    def _can_go_next(self) -> bool:
        if self.lesson is None:
            return False
        if self.index in self._done:
            return True
        kind = self.step.kind
        if kind is StepKind.QUIZ:
            return self.quiz.is_answered
        if kind is StepKind.PRACTICE:
            return self.phone.is_complete
        return True

    def _update_next(self) -> None:
        last = self.lesson is not None and self.index == len(self.lesson.steps) - 1
        label = ("✓ " + _("Finish")) if last else (_("Next") + " ▶")
        self.next_button.setText(label)
        description = _("Go to the next step (Right arrow or Enter)")
        if not self._can_go_next() and self.lesson is not None:
            description = (
                _("Choose an answer first")
                if self.step.kind is StepKind.QUIZ
                else _("Press the place on the practice phone first")
            )
        describe(self.next_button, label.strip("✓▶ "), description)
        self.next_button.setEnabled(self._can_go_next())

    # -- moving ----------------------------------------------------------------------------

    def go_next(self) -> None:
        if self.lesson is None:
            return
        if not self._can_go_next():
            self._say_message(self.next_button.accessibleDescription() + ".", "hint")
            if self.step.kind is StepKind.QUIZ:
                self._say_ui(N_("Choose an answer first"))
            else:
                self._say_ui(N_("Press the place on the practice phone first"))
            return
        lesson, index = self.lesson, self.index
        # Durable before the next step shows (DESIGN §6).
        self.session.complete_step(lesson, index)
        self._done.add(index)
        if index == len(lesson.steps) - 1:
            self.finished.emit(lesson.id)
            return
        self.session.move_to(lesson, index + 1)
        self.show_step(index + 1)

    def go_back(self) -> None:
        if self.lesson is None or self.index == 0:
            return
        self.session.move_to(self.lesson, self.index - 1)
        self.show_step(self.index - 1)

    # -- speech ----------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.session.language.code

    def repeat(self, rate: int | None = None) -> None:
        """Space / keypad 5 / the Repeat button: the step again (slower on a quick second press)."""
        if self.lesson is None:
            return
        self.interrupt()
        self._narrate(rate=rate)

    def _narrate(self, intro: bool = False, rate: int | None = None) -> None:
        if self.voice is None or self.lesson is None:
            return
        speech, step, lang = self.voice.speech, self.step, self.lang
        if intro:
            speech.say(self.lesson.title, lang, rate=rate)
        speech.narrate(step, lang, self.lesson, queue=intro, rate=rate)
        for number, choice in enumerate(step.choices, start=1):
            numbered = {code: f"{number}. {text}" for code, text in choice.text.values.items()}
            speech.say(LocalizedText(numbered), lang, queue=True, rate=rate)
        if not self.voice.enabled:
            return
        if step.alt is not None and step.image is not None:
            alt = self.session.pick(step.alt)
            # The description stays in its own language; only the word "Picture" is UI text.
            speech.say_ui(PICTURE, queue=True, rate=rate, description=alt.text)
        if step.kind is StepKind.PRACTICE and not self._can_go_next():
            speech.say_ui(PRACTICE_HOW, queue=True, rate=rate)
        elif step.kind is StepKind.QUIZ and not self.quiz.is_answered:
            speech.say_ui(QUIZ_HOW, queue=True, rate=rate)

    def speak_where(self, rate: int | None = None) -> None:
        if self.voice is None or self.lesson is None:
            return
        self.voice.speech.say(self.lesson.title, self.lang, rate=rate)
        self.voice.speech.say_ui(
            N_("Step {n} of {total}"), queue=True, rate=rate, n=self.index + 1,
            total=len(self.lesson.steps),
        )

    def _say_ui(self, msgid: str, queue: bool = False, **fields: object) -> None:
        if self.voice is not None:
            self.voice.speech.say_ui(msgid, queue=queue, **fields)

    def _say_text(self, text: LocalizedText | None, queue: bool = False) -> bool:
        if self.voice is None or text is None:
            return False
        return self.voice.speech.say(text, self.lang, queue=queue)

    def _earcon(self, name: str) -> None:
        if self.voice is not None:
            self.voice.earcon(name)

    # -- practice and quiz feedback --------------------------------------------------------

    def _say_message(self, text: str, role: str) -> None:
        set_state(self.message, "role", role)
        self.message.set_plain(text)
        self.message.show()
        # Under a long step text the hint or praise would appear out of sight, cut at the
        # bottom of the scroll area: bring it into view once it is laid out.
        QTimer.singleShot(0, self, self._show_message)

    def _show_message(self) -> None:
        if self.message.isVisible():
            self.text_area.ensureWidgetVisible(self.message, 24, 24)

    def _show_me(self) -> None:
        self.phone.show_target()
        self._say_message(_("The place to press is outlined on the phone."), "hint")

    def _wrong_tap(self, count: int) -> None:
        hint = self.session.pick(self.step.hint).text if self.step.hint else ""
        text = hint or _("Not there. Try again.")
        if count >= 2:
            self.phone.show_target()
            text += "\n" + _("The place to press is now outlined on the phone.")
        self._say_message(text, "hint")
        self._earcon("wrong")
        if not self._say_text(self.step.hint):
            self._say_ui(N_("Not there. Try again."))

    def _practice_progress(self, index: int) -> None:
        if not self.phone.is_complete:
            # Translators: after a correct press when more places remain on a practice step.
            self._say_message(_("Good. Now press the next place."), "success")
            self._earcon("correct")
            self._say_ui(N_("Good. Now press the next place."))
            if self.phone.target_highlighted() or self.phone.wrong_taps >= 2:
                self.phone.show_target()
            nxt = self.phone.buttons[self.phone.next_index]
            if self.phone.focused_hotspot() is not None:
                nxt.setFocus(Qt.FocusReason.OtherFocusReason)

    def _practice_done(self) -> None:
        success = self.session.pick(self.step.success).text if self.step.success else ""
        self._say_message("✓ " + (success or _("Well done!")), "success")
        self._update_next()
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._earcon("correct")
        if not self._say_text(self.step.success):
            self._say_ui(N_("Well done!"))
        if self.voice is not None and self.voice.enabled:
            self._say_ui(GO_ON, queue=True)

    def _answered(self, choice_id: str) -> None:
        assert self.lesson is not None
        self.session.record_answer(self.lesson, self.step, choice_id)
        self._update_next()
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        # The feedback is below the answers: bring it into view once it is laid out.
        QTimer.singleShot(0, self, self._show_feedback)
        choice = next(c for c in self.step.choices if c.id == choice_id)
        self._earcon("correct" if choice.correct else "wrong")
        self._say_text(choice.feedback)
        if not choice.correct:
            self._say_ui(N_("You can choose another answer, or go on."), queue=True)
        elif self.voice is not None and self.voice.enabled:
            self._say_ui(GO_ON, queue=True)

    def focus_position(self, widget: QWidget) -> tuple[int, int] | None:
        # The three fixed buttons are one row for the learner.
        row = [self.back_button, self.repeat_button, self.next_button]
        if widget in row:
            return row.index(widget) + 1, len(row)
        return None

    def _show_feedback(self) -> None:
        self.text_area.ensureWidgetVisible(self.quiz.feedback, 24, 24)

    # -- keyboard --------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if self.lesson is None:
            return False
        practice = self.step.kind is StepKind.PRACTICE
        if key == Qt.Key.Key_Escape:
            self.home_requested.emit()
        elif key == Qt.Key.Key_Right:
            self.go_next()
        elif key == Qt.Key.Key_Left:
            self.go_back()
        elif key in UP_DOWN and self._move_within_step(key == Qt.Key.Key_Up):
            pass
        elif key in ENTER:
            focused = self.focusWidget()
            if (
                focused in self.phone.buttons
                or focused in self.quiz.tiles
                or focused in (self.back_button, self.repeat_button, self.next_button, self.show_me)
            ):
                if focused.isEnabled():
                    focused.click()  # type: ignore[union-attr]
            else:
                self.go_next()
        elif key in DIGITS and self.step.kind is StepKind.QUIZ:
            self.quiz.choose(DIGITS[key] - 1)
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and practice:
            backwards = key == Qt.Key.Key_Backtab or bool(
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            self.phone.focus_next_hotspot(backwards)
        else:
            return False
        return True

    def _move_within_step(self, backwards: bool) -> bool:
        """Up/Down (keypad 8/2): through the answers of a quiz or the places of a practice."""
        if self.step.kind is StepKind.PRACTICE:
            return self.phone.focus_next_hotspot(backwards)
        tiles = self.quiz.tiles if self.step.kind is StepKind.QUIZ else []
        if not tiles:
            return False
        focused = self.focusWidget()
        index = tiles.index(focused) if focused in tiles else (0 if backwards else -1)
        target = tiles[(index + (-1 if backwards else 1)) % len(tiles)]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
