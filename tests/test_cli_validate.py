"""`kiosk lessons validate DIR...`: 0 when valid, 1 with FILE:LINE: FIELD: message, 2 on misuse."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main

FIXTURE = Path(__file__).parent / "content" / "fixtures" / "phone-basics"


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages: None) -> None:
    """Messages are checked in English here (see tests/conftest.py)."""


def copy_lesson(root: Path, replace: tuple[str, str] | None = None) -> Path:
    folder = root / "phone-basics"
    shutil.copytree(FIXTURE, folder)
    if replace:
        path = folder / "lesson.yaml"
        text = path.read_text(encoding="utf-8")
        assert replace[0] in text
        path.write_text(text.replace(*replace, 1), encoding="utf-8")
    return folder


def test_valid_folder_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    copy_lesson(tmp_path)
    assert main(["lessons", "validate", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: phone-basics\n"
    assert "phone-basics" not in err


def test_problems_exit_1_with_file_line_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = copy_lesson(tmp_path, ("correct: true", "correct: false"))
    lines = (folder / "lesson.yaml").read_text(encoding="utf-8").splitlines()
    choices_line = next(i for i, line in enumerate(lines, 1) if "choices:" in line)
    assert main(["lessons", "validate", str(folder), "--data", str(tmp_path / "data")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    err_lines = err.strip().splitlines()
    assert err_lines[0] == (
        f"{folder / 'lesson.yaml'}:{choices_line}: steps[2].choices: the quiz has no correct "
        "answer: mark exactly one choice with `correct: true`")
    assert re.fullmatch(r"kiosk: 1 problem\(s\) in 1 lesson\(s\); 0 lesson\(s\) valid",
                        err_lines[-1])


def test_good_and_bad_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    good = copy_lesson(tmp_path / "a")
    bad = copy_lesson(tmp_path / "b", ("minutes: 5", "minutes: 0"))
    assert main(["lessons", "validate", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == "ok: phone-basics\n"
    assert f"{bad / 'lesson.yaml'}:" in err and ": minutes: expected a whole number" in err


def test_missing_path_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["lessons", "validate", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'nowhere'}: (file): this path does not exist" in err


def test_folder_without_lessons_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["lessons", "validate", str(tmp_path)]) == 1
    assert "no lesson here: a lesson folder holds a lesson.yaml file" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["lessons", "validate"],
    ["lessons"],
    ["lessons", "validate", "--bogus", "x"],
])
def test_wrong_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]):
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err
