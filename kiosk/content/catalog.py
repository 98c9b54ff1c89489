"""The curriculum: every valid lesson from the built-in folder and installed bundles.

`load_curriculum` takes folders in priority order (built-in lessons first, installed bundles
after). Each is a lesson folder (it holds lesson.yaml) or a folder of lesson folders. A broken
lesson is left out with its problems and never stops the others; when two folders hold the
same lesson id, the higher version wins, so an installed bundle can update a built-in lesson.
Lessons are ordered by the topic order of lessons/languages.yaml, then by id, so the home
screen is stable. `validate_paths` is what `kiosk lessons validate DIR...` prints.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.languages import LanguageTable, load_languages
from kiosk.content.loader import LESSON_FILE, load_lesson
from kiosk.content.model import Lesson, Problem
from kiosk.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Curriculum:
    lessons: tuple[Lesson, ...]  # valid lessons, by topic order then id
    problems: tuple[Problem, ...] = ()  # why the other lessons were left out

    def get(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(lesson.id for lesson in self.lessons)

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self.lessons)

    def __len__(self) -> int:
        return len(self.lessons)


@dataclass
class ValidationReport:
    valid: list[str] = field(default_factory=list)  # ids of lessons without problems
    problems: list[Problem] = field(default_factory=list)
    invalid_count: int = 0  # lesson folders (or given paths) with at least one problem


def lesson_folders(path: Path) -> list[Path]:
    """`path` itself if it is a lesson folder, else its lesson subfolders in name order."""
    if (path / LESSON_FILE).is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(
        child for child in path.iterdir()
        if child.is_dir() and not child.name.startswith((".", "_"))
        and (child / LESSON_FILE).is_file()
    )


def misnamed_lesson_files(path: Path) -> list[Path]:
    """Files like `Lesson.yml` in folders without a lesson.yaml: a lesson an author would miss."""
    folders = [path, *(c for c in path.iterdir() if c.is_dir())] if path.is_dir() else []
    return sorted(
        child for folder in folders if not (folder / LESSON_FILE).exists()
        for child in folder.iterdir()
        if child.is_file() and child.name.casefold().startswith("lesson.")
        and child.suffix.casefold() in (".yaml", ".yml")
    )


def _load_one(folder: Path, languages: LanguageTable) -> tuple[Lesson | None, list[Problem]]:
    try:
        return load_lesson(folder, languages)
    except Exception as error:  # one lesson's surprise must not hide the curriculum
        log.exception("loading lesson %s failed", folder)
        message = _("the lesson could not be loaded ({error})").format(error=error)
        return None, [Problem(folder / LESSON_FILE, None, "", message)]


def load_curriculum(dirs: Sequence[Path], languages: LanguageTable | None = None, *,
                    missing_ok: bool = False) -> Curriculum:
    """Every valid lesson under `dirs` (later folders may update earlier ones by version).

    `missing_ok` skips folders that do not exist (such as the bundle folder before the first
    install) instead of reporting them.
    """
    table = languages or load_languages()
    chosen: dict[str, Lesson] = {}
    problems: list[Problem] = []
    for directory in map(Path, dirs):
        if not directory.exists():
            if not missing_ok:
                problems.append(Problem(directory, None, "", _("this folder does not exist")))
            continue
        for folder in lesson_folders(directory):
            lesson, found = _load_one(folder, table)
            problems.extend(found)
            if lesson is None:
                continue
            current = chosen.get(lesson.id)
            if current is None or lesson.version > current.version:
                chosen[lesson.id] = lesson
            else:
                log.info("lesson %s version %d in %s ignored: version %d already loaded",
                         lesson.id, lesson.version, folder, current.version)
    lessons = tuple(sorted(chosen.values(),
                           key=lambda lesson: (table.topic_order(lesson.topic), lesson.id)))
    log.info("curriculum: %d lesson(s), %d problem(s)", len(lessons), len(problems))
    return Curriculum(lessons=lessons, problems=tuple(problems))


def validate_paths(paths: Sequence[Path], languages: LanguageTable | None = None
                   ) -> ValidationReport:
    """Check lesson folders (or folders of them) for `kiosk lessons validate`."""
    table = languages or load_languages()
    report = ValidationReport()
    for path in map(Path, paths):
        if path.name == LESSON_FILE and path.is_file():
            path = path.parent  # `kiosk lessons validate x/lesson.yaml` means the folder x
        if not path.exists():
            report.problems.append(Problem(path, None, "", _("this path does not exist")))
            report.invalid_count += 1
            continue
        misnamed = misnamed_lesson_files(path)
        for file in misnamed:
            report.problems.append(Problem(file, None, "", _(
                "a lesson file must be named exactly lesson.yaml")))
            report.invalid_count += 1
        folders = lesson_folders(path)
        if not folders and not misnamed:
            report.problems.append(Problem(path, None, "", _(
                "no lesson here: a lesson folder holds a lesson.yaml file")))
            report.invalid_count += 1
            continue
        for folder in folders:
            lesson, problems = _load_one(folder, table)
            if lesson is not None:
                report.valid.append(lesson.id)
            else:
                report.problems.extend(problems)
                report.invalid_count += 1
    return report
