"""The curriculum: every valid lesson from the built-in folder and installed bundles.

`load_curriculum` takes folders in priority order (built-in lessons first, installed bundles
after). Each is a lesson folder (it holds lesson.yaml) or a folder of lesson folders. A broken
lesson is left out with its problems and never stops the others; when two folders hold the
same lesson id, the higher version wins, so an installed bundle can update a built-in lesson.
Lessons are ordered by the topic order of lessons/languages.yaml, then by id, so the home
screen is stable. `validate_paths` is what `kiosk lessons validate DIR...` prints.
Given the content cache file (`kiosk.content.cache`), `load_curriculum` takes each unchanged,
already checked lesson from it and loads and checks only the others; the YAML reader and the
validator are imported only when some lesson needs them. `validate_paths` never uses the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.content.languages import LanguageTable, load_languages
from kiosk.content.model import LESSON_FILE, Lesson, Problem
from kiosk.i18n import _

if TYPE_CHECKING:
    from kiosk.content.cache import ContentCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Curriculum:
    """The lessons the kiosk offers, and why any others were left out."""

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
    """What `kiosk lessons validate` prints: valid lesson ids and every problem found."""

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
        from kiosk.content.loader import load_lesson

        return load_lesson(folder, languages)
    except Exception as error:  # one lesson's surprise must not hide the curriculum
        log.exception("loading lesson %s failed", folder)
        message = _("the lesson could not be loaded ({error})").format(error=error)
        return None, [Problem(folder / LESSON_FILE, None, "", message)]


def _open_cache(cache: Path | None) -> ContentCache | None:
    if cache is None:
        return None
    from kiosk.content.cache import ContentCache

    try:
        return ContentCache(cache)
    except Exception:  # the cache only saves time: load everything from the sources
        log.exception("content cache %s unusable", cache)
        return None


def _load_cached(folder: Path, languages: LanguageTable, store: ContentCache | None
                 ) -> tuple[Lesson | None, list[Problem]]:
    """`_load_one`, served from the content cache when the folder is unchanged."""
    if store is None:
        return _load_one(folder, languages)
    try:
        lesson, ticket = store.lesson(folder, languages)
    except Exception:  # a cache must never hide a lesson: load it from its sources
        log.exception("content cache lookup for %s failed", folder)
        return _load_one(folder, languages)
    if lesson is not None:
        return lesson, []
    lesson, problems = _load_one(folder, languages)
    try:
        if lesson is not None:
            store.put_lesson(folder, lesson, ticket)
        else:
            store.forget_lesson(folder)
    except Exception:
        log.exception("content cache update for %s failed", folder)
    return lesson, problems


def load_curriculum(dirs: Sequence[Path], languages: LanguageTable | None = None, *,
                    missing_ok: bool = False, cache: Path | None = None) -> Curriculum:
    """Every valid lesson under `dirs` (later folders may update earlier ones by version).

    `missing_ok` skips folders that do not exist (such as the bundle folder before the first
    install) instead of reporting them. `cache` is the content cache file
    (`kiosk.content.cache.cache_path(data_dir)`); without it every lesson is read and checked.
    """
    table = languages or load_languages(cache=cache)
    store = _open_cache(cache)
    chosen: dict[str, Lesson] = {}
    problems: list[Problem] = []
    for directory in map(Path, dirs):
        if not directory.exists():
            if not missing_ok:
                problems.append(Problem(directory, None, "", _("this folder does not exist")))
            continue
        for folder in lesson_folders(directory):
            lesson, found = _load_cached(folder, table, store)
            problems.extend(found)
            if lesson is None:
                continue
            current = chosen.get(lesson.id)
            if current is None or lesson.version > current.version:
                chosen[lesson.id] = lesson
            else:
                log.info("lesson %s version %d in %s ignored: version %d already loaded",
                         lesson.id, lesson.version, folder, current.version)
    if store is not None:
        try:
            store.save()
        except Exception:
            log.exception("content cache %s not saved", cache)
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
