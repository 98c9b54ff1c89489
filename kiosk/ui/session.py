"""The learner's session: the one service screens talk to instead of the store and the files.

It holds the curriculum, the language table, the current learner card and the current
language, and turns screen actions into store calls (start a lesson, move between steps,
finish a step durably, record a quiz answer, remember settings). Screens never see SQL or
paths; they ask the session for text in the learner's language (`pick`) and for progress.
Switching the language also switches the UI catalog (kiosk.i18n) and remembers the choice on
the learner card. The technician screen reloads the curriculum through it after installing or
removing a bundle (`load_curriculum` off the UI thread, then `use_curriculum`) and sets the
kiosk-wide defaults (language at start, speech rate; kiosk.store.technician).
`voice_mode` mirrors the window's voice mode (the window keeps it in step) so that every
progress event says whether the learner was using the kiosk by voice.
No Qt here: the session is plain Python so it is easy to test and reuse.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import config, i18n
from kiosk.content.model import Lesson, LocalizedText, Picked, Step
from kiosk.store import technician

if TYPE_CHECKING:
    from kiosk.content.catalog import Curriculum
    from kiosk.content.languages import Language, LanguageTable
    from kiosk.store import Learner, LessonProgress, Store

log = logging.getLogger(__name__)

LANGUAGE_SETTING = "ui.language"
LEARNER_SETTING = "ui.learner"


class Session:
    """Current learner, language and curriculum, plus the store calls the screens need."""

    def __init__(
        self,
        store: Store,
        curriculum: Curriculum,
        languages: LanguageTable,
        language: str | None = None,
        lesson_dirs: Sequence[Path] | None = None,
    ) -> None:
        self.store = store
        self.curriculum = curriculum
        self.languages = languages
        # The lesson folders besides installed bundles: built-in, or `kiosk run --lessons`.
        self.lesson_dirs = list(lesson_dirs or [config.builtin_lessons_dir()])
        # Put into every progress event for the hub's reports; the main window sets it.
        self.voice_mode: bool = False
        self.learner: Learner = self._initial_learner()
        stored = getattr(self.learner, "language", None) or store.get_setting(
            LANGUAGE_SETTING, "vi"
        )
        self.language: Language = self._language_or_default(language or stored)
        self._apply_ui_language()

    # -- learner cards ---------------------------------------------------------------------

    def _initial_learner(self) -> Learner:
        # The kiosk is shared: it starts on the guest card unless a technician set another.
        wanted = self.store.get_setting(LEARNER_SETTING, None)
        if wanted:
            try:
                found = self.store.get_learner(wanted)
            except Exception:  # an unknown or removed card: fall back to the guest
                log.warning("remembered learner %r not found; using the guest card", wanted)
                found = None
            if found is not None:
                return found
        return self.store.guest()

    def learners(self) -> list[Learner]:
        """Every named card, the guest first."""
        guest = self.store.guest()
        others = [x for x in self.store.learners() if not x.is_guest]
        return [guest, *others]

    def is_guest(self, learner: Learner | None = None) -> bool:
        return bool((learner or self.learner).is_guest)

    def choose_learner(self, learner_id: str) -> Learner:
        learner = self.store.get_learner(learner_id)
        self.learner = learner
        lang = getattr(learner, "language", None)
        if lang and self.languages.find(lang):
            self.language = self.languages.get(lang)
            self._apply_ui_language()
        return learner

    def add_learner(self, name: str, birth_decade: int | None = None) -> Learner:
        """Create a named card in the current language and make it current; `birth_decade`
        (1950 for 1950–1959) is optional: None when the learner skipped the question."""
        clean = " ".join(name.split())
        learner = self.store.create_learner(clean, self.language.code, birth_decade)
        self.learner = learner
        return learner

    # -- language --------------------------------------------------------------------------

    def _language_or_default(self, code: str | None) -> Language:
        found = self.languages.find(code) if code else None
        if found is None:
            if code:
                log.warning("unknown language %r; using Vietnamese", code)
            found = self.languages.get("vi")
        return found

    def _apply_ui_language(self) -> None:
        i18n.set_language(self.language.code, babel_locale=self.language.babel)

    def set_language(self, code: str) -> Language:
        self.language = self._language_or_default(code)
        self._apply_ui_language()
        self.store.set_learner_language(self.learner.id, self.language.code)
        self.store.set_setting(LANGUAGE_SETTING, self.language.code)
        return self.language

    def pick(self, text: LocalizedText | None) -> Picked:
        """Lesson text in the current language, walking its fallback chain to Vietnamese."""
        if text is None:
            return Picked(text="", lang=self.language.code, fallback=False)
        return text.pick(self.language.code, tuple(self.language.fallback))

    def fonts_for(self, lang: str) -> tuple[str, ...]:
        found = self.languages.find(lang)
        return tuple(found.fonts) if found else ()

    # -- lessons and progress --------------------------------------------------------------

    @property
    def lessons(self) -> Sequence[Lesson]:
        return self.curriculum.lessons

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.curriculum.get(lesson_id)

    @property
    def data_dir(self) -> Path:
        return Path(self.store.path).parent

    def load_curriculum(self) -> Curriculum:
        """The lesson folders plus every installed bundle, loaded again (no UI: a worker may
        call it). Lessons with problems are logged and left out, as at start-up."""
        from kiosk.bundles.install import installed_lesson_dirs
        from kiosk.content.cache import cache_path
        from kiosk.content.catalog import load_curriculum

        dirs = [*self.lesson_dirs, *installed_lesson_dirs(self.data_dir, self.store)]
        curriculum = load_curriculum(dirs, self.languages, cache=cache_path(self.data_dir))
        for problem in curriculum.problems:
            log.warning("lesson not loaded: %s", problem)
        return curriculum

    def use_curriculum(self, curriculum: Curriculum) -> None:
        """Show these lessons from now on (the home screen rebuilds its tiles on entry)."""
        self.curriculum = curriculum

    def progress(self) -> dict[str, LessonProgress]:
        return self.store.lesson_progress(self.learner.id)

    def continue_lesson(self) -> tuple[Lesson, LessonProgress] | None:
        """The lesson to offer as "continue": begun, not finished (first in curriculum order)."""
        progress = self.progress()
        for lesson in self.lessons:
            state = progress.get(lesson.id)
            if state and not state.completed and (state.steps_done > 0 or state.current_step > 0):
                return lesson, state
        return None

    def open_lesson(self, lesson: Lesson, restart: bool = False) -> tuple[int, bool]:
        """Begin or resume `lesson`: (step index to show, whether it was finished before).

        A finished lesson opens at its first step again (a learner reopening it wants to
        review it); an unfinished one at the step the store remembers.
        """
        state = self.progress().get(lesson.id)
        finished = bool(state and state.completed)
        self.store.start_lesson(
            self.learner.id,
            lesson.id,
            lesson.version,
            len(lesson.steps),
            voice_mode=self.voice_mode,
        )
        if restart or finished:
            self.move_to(lesson, 0)
            return 0, finished
        index = self.store.resume_step(self.learner.id, lesson.id)
        return max(0, min(len(lesson.steps) - 1, int(index))), finished

    def move_to(self, lesson: Lesson, index: int) -> None:
        self.store.set_position(self.learner.id, lesson.id, index)

    def complete_step(self, lesson: Lesson, index: int) -> LessonProgress:
        """Record the step as finished, durably, before the caller shows the next one."""
        step = lesson.steps[index]
        return self.store.complete_step(
            self.learner.id,
            lesson.id,
            lesson.version,
            step.id,
            index,
            len(lesson.steps),
            voice_mode=self.voice_mode,
        )

    def record_answer(self, lesson: Lesson, step: Step, choice_id: str) -> bool:
        choice = next(c for c in step.choices if c.id == choice_id)
        return self.store.record_answer(
            self.learner.id, lesson.id, step.id, choice_id, choice.correct,
            voice_mode=self.voice_mode,
        )

    def completed_on(self, lesson: Lesson) -> dt.date:
        """The day the current learner finished `lesson` (today when the store has no date)."""
        state = self.progress().get(lesson.id)
        value = getattr(state, "completed_at", None)
        if isinstance(value, dt.datetime):
            return value.astimezone().date() if value.tzinfo else value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and value:
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                log.warning("unreadable completion date %r", value)
            else:
                return parsed.astimezone().date() if parsed.tzinfo else parsed.date()
        return dt.date.today()

    # -- speech ----------------------------------------------------------------------------

    def speech_rate(self) -> int | None:
        """The current learner's speech rate, else the kiosk's default, else None."""
        rate = getattr(self.learner, "speech_rate", None)
        if isinstance(rate, int) and not isinstance(rate, bool):
            return int(rate)
        return technician.default_rate(self.store)

    def set_speech_rate(self, rate: int) -> None:
        """Remember the rate on the learner card (the narrator has clamped it already)."""
        self.store.set_learner_speech_rate(self.learner.id, int(rate))
        self.learner = self.store.get_learner(self.learner.id)

    # -- kiosk-wide defaults (the technician screen) ---------------------------------------

    def set_default_language(self, code: str) -> bool:
        """The language the kiosk starts in (on the shared guest card); True when the language
        in use changed too (the guest is learning now), so the window re-fonts."""
        language = self._language_or_default(code)
        technician.set_default_language(self.store, language.code)
        guest = self.store.guest()
        self.store.set_learner_language(guest.id, language.code)
        self.store.set_setting(LANGUAGE_SETTING, language.code)
        if not self.is_guest() or language.code == self.language.code:
            return False
        self.learner = self.store.get_learner(guest.id)
        self.language = language
        self._apply_ui_language()
        return True

    def set_default_speech_rate(self, rate: int) -> None:
        """The speech rate of the guest card and of every card that never chose its own."""
        technician.set_default_rate(self.store, rate)
        self.store.set_learner_speech_rate(self.store.guest().id, int(rate))
        self.learner = self.store.get_learner(self.learner.id)

    # -- settings --------------------------------------------------------------------------

    def setting(self, key: str, default: object = None) -> object:
        return self.store.get_setting(key, default)

    def set_setting(self, key: str, value: object) -> None:
        self.store.set_setting(key, value)
