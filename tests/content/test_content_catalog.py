"""The curriculum: broken lessons are left out alone, versions update, order is stable."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.content.catalog import load_curriculum, validate_paths


def test_good_lessons_load_when_one_is_broken(kit):
    kit.write("alpha")
    kit.write("broken", replace=[("correct: true", "correct: false")])
    kit.write("beta")
    curriculum = load_curriculum([kit.root], kit.languages)
    assert curriculum.ids == ("alpha", "beta")
    assert curriculum.get("broken") is None
    assert curriculum.get("alpha") is not None and len(curriculum) == 2
    assert [p.field for p in curriculum.problems] == ["steps[2].choices"]
    assert curriculum.problems[0].file == kit.root / "broken" / "lesson.yaml"


def test_unreadable_lesson_does_not_stop_the_others(kit):
    kit.write("alpha")
    bad = kit.write("bad")
    (bad / "lesson.yaml").write_bytes(b"\xff\xfe\x00garbage")
    curriculum = load_curriculum([kit.root], kit.languages)
    assert curriculum.ids == ("alpha",)
    assert len(curriculum.problems) == 1


def test_lessons_sorted_by_topic_order_then_id(kit):
    kit.write("zeta-device")
    kit.write("alpha-safety", replace=[("topic: device", "topic: safety")])
    kit.write("beta-identity", replace=[("topic: device", "topic: identity")])
    kit.write("alpha-device")
    curriculum = load_curriculum([kit.root], kit.languages)
    # languages.yaml lists device, communication, identity, ..., safety
    assert curriculum.ids == ("alpha-device", "zeta-device", "beta-identity", "alpha-safety")
    assert [lesson.id for lesson in curriculum] == list(curriculum.ids)


def test_later_folder_with_higher_version_replaces(kit, tmp_path: Path):
    kit.write("alpha")
    kit.write("beta", replace=[("version: 1", "version: 3")])
    installed = tmp_path / "installed"
    installed.mkdir()
    newer = LessonFolder(installed, kit).copy("alpha", version=2)
    older = LessonFolder(installed, kit).copy("beta", version=2)
    curriculum = load_curriculum([kit.root, installed], kit.languages)
    alpha, beta = curriculum.get("alpha"), curriculum.get("beta")
    assert alpha is not None and alpha.version == 2 and alpha.folder == newer
    assert beta is not None and beta.version == 3 and beta.folder == kit.root / "beta"
    assert older.exists() and curriculum.problems == ()


def test_broken_update_keeps_the_working_lesson(kit, tmp_path: Path):
    kit.write("alpha")
    installed = tmp_path / "installed"
    installed.mkdir()
    broken = LessonFolder(installed, kit).copy("alpha", version=5)
    text = (broken / "lesson.yaml").read_text(encoding="utf-8")
    (broken / "lesson.yaml").write_text(text.replace("minutes: 5", "minutes: 500"),
                                        encoding="utf-8")
    curriculum = load_curriculum([kit.root, installed], kit.languages)
    alpha = curriculum.get("alpha")
    assert alpha is not None and alpha.version == 1
    assert [p.field for p in curriculum.problems] == ["minutes"]


def test_single_lesson_folder_and_missing_folders(kit, tmp_path: Path):
    folder = kit.write("alpha")
    curriculum = load_curriculum([folder], kit.languages)
    assert curriculum.ids == ("alpha",)
    missing = tmp_path / "not-there"
    curriculum = load_curriculum([folder, missing], kit.languages)
    assert curriculum.ids == ("alpha",)
    assert [(p.file, p.message) for p in curriculum.problems] == [
        (missing, "this folder does not exist")]
    assert load_curriculum([folder, missing], kit.languages, missing_ok=True).problems == ()


def test_hidden_and_non_lesson_folders_are_skipped(kit):
    kit.write("alpha")
    (kit.root / "images").mkdir()
    hidden = kit.write(".staging")
    assert hidden.exists()
    assert load_curriculum([kit.root], kit.languages).ids == ("alpha",)


def test_builtin_curriculum_accounts_for_every_folder(builtin_lessons: Path):
    """With the default table, each shipped lesson folder is either loaded or explained."""
    curriculum = load_curriculum([builtin_lessons])
    folders = {p.parent.name for p in builtin_lessons.glob("*/lesson.yaml")}
    refused = {p.file.parent.name for p in curriculum.problems}
    assert set(curriculum.ids) | refused == folders
    assert not set(curriculum.ids) & refused
    assert all(lesson.folder.parent == builtin_lessons for lesson in curriculum)


def test_validate_paths_report(kit, tmp_path: Path):
    kit.write("alpha")
    kit.write("broken", replace=[("minutes: 5", "minutes: 0"), ("topic: device", "topic: x")])
    empty = tmp_path / "empty"
    empty.mkdir()
    report = validate_paths([kit.root, tmp_path / "nowhere", empty], kit.languages)
    assert report.valid == ["alpha"]
    assert report.invalid_count == 3
    messages = [(p.file, p.field, p.message) for p in report.problems]
    assert (tmp_path / "nowhere", "", "this path does not exist") in messages
    assert (empty, "", "no lesson here: a lesson folder holds a lesson.yaml file") in messages
    assert {f for _, f, _ in messages} >= {"minutes", "topic"}


def test_validate_paths_reports_misnamed_lesson_files(kit):
    kit.write("alpha")
    typo = kit.write("beta")
    (typo / "lesson.yaml").rename(typo / "Lesson.yml")
    report = validate_paths([kit.root], kit.languages)
    assert report.valid == ["alpha"] and report.invalid_count == 1
    assert [(p.file, p.message) for p in report.problems] == [
        (typo / "Lesson.yml", "a lesson file must be named exactly lesson.yaml")]


def test_validate_paths_accepts_the_lesson_file_itself(kit):
    folder = kit.write("alpha")
    report = validate_paths([folder / "lesson.yaml"], kit.languages)
    assert (report.valid, report.problems, report.invalid_count) == (["alpha"], [], 0)


class LessonFolder:
    """Copies a lesson written by the kit into another folder with another version."""

    def __init__(self, root: Path, kit) -> None:
        self.root = root
        self.kit = kit

    def copy(self, lesson_id: str, version: int) -> Path:
        target = self.root / lesson_id
        source = self.kit.root / lesson_id
        if not source.exists():
            source = self.kit.write(lesson_id)
        shutil.copytree(source, target)
        text = (target / "lesson.yaml").read_text(encoding="utf-8")
        text = text.replace("version: 1\n", f"version: {version}\n").replace(
            "version: 3\n", f"version: {version}\n")
        (target / "lesson.yaml").write_text(text, encoding="utf-8")
        return target
