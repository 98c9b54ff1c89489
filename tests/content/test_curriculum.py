"""The built-in curriculum as a whole: every lesson in lessons/ loads, and each one keeps the
promises of issue 8 that the format alone does not enforce.

For every built-in lesson: the validator passes; there is a quiz and a practice step; 4 to 8
steps; every image has a Vietnamese description; every abbreviation in a Vietnamese text the
kiosk speaks (title, summary, step text, image description, hotspot label, hint, success, quiz
choices and feedback) has a speak-as lexicon entry; recorded narration matches its text. The
lesson count equals the number of lesson folders, so a lesson that silently fails to load is
caught.

An abbreviation is a word of Latin capitals and digits (at least two together, at least one a
letter), such as OTP, CCCD, 4G or the "VN"/"ID" of VNeID. Capitalised Vietnamese words with tone
or vowel marks (MỘT, MẪU) are words, not abbreviations; Đ counts as a capital (ĐT, UBND). A word
is covered when the lesson lexicon rewrites it, exactly as the narration does
(`kiosk.speech.lexicon.apply_lexicon`), so a lexicon key that never matches does not count.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.content.audio import TRANSCRIPTS_FILE, check_audio, check_transcript
from kiosk.content.catalog import load_curriculum
from kiosk.content.loader import load_lesson
from kiosk.content.model import SOURCE_LANGUAGE, Lesson, LocalizedText, StepKind
from kiosk.speech.lexicon import apply_lexicon

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
MIN_STEPS, MAX_STEPS = 4, 8  # issue 8: "each 4–8 steps"

_WORD = re.compile(r"[^\W_]+")
_CAPITAL_RUN = re.compile(r"[A-ZĐ0-9]{2,}")
_MARKED_LETTER = re.compile(r"[^\W\d_A-Za-zĐđ]")  # a letter with a Vietnamese mark, like Ộ or ẫ


def lesson_folders() -> list[Path]:
    """Every folder under lessons/ that an author meant as a lesson (not hidden, not _private)."""
    return sorted(p for p in REPO_LESSONS.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def abbreviations(text: str) -> set[str]:
    """The words of `text` that a TTS voice would spell or garble: OTP, 4G, VNeID…"""
    found = set()
    for match in _WORD.finditer(text):
        word = match.group(0)
        if _MARKED_LETTER.search(word):
            continue  # a Vietnamese word written in capitals for emphasis: MỘT, TẬP LUYỆN
        if any(any(ch.isalpha() for ch in run) for run in _CAPITAL_RUN.findall(word)):
            found.add(word)
    return found


def spoken_texts(lesson: Lesson) -> list[tuple[str, LocalizedText]]:
    """(field, text) for every text the kiosk shows and speaks in a lesson."""
    texts: list[tuple[str, LocalizedText]] = [("title", lesson.title),
                                              ("summary", lesson.summary)]
    for step in lesson.steps:
        where = f"steps[{step.id}]"
        texts.append((f"{where}.text", step.text))
        for name in ("alt", "hint", "success"):
            value = getattr(step, name)
            if value is not None:
                texts.append((f"{where}.{name}", value))
        for spot in step.hotspots:
            texts.append((f"{where}.hotspots[{spot.id}].label", spot.label))
        for choice in step.choices:
            texts.append((f"{where}.choices[{choice.id}].text", choice.text))
            texts.append((f"{where}.choices[{choice.id}].feedback", choice.feedback))
    return texts


def unspoken_abbreviations(lesson: Lesson) -> dict[str, set[str]]:
    """Abbreviation -> fields where it is used with no lexicon entry that rewrites it."""
    missing: dict[str, set[str]] = {}
    for field, text in spoken_texts(lesson):
        vietnamese = text.values.get(SOURCE_LANGUAGE, "")
        for word in abbreviations(apply_lexicon(vietnamese, lesson.lexicon)):
            missing.setdefault(word, set()).add(field)
    return missing


@pytest.fixture(scope="module")
def curriculum(languages):
    return load_curriculum([REPO_LESSONS], languages)


def _load(folder: Path, languages) -> Lesson:
    lesson, problems = load_lesson(folder, languages)
    assert lesson is not None, "\n".join(map(str, problems))
    return lesson


FOLDERS = lesson_folders()


def test_there_are_lessons_and_every_folder_is_one(curriculum):
    assert FOLDERS, "no lesson folders in lessons/"
    assert not curriculum.problems, "\n".join(map(str, curriculum.problems))
    assert len(curriculum) >= len(FOLDERS)
    assert sorted(curriculum.ids) == sorted(folder.name for folder in FOLDERS)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_lesson_validates_and_keeps_the_curriculum_rules(folder, languages):
    lesson = _load(folder, languages)
    kinds = [step.kind for step in lesson.steps]
    assert StepKind.QUIZ in kinds, "no quiz step"
    assert StepKind.PRACTICE in kinds, "no practice step"
    assert MIN_STEPS <= len(kinds) <= MAX_STEPS, f"{len(kinds)} steps"
    assert lesson.topic in languages.topic_ids
    for step in lesson.steps:
        if step.kind is StepKind.PRACTICE:
            assert step.image is not None and step.hotspots and step.hint is not None
        if step.kind is StepKind.QUIZ:
            assert all(choice.feedback.values.get("vi", "").strip() for choice in step.choices)


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_image_has_a_vietnamese_description(folder, languages):
    lesson = _load(folder, languages)
    for step in lesson.steps:
        if step.image is None:
            continue
        described = step.alt.values.get("vi", "") if step.alt else ""
        assert len(described.split()) >= 3, f"step {step.id}: image {step.image.name}"


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_abbreviation_has_a_lexicon_entry(folder, languages):
    lesson = _load(folder, languages)
    missing = unspoken_abbreviations(lesson)
    assert not missing, "add these to `lexicon:` " + "; ".join(
        f"{word} (in {', '.join(sorted(fields))})" for word, fields in sorted(missing.items()))


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_recorded_narration_matches_its_text(folder, languages):
    lesson = _load(folder, languages)
    for step in lesson.steps:
        for lang, path in step.audio.items():
            assert check_audio(path) is None, check_audio(path)
            if (path.parent / TRANSCRIPTS_FILE).exists():
                text = step.text.values.get(lang)
                assert text, f"step {step.id}: a {lang} recording but no {lang} text"
                assert check_transcript(path, text) is None, check_transcript(path, text)


# -- the checker itself: it must find what it claims to find ---------------------------------


def test_abbreviation_finder():
    text = ("Chỉ có MỘT ứng dụng VNeID thật. Mạng 4G, mã OTP, thẻ CCCD, UBND xã, ĐT 0000 000 000, "
            "năm 2026, chữ TẬP LUYỆN – DỮ LIỆU GIẢ, Wi-Fi, iPhone, X, đ, kg.")
    assert abbreviations(text) == {"VNeID", "4G", "OTP", "CCCD", "UBND", "ĐT"}


def test_missing_lexicon_entry_is_caught_on_a_lesson_copy(tmp_path, languages):
    source = REPO_LESSONS / "fraud-call"
    if not source.is_dir():
        pytest.skip("the fraud-call sample lesson is not here")
    copy = tmp_path / "fraud-call"
    shutil.copytree(source, copy)
    assert not unspoken_abbreviations(_load(copy, languages))

    yaml = copy / "lesson.yaml"
    text = yaml.read_text(encoding="utf-8")
    entry = re.search(r"^  OTP: .*\n", text, re.MULTILINE)
    assert entry is not None, "fraud-call no longer has an OTP lexicon entry"
    yaml.write_text(text.replace(entry.group(0), "", 1), encoding="utf-8")
    missing = unspoken_abbreviations(_load(copy, languages))
    assert set(missing) == {"OTP"}
    assert "steps[check].choices[give-otp].text" in missing["OTP"]


def test_new_abbreviation_in_a_hint_is_caught_until_listed(tmp_path, languages):
    source = REPO_LESSONS / "fraud-call"
    if not source.is_dir():
        pytest.skip("the fraud-call sample lesson is not here")
    copy = tmp_path / "fraud-call"
    shutil.copytree(source, copy)
    yaml = copy / "lesson.yaml"
    text = yaml.read_text(encoding="utf-8")
    hint = "Nút đỏ “Từ chối” ở góc dưới, bên trái."
    assert hint in text
    text = text.replace(hint, hint + " Không đọc số CCCD.", 1)
    yaml.write_text(text, encoding="utf-8")
    missing = unspoken_abbreviations(_load(copy, languages))
    assert missing == {"CCCD": {"steps[hang-up].hint"}}

    # A key that never matches as a whole word ("CCC") does not count as an entry.
    text = text.replace("lexicon:\n", "lexicon:\n  CCC: xê xê xê\n", 1)
    yaml.write_text(text, encoding="utf-8")
    assert set(unspoken_abbreviations(_load(copy, languages))) == {"CCCD"}

    text = text.replace("lexicon:\n", "lexicon:\n  CCCD: căn cước công dân\n", 1)
    yaml.write_text(text, encoding="utf-8")
    assert not unspoken_abbreviations(_load(copy, languages))
