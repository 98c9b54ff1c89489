"""The home screen: which lesson to learn, who is learning, in which language.

Lessons appear as big tiles (title, summary, minutes, progress "3/7 steps" or "Done"); a
lesson begun and not finished is offered first as a wide "continue" tile, and that tile (or
the first lesson) has the keyboard focus on arrival. Arrow keys move between tiles, Enter
opens the focused one (DESIGN §8). Two buttons at the top open the language picker and the
learner cards (kiosk.ui.screens.choosers), which replace the lesson list until a choice is
made or Back/Escape is pressed. A learner card protected by a secret code opens only after
its four pictures or digits (kiosk.ui.screens.cardcode). A new card asks for a name, then,
optionally, the decade of birth (kiosk.ui.screens.birthdecade; said aloud, Space says it again),
is made, and is offered a code. In voice mode the screen says "Choose a lesson" when it shows,
then the focus echo reads the focused tile; Space says that again (in normal mode it repeats
the start announcement: which key starts voice mode).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from kiosk.i18n import N_, _, ngettext
from kiosk.ui.keys import ARROWS, ENTER
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.choosers import AddLearnerPage, LanguagePage, LearnerPage, learner_name
from kiosk.ui.session import Session
from kiosk.ui.tiles import Tile, TileGrid
from kiosk.ui.voice import VoiceMode
from kiosk.ui.widgets import (
    FocusScrollArea,
    TextBlock,
    activate_focused,
    big_button,
    describe,
    move_in_grid,
)

if TYPE_CHECKING:
    from kiosk.ui.screens.birthdecade import BirthDecadePage
    from kiosk.ui.screens.cardcode import CodePage

log = logging.getLogger(__name__)

# Translators: heading of the home screen above the lesson tiles (also spoken in voice mode).
CHOOSE = N_("Choose a lesson")
# Translators: focus echo role of a lesson tile on the home screen.
ROLE_LESSON = N_("lesson")


def steps_text(done: int, total: int) -> str:
    # Translators: progress on a lesson tile, e.g. "3/7 steps".
    return ngettext("{done}/{total} step", "{done}/{total} steps", total).format(
        done=done, total=total
    )


class HomeScreen(Screen):
    lesson_chosen = Signal(str)
    language_chosen = Signal(str)
    learner_changed = Signal()  # another learner card is in use (their speech rate applies)

    def __init__(
        self, session: Session, voice: VoiceMode | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, voice)
        self.session = session
        self.scale = 1.0
        self._entered = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_lessons_page())
        # The choosers are built when first opened: most learners never open them.
        self._language_page: LanguagePage | None = None
        self._learner_page: LearnerPage | None = None
        self._add_page: AddLearnerPage | None = None
        self._decade_page: BirthDecadePage | None = None
        self._code_page: CodePage | None = None
        self._new_name = ""  # typed on the name page, kept until the decade is answered
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.language_button.clicked.connect(self.show_languages)
        self.learner_button.clicked.connect(self.show_learners)
        self.lesson_tiles: list[Tile] = []
        self.continue_tile = Tile()
        self.continue_tile.setProperty("continue", True)
        self.continue_tile.setProperty("voice_role", ROLE_LESSON)
        self.continue_tile.hide()
        self.continue_tile.clicked.connect(self._open_continue)
        self._continue_id: str | None = None
        self.body_layout.insertWidget(0, self.continue_tile)
        self.retranslate()

    def _build_lessons_page(self) -> QWidget:
        page = QWidget()
        self.heading = TextBlock("title")
        self.language_button = big_button("", "")
        self.learner_button = big_button("", "")
        # Who and which language on their own row: beside the heading they would squeeze it
        # into one word per line at 200 % text.
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(self.learner_button)
        header.addWidget(self.language_button)
        header.addStretch(1)
        self.grid = TileGrid(column_width=560)
        self.empty = TextBlock("hint")
        self.empty.hide()
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(8, 8, 8, 8)
        self.body_layout.setSpacing(16)
        self.body_layout.addWidget(self.grid)
        self.body_layout.addWidget(self.empty)
        self.body_layout.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.heading)
        layout.addWidget(FocusScrollArea(body), 1)
        return page

    @property
    def language_page(self) -> LanguagePage:
        if self._language_page is None:
            page = LanguagePage(self.session)
            page.chosen.connect(self._language_chosen)
            page.back.connect(self.show_lessons)
            page.grid.set_scale(self.scale)
            self.pages.addWidget(page)
            self._language_page = page
        return self._language_page

    @property
    def learner_page(self) -> LearnerPage:
        if self._learner_page is None:
            page = LearnerPage(self.session)
            page.chosen.connect(self._learner_chosen)
            page.back.connect(self.show_lessons)
            page.add_requested.connect(self._show_add)
            page.grid.set_scale(self.scale)
            self.pages.addWidget(page)
            self._learner_page = page
        return self._learner_page

    @property
    def add_page(self) -> AddLearnerPage:
        if self._add_page is None:
            page = AddLearnerPage()
            page.back.connect(self.show_learners)
            page.saved.connect(self._name_given)
            self.pages.addWidget(page)
            self._add_page = page
        return self._add_page

    @property
    def decade_page(self) -> BirthDecadePage:
        if self._decade_page is None:
            from kiosk.ui.screens.birthdecade import BirthDecadePage

            page = BirthDecadePage()
            page.answered.connect(self._learner_added)
            page.back.connect(self._back_to_name)
            page.apply_scale(self.scale)
            self.pages.addWidget(page)
            self._decade_page = page
        return self._decade_page

    @property
    def code_page(self) -> CodePage:
        if self._code_page is None:
            from kiosk.ui.screens.cardcode import CodePage

            say = self.voice.speech.say_shown if self.voice is not None else None
            page = CodePage(self.session.store, say)
            page.accepted.connect(self._code_accepted)
            page.back.connect(self.show_learners)
            self.pages.addWidget(page)
            self._code_page = page
        return self._code_page

    def _built_pages(self) -> list[QWidget]:
        pages = (self._language_page, self._learner_page, self._add_page, self._decade_page,
                 self._code_page)
        return [p for p in pages if p is not None]

    # -- screen protocol -------------------------------------------------------------------

    def enter(self, **args: object) -> None:
        self._entered = True
        self.refresh()
        self.show_lessons()

    def retranslate(self) -> None:
        self.heading.set_plain(_(CHOOSE))
        lang = self.session.language
        self.language_button.setText(_("Language") + ": " + lang.name)
        font = self.language_button.font()
        font.setFamilies([*lang.fonts, "Noto Sans"])
        self.language_button.setFont(font)
        describe(
            self.language_button, _("Language") + ": " + lang.name, _("Choose another language")
        )
        who = learner_name(self.session, self.session.learner)
        self.learner_button.setText(_("Learner") + ": " + who)
        describe(self.learner_button, _("Learner") + ": " + who, _("Choose or add a learner card"))
        # Translators: shown when no lesson could be loaded.
        self.empty.set_plain(_("No lessons yet. Ask the technician to install lessons."))
        for page in self._built_pages():
            page.retranslate()  # type: ignore[attr-defined]
        if self._entered:
            self.refresh()

    def apply_scale(self, scale: float) -> None:
        self.scale = scale
        self.grid.set_scale(scale)
        for page in (self._language_page, self._learner_page, self._decade_page):
            if page is not None:
                page.grid.set_scale(scale)

    # -- lesson tiles ----------------------------------------------------------------------

    def refresh(self) -> None:
        # The tiles are rebuilt: remember which lesson had the focus to give it back.
        focused = self.focusWidget()
        keep = getattr(focused, "lesson_id", None) if focused in self.lesson_tiles else None
        keep_continue = focused is self.continue_tile
        progress = self.session.progress()
        tiles = []
        for lesson in self.session.lessons:
            tile = Tile()
            tile.setProperty("voice_role", ROLE_LESSON)
            title = self.session.pick(lesson.title)
            summary = self.session.pick(lesson.summary)
            state = progress.get(lesson.id)
            # Translators: estimated time on a lesson tile.
            minutes = ngettext("{n} minute", "{n} minutes", lesson.minutes).format(n=lesson.minutes)
            if state is not None and state.completed:
                status = "✓ " + _("Done")
                tile.setProperty("done", "true")
            elif state is not None and state.steps_done > 0:
                status = steps_text(state.steps_done, len(lesson.steps))
            else:
                status = _("Not started")
            if title.fallback and self.session.language.code != title.lang:
                # Translators: on a lesson tile whose text is shown in Vietnamese.
                status += " · " + _("in Vietnamese")
            elif self.session.language.code != lesson.source_language and not lesson.is_reviewed(
                self.session.language.code
            ):
                status += " · " + _("Translation not yet checked")
            fonts = [self.session.fonts_for(title.lang), self.session.fonts_for(summary.lang)]
            tile.set_lines(
                [
                    (title.text, "heading"),
                    (summary.text, "muted"),
                    (f"{minutes} · {status}", "muted"),
                ],
                fonts,
            )
            describe(tile, title.text, f"{summary.text} {minutes}. {status}.")
            tile.clicked.connect(lambda _c=False, lid=lesson.id: self.lesson_chosen.emit(lid))
            tile.lesson_id = lesson.id  # type: ignore[attr-defined]
            tiles.append(tile)
        self.lesson_tiles = tiles
        self.grid.set_tiles(tiles)
        self.empty.setVisible(not tiles)
        self._refresh_continue()
        if keep_continue and self.continue_tile.isVisible():
            self.continue_tile.setFocus(Qt.FocusReason.OtherFocusReason)
        elif keep is not None or keep_continue:
            again = next((t for t in tiles if getattr(t, "lesson_id", None) == keep), None)
            (again or self.first_tile() or self.language_button).setFocus(
                Qt.FocusReason.OtherFocusReason
            )

    def _refresh_continue(self) -> None:
        found = self.session.continue_lesson()
        if found is None:
            self._continue_id = None
            self.continue_tile.hide()
            return
        lesson, state = found
        self._continue_id = lesson.id
        title = self.session.pick(lesson.title)
        step = min(len(lesson.steps), max(state.current_step, 0) + 1)
        # Translators: the wide tile that reopens an unfinished lesson.
        where = _("Step {n} of {total}").format(n=step, total=len(lesson.steps))
        self.continue_tile.set_lines(
            [("▶ " + _("Continue learning"), "heading"), (title.text, "heading"), (where, "muted")],
            [[], self.session.fonts_for(title.lang), []],
        )
        describe(self.continue_tile, _("Continue learning") + ": " + title.text, where)
        self.continue_tile.show()

    def _open_continue(self) -> None:
        if self._continue_id:
            self.lesson_chosen.emit(self._continue_id)

    def first_tile(self) -> QWidget | None:
        if self.continue_tile.isVisibleTo(self) and self._continue_id:
            return self.continue_tile
        return self.lesson_tiles[0] if self.lesson_tiles else None

    def focus_first(self) -> None:
        target = self.first_tile() or self.language_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- pages -----------------------------------------------------------------------------

    def show_lessons(self) -> None:
        self.pages.setCurrentIndex(0)
        self.focus_first()

    def show_languages(self) -> None:
        self.language_page.refresh()
        self.pages.setCurrentWidget(self.language_page)
        self.language_page.focus_first()

    def show_learners(self) -> None:
        self.learner_page.refresh()
        self.pages.setCurrentWidget(self.learner_page)
        self.learner_page.focus_first()

    def _show_add(self) -> None:
        self.pages.setCurrentWidget(self.add_page)
        self.add_page.reset()

    def _language_chosen(self, code: str) -> None:
        self.language_chosen.emit(code)  # the window switches fonts and retranslates
        self.show_lessons()

    def _learner_chosen(self, learner_id: str) -> None:
        from kiosk.store import cardcodes

        if cardcodes.code_kind(self.session.store, learner_id):
            name = next((x.name for x in self.session.learners() if x.id == learner_id), "")
            self.pages.setCurrentWidget(self.code_page)
            self.code_page.check(learner_id, name or "")
            return
        self._open_card(learner_id)

    def _code_accepted(self, learner_id: str) -> None:
        if learner_id == self.session.learner.id:  # a new card, with or without a code
            self.show_lessons()
        else:
            self._open_card(learner_id)

    def _open_card(self, learner_id: str) -> None:
        before = self.session.language.code
        self.session.choose_learner(learner_id)
        if self.session.language.code != before:
            self.language_chosen.emit(self.session.language.code)
        else:
            self.retranslate()
        self.learner_changed.emit()
        self.show_lessons()

    def _name_given(self, name: str) -> None:
        self._new_name = name
        page = self.decade_page
        self.pages.setCurrentWidget(page)
        page.focus_first()
        self._say_question()

    def _back_to_name(self) -> None:
        self.pages.setCurrentWidget(self.add_page)
        self.add_page.field.setFocus(Qt.FocusReason.OtherFocusReason)  # the name is still there

    def _learner_added(self, birth_decade: int | None) -> None:
        name, self._new_name = self._new_name, ""
        learner = self.session.add_learner(name, birth_decade)
        self.retranslate()
        self.learner_changed.emit()
        self.pages.setCurrentWidget(self.code_page)
        self.code_page.ask(learner.id, learner.name or name)

    # -- voice -----------------------------------------------------------------------------

    def speak_intro(self, queue: bool = False) -> None:
        if self.voice is not None and self.current_page() is self.pages.widget(0):
            self.voice.speech.say_ui(CHOOSE, queue=queue)

    def _say_question(self, rate: int | None = None) -> None:
        """The birth-decade question (in both modes), then in voice mode the focused tile: the
        question replaces the focus echo the page's first tile would have had."""
        if self.voice is None or self._decade_page is None:
            return
        self.voice.speech.say_shown(self._decade_page.question(), rate=rate)
        if self.voice.enabled:
            self.voice.echo_focus(queue=True)

    def repeat(self, rate: int | None = None) -> None:
        if self.voice is None:
            return
        if self._decade_page is not None and self.current_page() is self._decade_page:
            self._say_question(rate)  # spoken when the page showed, so Space says it again
            return
        if not self.voice.enabled:
            self.voice.announce_voice_key()  # a blind visitor who did not hear it at start
            return
        self.speak_intro()
        self.voice.echo_focus(queue=True)

    def speak_where(self, rate: int | None = None) -> None:
        if self.voice is None:
            return
        page = self.current_page()
        heading = getattr(page, "heading", self.heading)
        self.voice.speech.say_shown(heading.plain(), rate=rate)
        for button in (self.learner_button, self.language_button):
            self.voice.speech.say_shown(button.accessibleName(), queue=True, rate=rate)

    def focus_position(self, widget: QWidget) -> tuple[int, int] | None:
        # The "continue" tile and the lesson tiles are one list for the learner.
        tiles = [t for t in (self.continue_tile, *self.lesson_tiles) if t.isVisible()]
        if widget in tiles and len(tiles) > 1:
            return tiles.index(widget) + 1, len(tiles)
        return None

    def current_page(self) -> QWidget:
        return self.pages.currentWidget()

    # -- keyboard --------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        page = self.current_page()
        if page is self._code_page and self._code_page is not None:
            return self._code_page.handle_key(event)
        if page is self._decade_page and self._decade_page is not None:
            return self._decade_page.handle_key(event)
        if page is self._add_page:
            if key == Qt.Key.Key_Escape:
                self.show_learners()
                return True
            if isinstance(self.focusWidget(), QLineEdit):
                if key in ENTER:
                    # Saved here, not by the field: QLineEdit passes Enter on to its parents,
                    # which would press whatever has the focus on the next page too.
                    self.add_page.save()
                    return True
                return False  # typing and arrows belong to the name field
        if key == Qt.Key.Key_Escape:
            if page is not self.pages.widget(0):
                self.show_lessons()
            return True
        if key in ENTER:
            if not activate_focused() and page is self.pages.widget(0):
                self.focus_first()
            return True
        if key in ARROWS:
            return self._arrow(key, page)
        return False

    def _arrow(self, key: Qt.Key, page: QWidget) -> bool:
        for chooser in (self._language_page, self._learner_page):
            if chooser is not None and page is chooser:
                return move_in_grid(chooser.tiles, chooser.grid.columns, key)
        focused = self.focusWidget()
        cont = self.continue_tile if self.continue_tile.isVisible() else None
        if cont is not None and focused is cont:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Right) and self.lesson_tiles:
                self.lesson_tiles[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if (
            cont is not None
            and focused in self.lesson_tiles
            and (
                (key == Qt.Key.Key_Up and self.lesson_tiles.index(focused) < self.grid.columns)
                or (key == Qt.Key.Key_Left and self.lesson_tiles.index(focused) == 0)
            )
        ):
            cont.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return move_in_grid(self.lesson_tiles, self.grid.columns, key)
