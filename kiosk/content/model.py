"""The lesson model: what a loaded, validated lesson is, independent of files and of Qt.

A lesson source is `lessons/<lesson-id>/lesson.yaml` plus `images/` and `audio/<lang>/`
(the format is described in lessons/FORMAT.md). The loader turns it into these frozen
dataclasses after NFC-normalising every text; screens, speech and sync read only these.

Text is kept per language in `LocalizedText`; `LocalizedText.pick(lang)` walks the
language's fallback chain (ending in Vietnamese) and says which language it found, so the
UI can label a fallback visibly and narration can announce it audibly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

SOURCE_LANGUAGE = "vi"
LESSON_FILE = "lesson.yaml"  # the file that makes a folder a lesson folder


class StepKind(StrEnum):
    """What a step asks of the learner: read, press a hotspot, answer, or review."""

    EXPLAIN = "explain"
    PRACTICE = "practice"
    QUIZ = "quiz"
    SUMMARY = "summary"


@dataclass(frozen=True)
class Picked:
    """A text chosen for a language: `lang` is its source, `fallback` if not the asked one."""

    text: str
    lang: str
    fallback: bool


@dataclass(frozen=True)
class LocalizedText:
    """One text in several languages (code -> NFC text). Vietnamese is always present."""

    values: dict[str, str]

    def pick(self, lang: str, chain: tuple[str, ...] = ()) -> Picked:
        """The text in `lang`, else the first language of `chain` that has it, else Vietnamese."""
        for code in (lang, *chain, SOURCE_LANGUAGE):
            text = self.values.get(code)
            if text:
                return Picked(text=text, lang=code, fallback=code != lang)
        # Validation guarantees Vietnamese; an empty text is the last resort, never a crash.
        return Picked(text="", lang=SOURCE_LANGUAGE, fallback=lang != SOURCE_LANGUAGE)

    def has(self, lang: str) -> bool:
        return bool(self.values.get(lang))


@dataclass(frozen=True)
class Rect:
    """A rectangle in the coordinates of the step image (its SVG viewBox or pixel size)."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px <= self.x + self.width and self.y <= py <= self.y + self.height


@dataclass(frozen=True)
class Hotspot:
    """A place on a practice image the learner must press (in list order when several)."""

    id: str
    rect: Rect
    label: LocalizedText  # spoken and used as the accessible name


@dataclass(frozen=True)
class Choice:
    """One answer of a quiz step, with the feedback shown after it is chosen."""

    id: str
    text: LocalizedText
    correct: bool
    feedback: LocalizedText


@dataclass(frozen=True)
class Step:
    """One screen of a lesson; which fields are filled depends on its `kind`."""

    id: str
    kind: StepKind
    text: LocalizedText
    image: Path | None = None  # absolute path, checked to exist inside the lesson folder
    alt: LocalizedText | None = None  # description of the image for speech and screen readers
    audio: dict[str, Path] = field(default_factory=dict)  # lang -> recorded narration file
    # practice
    hotspots: tuple[Hotspot, ...] = ()
    hint: LocalizedText | None = None  # gentle help after a wrong tap
    success: LocalizedText | None = None  # said when the practice is done right
    # quiz
    choices: tuple[Choice, ...] = ()

    @property
    def correct_choice(self) -> Choice | None:
        return next((c for c in self.choices if c.correct), None)


@dataclass(frozen=True)
class Lesson:
    """A loaded lesson that passed every rule of lessons/FORMAT.md."""

    id: str
    version: int
    topic: str  # skill area id from lessons/topics in languages.yaml (for reports)
    minutes: int
    title: LocalizedText
    summary: LocalizedText  # one line shown on the home tile
    steps: tuple[Step, ...]
    folder: Path
    # lang -> "needed" | "done": a translation is unreviewed until a native speaker checks it
    review: dict[str, str] = field(default_factory=dict)
    lexicon: dict[str, str] = field(default_factory=dict)  # speak-as: "UBND" -> "Ủy ban nhân dân"
    source_language: str = SOURCE_LANGUAGE

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages with at least a title, source language first."""
        others = sorted(c for c in self.title.values if c != self.source_language)
        return (self.source_language, *others)

    def is_reviewed(self, lang: str) -> bool:
        return lang == self.source_language or self.review.get(lang) == "done"

    def step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson source, said in plain words for a lesson author."""

    file: Path
    line: int | None  # 1-based; None when the problem is not tied to a line
    field: str  # dotted path in the YAML, e.g. "steps[2].choices" ("" for the whole file)
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.field or '(file)'}: {self.message}"
