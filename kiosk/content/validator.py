"""The lesson rules of lessons/FORMAT.md, applied to a located YAML tree.

`check_lesson` walks the tree read by `yamlsource`, reports every rule broken as a `Problem`
(file, 1-based line, dotted field path such as `steps[2].choices[0].feedback.vi`, and a plain
sentence for the lesson author) and builds the `Lesson` when nothing is wrong. It never stops
at the first problem: authors fix a lesson in one pass. Files (images, audio) are reached only
through the `LessonFiles` protocol, implemented by the loader, so the rules stay free of disk
details; a file rule that fails raises `AssetError` with the sentence to show.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.content.languages import LanguageTable
from kiosk.content.model import (
    SOURCE_LANGUAGE,
    Choice,
    Hotspot,
    Lesson,
    LocalizedText,
    Problem,
    Rect,
    Step,
    StepKind,
)
from kiosk.content.text import nfc
from kiosk.content.yamlsource import (
    SourceChecker,
    YEntry,
    YMap,
    YNode,
    YScalar,
    YSeq,
    describe,
    join,
    suggest,
)
from kiosk.i18n import _

log = logging.getLogger(__name__)

MIN_STEPS, MAX_STEPS = 4, 10
MIN_CHOICES, MAX_CHOICES = 2, 6
MIN_MINUTES, MAX_MINUTES = 1, 60
REVIEW_VALUES = ("needed", "done")

LESSON_FIELDS = ("id", "version", "topic", "minutes", "title", "summary", "review", "lexicon",
                 "steps")
LESSON_REQUIRED = ("id", "version", "topic", "minutes", "title", "summary", "steps")
STEP_FIELDS = ("id", "kind", "text", "image", "alt", "audio", "hotspots", "hint", "success",
               "choices")
# Fields that only make sense on one kind of step.
KIND_ONLY = {"hotspots": StepKind.PRACTICE, "hint": StepKind.PRACTICE,
             "success": StepKind.PRACTICE, "choices": StepKind.QUIZ}
HOTSPOT_FIELDS = ("id", "rect", "label")
CHOICE_FIELDS = ("id", "text", "correct", "feedback")


class AssetError(Exception):
    """A file named in the lesson is missing, unsafe or unreadable (message for the author)."""


@dataclass(frozen=True)
class ImageInfo:
    path: Path  # absolute, inside the lesson folder
    box: Rect  # the coordinate space of hotspots: SVG viewBox, or PNG pixels from (0, 0)


class LessonFiles(Protocol):
    def image(self, relative: str) -> ImageInfo: ...

    def audio(self, relative: str) -> Path: ...

    def default_audio(self, step_id: str) -> dict[str, Path]: ...


def _is_number(node: YNode) -> bool:
    return (isinstance(node, YScalar) and isinstance(node.value, int | float)
            and not isinstance(node.value, bool))


def _fmt(value: float) -> str:
    return f"{value:g}"


class LessonChecker(SourceChecker):
    """Collects the problems of one lesson.yaml while building its model objects."""

    def __init__(self, file: Path, folder: Path, languages: LanguageTable,
                 files: LessonFiles) -> None:
        super().__init__(file, languages)
        self.folder = folder
        self.files = files

    # -- the lesson -------------------------------------------------------------------------

    def lesson(self, root: YNode) -> Lesson | None:
        entries = self.fields(root, "", LESSON_FIELDS, LESSON_REQUIRED)
        if entries is None:
            return None
        get = {name: entry.value for name, entry in entries.items()}
        lesson_id = self.identifier(get["id"], "id") if "id" in get else None
        folder_name = nfc(self.folder.name)
        if lesson_id is not None and lesson_id != folder_name:
            self.add(get["id"].line, "id", _(
                "the id `{id}` differs from the folder name `{folder}`: they must be the same"
            ).format(id=lesson_id, folder=folder_name))
        version = self.integer(get["version"], "version", 1, None) if "version" in get else None
        topic = self.topic(get["topic"]) if "topic" in get else None
        minutes = (self.integer(get["minutes"], "minutes", MIN_MINUTES, MAX_MINUTES)
                   if "minutes" in get else None)
        title = self.text(get["title"], "title") if "title" in get else None
        summary = self.text(get["summary"], "summary") if "summary" in get else None
        steps = self.steps(entries["steps"]) if "steps" in entries else ()
        review = self.review(get["review"]) if "review" in get else {}
        lexicon = self.lexicon(get["lexicon"]) if "lexicon" in get else {}
        if self.problems:
            return None
        # Every translated language is unreviewed until someone says `done`.
        for code in sorted(self.used_languages - {SOURCE_LANGUAGE}):
            review.setdefault(code, "needed")
        assert lesson_id and version and topic and minutes and title and summary
        return Lesson(id=lesson_id, version=version, topic=topic, minutes=minutes, title=title,
                      summary=summary, steps=tuple(steps), folder=self.folder, review=review,
                      lexicon=lexicon)

    def topic(self, node: YNode) -> str | None:
        value = self.word(node, "topic")
        if value is None or value in self.languages.topic_ids:
            return value
        close = suggest(value, self.languages.topic_ids)
        message = (_("`{topic}` is not a known topic (did you mean `{close}`?)") if close else
                   _("`{topic}` is not a known topic; use one of: {topics}"))
        self.add(node.line, "topic", message.format(
            topic=value, close=close, topics=", ".join(self.languages.topic_ids)))
        return None

    def review(self, node: YNode) -> dict[str, str]:
        if not isinstance(node, YMap):
            self.add(node.line, "review", _("expected a language code and `needed` or `done` on "
                                            "each line, found {found}").format(
                                                found=describe(node)))
            return {}
        review: dict[str, str] = {}
        for entry in node:
            where = join("review", entry.key)
            if not self.language_code(entry.key, entry.key_line, where):
                continue
            value = entry.value.text() if isinstance(entry.value, YScalar) else None
            if value not in REVIEW_VALUES:
                self.add(entry.value.line, where, _(
                    "a review must be `needed` or `done`, not {found}").format(
                        found=describe(entry.value)))
                continue
            review[entry.key] = value
        return review

    def lexicon(self, node: YNode) -> dict[str, str]:
        if not isinstance(node, YMap):
            self.add(node.line, "lexicon", _("expected words and how to say them, like "
                                             "`UBND: Ủy ban nhân dân`, found {found}").format(
                                                 found=describe(node)))
            return {}
        lexicon: dict[str, str] = {}
        for entry in node:
            where = join("lexicon", entry.key)
            value = entry.value.text() if isinstance(entry.value, YScalar) else None
            if not entry.key.strip():
                self.add(entry.key_line, "lexicon", _("a lexicon entry has an empty word"))
            elif value is None or not value.strip():
                self.add(entry.value.line, where, _(
                    "say how `{word}` is spoken, like `UBND: Ủy ban nhân dân`").format(
                        word=entry.key))
            else:
                lexicon[nfc(entry.key.strip())] = nfc(value.strip())
        return lexicon

    # -- steps --------------------------------------------------------------------------------

    def steps(self, entry: YEntry) -> list[Step]:
        node = entry.value
        if not isinstance(node, YSeq):
            self.add(node.line, "steps", _("expected a list of steps (each starting with `- id:`),"
                                           " found {found}").format(found=describe(node)))
            return []
        if not MIN_STEPS <= len(node) <= MAX_STEPS:
            self.add(entry.key_line, "steps", _(
                "a lesson needs {low} to {high} steps; this one has {n}").format(
                    low=MIN_STEPS, high=MAX_STEPS, n=len(node)))
        seen: dict[str, int] = {}
        kinds: list[StepKind] = []
        steps: list[Step] = []
        for index, item in enumerate(node):
            step = self.step(item, f"steps[{index}]", seen, kinds)
            if step is not None:
                steps.append(step)
        if StepKind.QUIZ not in kinds:
            self.add(entry.key_line, "steps", _(
                "the lesson has no quiz step: add a step with `kind: quiz` to check "
                "understanding"))
        if StepKind.PRACTICE not in kinds:
            self.add(entry.key_line, "steps", _(
                "the lesson has no practice step: add a step with `kind: practice` where the "
                "learner tries it on the picture"))
        return steps

    def kind(self, node: YNode, path: str) -> StepKind | None:
        value = self.word(node, path)
        if value is None:
            return None
        try:
            return StepKind(value)
        except ValueError:
            kinds = [k.value for k in StepKind]
            close = suggest(value, kinds)
            message = (_("`{value}` is not a kind of step (did you mean `{close}`?)") if close
                       else _("`{value}` is not a kind of step; use one of: {kinds}"))
            self.add(node.line, path, message.format(value=value, close=close,
                                                     kinds=", ".join(kinds)))
            return None

    def step(self, node: YNode, path: str, seen: dict[str, int],
             kinds: list[StepKind]) -> Step | None:
        entries = self.fields(node, path, STEP_FIELDS, ("id", "kind", "text"))
        if entries is None:
            return None
        get = {name: entry.value for name, entry in entries.items()}
        step_id = self.identifier(get["id"], join(path, "id")) if "id" in get else None
        if "id" in get:
            self.unique(seen, step_id, get["id"], join(path, "id"), _("step"))
        kind = self.kind(get["kind"], join(path, "kind")) if "kind" in get else None
        if kind is not None:
            kinds.append(kind)
            for name, only in KIND_ONLY.items():
                if name in entries and kind is not only:
                    self.add(entries[name].key_line, join(path, name), _(
                        "`{name}` belongs on {only} steps only; this step is {kind}").format(
                            name=name, only=only.value, kind=kind.value))
        text = self.text(get["text"], join(path, "text")) if "text" in get else None
        image = self.image(get["image"], join(path, "image")) if "image" in get else None
        alt = self.text(get["alt"], join(path, "alt")) if "alt" in get else None
        if "image" in get and "alt" not in get:
            self.add(entries["image"].key_line, join(path, "alt"), _(
                "the image needs `alt`: a description of it for learners who cannot see it"))
        if "alt" in get and "image" not in get:
            self.add(entries["alt"].key_line, join(path, "alt"), _(
                "`alt` describes an image, but this step has no `image`"))
        audio = self.files.default_audio(step_id) if step_id else {}
        if "audio" in get:
            audio.update(self.audio(get["audio"], join(path, "audio")))
        hotspots: tuple[Hotspot, ...] = ()
        hint = success = None
        choices: tuple[Choice, ...] = ()
        node_line = node.line
        if kind is StepKind.PRACTICE:
            if "image" not in get:
                self.add(node_line, join(path, "image"), _(
                    "a practice step needs an `image` with the places to press"))
            if "hotspots" in get:
                hotspots = self.hotspots(get["hotspots"], join(path, "hotspots"), image)
            else:
                self.add(node_line, join(path, "hotspots"), _(
                    "a practice step needs at least one hotspot under `hotspots`: the place the "
                    "learner must press"))
            if "hint" in get:
                hint = self.text(get["hint"], join(path, "hint"))
            else:
                self.add(node_line, join(path, "hint"), _(
                    "a practice step needs a `hint`: the gentle help said after a wrong tap"))
            if "success" in get:
                success = self.text(get["success"], join(path, "success"))
        elif kind is StepKind.QUIZ:
            if "choices" in get:
                choices = self.choices(entries["choices"], join(path, "choices"))
            else:
                self.add(node_line, join(path, "choices"), _(
                    "a quiz step needs `choices`: {low} to {high} answers, one of them correct")
                    .format(low=MIN_CHOICES, high=MAX_CHOICES))
        if text is not None:
            self.recordings(audio, text, node_line, join(path, "audio"))
        if step_id is None or kind is None or text is None:
            return None
        return Step(id=step_id, kind=kind, text=text, image=image.path if image else None,
                    alt=alt, audio=audio, hotspots=hotspots, hint=hint, success=success,
                    choices=choices)

    def image(self, node: YNode, path: str) -> ImageInfo | None:
        relative = self.word(node, path)
        if relative is None:
            return None
        try:
            return self.files.image(relative)
        except AssetError as error:
            self.add(node.line, path, str(error))
            return None

    def audio(self, node: YNode, path: str) -> dict[str, Path]:
        if not isinstance(node, YMap):
            self.add(node.line, path, _("expected a language code and a file on each line, like "
                                        "`tyz: audio/tyz/welcome.ogg`, found {found}").format(
                                            found=describe(node)))
            return {}
        audio: dict[str, Path] = {}
        for entry in node:
            where = join(path, entry.key)
            if not self.language_code(entry.key, entry.key_line, where):
                continue
            relative = self.word(entry.value, where)
            if relative is None:
                continue
            try:
                audio[entry.key] = self.files.audio(relative)
            except AssetError as error:
                self.add(entry.value.line, where, str(error))
        return audio

    def recordings(self, audio: dict[str, Path], text: LocalizedText, line: int,
                   path: str) -> None:
        """Each recording must be playable sound made from the step's text in its language."""
        from kiosk.content.audio import check_audio, check_transcript

        for code, file in sorted(audio.items()):
            problem = check_audio(file)
            if problem is None and code in text.values:
                problem = check_transcript(file, text.values[code])
            if problem is not None:
                self.add(line, join(path, code), problem)

    def hotspots(self, node: YNode, path: str, image: ImageInfo | None) -> tuple[Hotspot, ...]:
        if not isinstance(node, YSeq) or not len(node):
            self.add(node.line, path, _("expected a list of hotspots (each with id, rect and "
                                        "label), found {found}").format(found=describe(node)))
            return ()
        seen: dict[str, int] = {}
        found: list[Hotspot] = []
        for index, item in enumerate(node):
            where = f"{path}[{index}]"
            entries = self.fields(item, where, HOTSPOT_FIELDS, HOTSPOT_FIELDS)
            if entries is None:
                continue
            get = {name: entry.value for name, entry in entries.items()}
            spot_id = self.identifier(get["id"], join(where, "id")) if "id" in get else None
            if "id" in get:
                self.unique(seen, spot_id, get["id"], join(where, "id"), _("hotspot"))
            rect = self.rect(get["rect"], join(where, "rect"), image) if "rect" in get else None
            label = self.text(get["label"], join(where, "label")) if "label" in get else None
            if spot_id and rect and label:
                found.append(Hotspot(id=spot_id, rect=rect, label=label))
        return tuple(found)

    def rect(self, node: YNode, path: str, image: ImageInfo | None) -> Rect | None:
        if not isinstance(node, YSeq) or len(node) != 4 or not all(map(_is_number, node)):
            self.add(node.line, path, _("`rect` must be four numbers [x, y, width, height], "
                                        "found {found}").format(found=describe(node)))
            return None
        x, y, width, height = (float(item.value) for item in node.items)  # type: ignore[union-attr]
        if width <= 0 or height <= 0:
            self.add(node.line, path, _("the hotspot's width and height must be more than 0"))
            return None
        rect = Rect(x, y, width, height)
        if image is not None:
            box = image.box
            inside = (x >= box.x and y >= box.y and x + width <= box.x + box.width
                      and y + height <= box.y + box.height)
            if not inside:
                self.add(node.line, path, _(
                    "the hotspot [{x}, {y}, {w}, {h}] goes outside the image, which spans x "
                    "{left} to {right} and y {top} to {bottom}").format(
                        x=_fmt(x), y=_fmt(y), w=_fmt(width), h=_fmt(height), left=_fmt(box.x),
                        right=_fmt(box.x + box.width), top=_fmt(box.y),
                        bottom=_fmt(box.y + box.height)))
                return None
        return rect

    def choices(self, entry: YEntry, path: str) -> tuple[Choice, ...]:
        node = entry.value
        if not isinstance(node, YSeq):
            self.add(node.line, path, _("expected a list of choices (each starting with "
                                        "`- id:`), found {found}").format(found=describe(node)))
            return ()
        if not MIN_CHOICES <= len(node) <= MAX_CHOICES:
            self.add(entry.key_line, path, _("a quiz needs {low} to {high} choices; this one has "
                                             "{n}").format(low=MIN_CHOICES, high=MAX_CHOICES,
                                                           n=len(node)))
        seen: dict[str, int] = {}
        found: list[Choice] = []
        correct_count = 0
        for index, item in enumerate(node):
            where = f"{path}[{index}]"
            entries = self.fields(item, where, CHOICE_FIELDS, ("id", "text"))
            if entries is None:
                continue
            get = {name: e.value for name, e in entries.items()}
            choice_id = self.identifier(get["id"], join(where, "id")) if "id" in get else None
            if "id" in get:
                self.unique(seen, choice_id, get["id"], join(where, "id"), _("choice"))
            text = self.text(get["text"], join(where, "text")) if "text" in get else None
            correct = False
            if "correct" in get:
                value = get["correct"]
                if isinstance(value, YScalar) and isinstance(value.value, bool):
                    correct = value.value
                else:
                    self.add(value.line, join(where, "correct"), _(
                        "`correct` must be `true` or `false`, found {found}").format(
                            found=describe(value)))
            correct_count += correct
            feedback = None
            if "feedback" in get:
                feedback = self.text(get["feedback"], join(where, "feedback"))
            else:
                self.add(item.line, join(where, "feedback"), _(
                    "every choice needs `feedback`: what the learner hears after choosing it"))
            if choice_id and text and feedback:
                found.append(Choice(id=choice_id, text=text, correct=correct, feedback=feedback))
        if correct_count == 0:
            self.add(entry.key_line, path, _(
                "the quiz has no correct answer: mark exactly one choice with `correct: true`"))
        elif correct_count > 1:
            self.add(entry.key_line, path, _(
                "the quiz has {n} correct answers: mark exactly one choice with `correct: true`")
                .format(n=correct_count))
        return tuple(found)


def check_lesson(root: YNode, file: Path, folder: Path, languages: LanguageTable,
                 files: LessonFiles) -> tuple[Lesson | None, list[Problem]]:
    """Apply every rule to a parsed lesson.yaml; the Lesson only when there are no problems."""
    checker = LessonChecker(file, folder, languages, files)
    lesson = checker.lesson(root)
    return (lesson if not checker.problems else None), checker.problems
