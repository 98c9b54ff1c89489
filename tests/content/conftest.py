"""Fixtures for the content tests: a real languages table and lesson folders to break.

`kit.write()` copies the valid lesson in fixtures/phone-basics into tmp_path, applying text
replacements so each test breaks exactly one thing; `kit.line_of()` finds the line a problem
must point at, so tests never hard-code line numbers. Validator messages are checked in
English: the UI catalog is switched off for these tests (an empty locales folder).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.content.languages import LanguageTable, load_languages
from kiosk.content.loader import load_lesson
from kiosk.content.model import Lesson, Problem

FIXTURE = Path(__file__).parent / "fixtures" / "phone-basics"


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages: None) -> None:
    """Messages are checked in English here (see tests/conftest.py)."""


@pytest.fixture(scope="session")
def languages() -> LanguageTable:
    return load_languages()


@dataclass
class LessonKit:
    root: Path
    languages: LanguageTable

    def write(self, name: str = "phone-basics", *, replace: Sequence[tuple[str, str]] = (),
              text: str | None = None) -> Path:
        """A copy of the valid lesson in root/name (its id follows the name), then edits."""
        folder = self.root / name
        shutil.copytree(FIXTURE, folder)
        source = (folder / "lesson.yaml").read_text(encoding="utf-8") if text is None else text
        source = source.replace("id: phone-basics", f"id: {name}", 1)
        for old, new in replace:
            assert old in source, f"fixture has no {old!r}"
            source = source.replace(old, new, 1)
        (folder / "lesson.yaml").write_text(source, encoding="utf-8")
        return folder

    @staticmethod
    def source() -> str:
        return (FIXTURE / "lesson.yaml").read_text(encoding="utf-8")

    @staticmethod
    def line_of(folder: Path, needle: str, nth: int = 1) -> int:
        """1-based line of the nth line of folder/lesson.yaml containing `needle`."""
        lines = (folder / "lesson.yaml").read_text(encoding="utf-8").splitlines()
        found = [i for i, line in enumerate(lines, 1) if needle in line]
        return found[nth - 1]

    def load(self, folder: Path) -> tuple[Lesson | None, list[Problem]]:
        return load_lesson(folder, self.languages)

    def problems(self, **kwargs: object) -> tuple[Path, list[Problem]]:
        folder = self.write(**kwargs)  # type: ignore[arg-type]
        lesson, problems = self.load(folder)
        assert lesson is None and problems, "the broken lesson was accepted"
        return folder, problems


@pytest.fixture
def kit(tmp_path: Path, languages: LanguageTable) -> LessonKit:
    root = tmp_path / "lessons"
    root.mkdir()
    return LessonKit(root, languages)
