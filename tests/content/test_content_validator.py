"""Every rule of lessons/FORMAT.md: each broken lesson gives its message, file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.content.model import Problem

RECAP_STEP = (
    "  - id: recap\n    kind: summary\n    text:\n"
    "      vi: Hôm nay bác đã biết mở ứng dụng bằng một lần chạm.\n"
)
EXTRA_STEPS = "".join(
    f"  - id: more-{i}\n    kind: summary\n    text: {{vi: Ôn lại {i}.}}\n" for i in range(7)
)
SWIPE_FEEDBACK = "        feedback: {vi: Chưa đúng. Vuốt là để cuộn màn hình.}\n"
SWIPE_AND_HOLD = (
    "      - id: swipe\n        text: {vi: Vuốt lên}\n" + SWIPE_FEEDBACK
    + "      - id: hold\n        text: {vi: Giữ ngón tay năm giây}\n        correct: false\n"
    "        feedback: {vi: Chưa đúng. Giữ lâu là để di chuyển ứng dụng.}\n"
)
PRACTICE_IMAGE = (
    "    image: images/home.svg\n    alt: {vi: Màn hình chính có ô Tin nhắn ở góc trên bên trái.}\n"
)
PRACTICE_HOTSPOTS = (
    "    hotspots:\n      - id: messages\n        rect: [20, 40, 150, 150]\n"
    "        label: {vi: Ô Tin nhắn}\n"
)

# (test id, replacements, field, (line needle, nth occurrence) or None, message fragment)
CASES = [
    ("missing-field", [("minutes: 5\n", "")], "minutes", ("id: phone-basics", 1),
     "the required field `minutes` is missing"),
    ("version-text", [("version: 1", "version: one")], "version", ("version:", 1),
     "expected a whole number of 1 or more, found the text `one`"),
    ("version-zero", [("version: 1", "version: 0")], "version", ("version:", 1),
     "expected a whole number of 1 or more, found the number 0"),
    ("minutes-range", [("minutes: 5", "minutes: 90")], "minutes", ("minutes:", 1),
     "expected a whole number from 1 to 60, found the number 90"),
    ("minutes-bool", [("minutes: 5", "minutes: yes")], "minutes", ("minutes:", 1),
     "expected a whole number from 1 to 60, found `yes` (yes/no)"),
    ("unknown-field-typo", [("summary:", "sumary:")], "sumary", ("sumary:", 1),
     "unknown field `sumary` (did you mean `summary`?)"),
    ("unknown-field", [("steps:", "colour: red\nsteps:")], "colour", ("colour:", 1),
     "unknown field `colour`; the fields here are: id, version, topic"),
    ("unknown-step-field", [("    kind: summary\n", "    kind: summary\n    imgae: a.svg\n")],
     "steps[3].imgae", ("imgae:", 1), "unknown field `imgae` (did you mean `image`?)"),
    ("vi-missing", [("  vi: Làm quen điện thoại thông minh\n", "")], "title.vi",
     ("km: ស្គាល់", 1), "the Vietnamese text (`vi:`) is missing"),
    ("unknown-language", [("  km: ស្គាល់", "  tay: ស្គាល់")], "title.tay", ("tay:", 1),
     "`tay` is not a language in lessons/languages.yaml (did you mean `tyz`?)"),
    ("empty-text", [("vi: Mở một ứng dụng bằng một lần chạm.", "vi: ''")], "summary.vi",
     ("vi: ''", 1), "the `vi` text is empty: write it or remove the line"),
    ("text-not-per-language", [("summary:\n  vi: Mở", "summary: Mở")], "summary",
     ("summary:", 1), "write this text per language, with Vietnamese first"),
    ("text-list", [("summary:\n  vi: Mở một ứng dụng bằng một lần chạm.", "summary: [a, b]")],
     "summary", ("summary:", 1), "expected a text per language (`vi: ...`), found a list"),
    ("id-format", [("id: phone-basics", "id: Phone_Basics")], "id", ("id: Phone_Basics", 1),
     "the id `Phone_Basics` may use only lowercase letters, digits and single dashes"),
    ("step-id-format", [("- id: recap", "- id: Recap Step")], "steps[3].id", ("Recap Step", 1),
     "the id `Recap Step` may use only lowercase letters"),
    ("duplicate-step-id", [("- id: recap", "- id: welcome")], "steps[3].id",
     ("id: welcome", 2), "the step id `welcome` is used twice (first on line"),
    ("duplicate-choice-id", [("- id: swipe", "- id: tap")], "steps[2].choices[1].id",
     ("id: tap", 2), "the choice id `tap` is used twice"),
    ("too-few-steps", [(RECAP_STEP, "")], "steps", ("steps:", 1),
     "a lesson needs 4 to 10 steps; this one has 3"),
    ("too-many-steps", [(RECAP_STEP, RECAP_STEP + EXTRA_STEPS)], "steps", ("steps:", 1),
     "a lesson needs 4 to 10 steps; this one has 11"),
    ("no-quiz", [("kind: quiz", "kind: explain")], "steps", ("steps:", 1),
     "the lesson has no quiz step: add a step with `kind: quiz`"),
    ("no-practice", [("kind: practice", "kind: explain")], "steps", ("steps:", 1),
     "the lesson has no practice step: add a step with `kind: practice`"),
    ("field-on-wrong-kind", [("kind: practice", "kind: explain")], "steps[1].hotspots",
     ("hotspots:", 1), "`hotspots` belongs on practice steps only; this step is explain"),
    ("steps-not-list", [("steps:\n", "steps: many\nold:\n")], "steps", ("steps: many", 1),
     "expected a list of steps (each starting with `- id:`), found the text `many`"),
    ("unknown-topic", [("topic: device", "topic: devices")], "topic", ("topic:", 1),
     "`devices` is not a known topic (did you mean `device`?)"),
    ("unknown-topic-list", [("topic: device", "topic: farming")], "topic", ("topic:", 1),
     "`farming` is not a known topic; use one of: device, communication"),
    ("unknown-kind", [("kind: summary", "kind: recap")], "steps[3].kind", ("kind: recap", 1),
     "`recap` is not a kind of step; use one of: explain, practice, quiz, summary"),
    ("kind-typo", [("kind: summary", "kind: sumary")], "steps[3].kind", ("kind: sumary", 1),
     "`sumary` is not a kind of step (did you mean `summary`?)"),
    ("missing-image", [("image: images/home.svg", "image: images/nothere.svg")],
     "steps[0].image", ("nothere", 1),
     "the file `images/nothere.svg` does not exist in the lesson folder"),
    ("image-case", [("image: images/home.svg", "image: images/Home.svg")], "steps[0].image",
     ("Home.svg", 1), "did you mean `images/home.svg`? Upper and lower case must match"),
    ("image-dotdot", [("image: images/home.svg", "image: ../phone-basics/images/home.svg")],
     "steps[0].image", ("../", 1), "points outside the lesson folder (`..`)"),
    ("image-absolute", [("image: images/home.svg", "image: /etc/hostname")], "steps[0].image",
     ("/etc/hostname", 1), "`/etc/hostname` is an absolute path"),
    ("image-backslash", [("image: images/home.svg", "image: images\\home.svg")],
     "steps[0].image", ("images\\home", 1), "use forward slashes in file paths"),
    ("image-folder", [("image: images/home.svg", "image: images")], "steps[0].image",
     ("image: images", 1), "`images` is a folder, not a file"),
    ("alt-missing", [("    alt:\n      vi: Màn hình điện thoại có bốn ô vuông màu.\n", "")],
     "steps[0].alt", ("image: images/home.svg", 1), "the image needs `alt`"),
    ("alt-without-image", [("    image: images/home.svg\n    alt:\n", "    alt:\n")],
     "steps[0].alt", ("alt:", 1), "`alt` describes an image, but this step has no `image`"),
    ("hotspot-outside", [("rect: [20, 40, 150, 150]", "rect: [300, 40, 150, 150]")],
     "steps[1].hotspots[0].rect", ("rect:", 1),
     "the hotspot [300, 40, 150, 150] goes outside the image, which spans x 0 to 360 and y 0 to "
     "640"),
    ("hotspot-empty", [("rect: [20, 40, 150, 150]", "rect: [20, 40, 0, 150]")],
     "steps[1].hotspots[0].rect", ("rect:", 1), "width and height must be more than 0"),
    ("hotspot-shape", [("rect: [20, 40, 150, 150]", "rect: [20, 40, 150]")],
     "steps[1].hotspots[0].rect", ("rect:", 1),
     "`rect` must be four numbers [x, y, width, height], found a list"),
    ("hotspot-label", [("        label: {vi: Ô Tin nhắn}\n", "")],
     "steps[1].hotspots[0].label", ("id: messages", 1), "the required field `label` is missing"),
    ("practice-no-hint", [("    hint: {vi: Ô Tin nhắn ở góc trên bên trái.}\n", "")],
     "steps[1].hint", ("id: open-app", 1), "a practice step needs a `hint`"),
    ("practice-no-image", [(PRACTICE_IMAGE, "")], "steps[1].image", ("id: open-app", 1),
     "a practice step needs an `image` with the places to press"),
    ("practice-no-hotspots", [(PRACTICE_HOTSPOTS, "")], "steps[1].hotspots",
     ("id: open-app", 1), "a practice step needs at least one hotspot under `hotspots`"),
    ("quiz-no-correct", [("correct: true", "correct: false")], "steps[2].choices",
     ("choices:", 1),
     "the quiz has no correct answer: mark exactly one choice with `correct: true`"),
    ("quiz-two-correct", [("correct: false", "correct: true")], "steps[2].choices",
     ("choices:", 1),
     "the quiz has 2 correct answers: mark exactly one choice with `correct: true`"),
    ("quiz-one-choice", [(SWIPE_AND_HOLD, "")], "steps[2].choices", ("choices:", 1),
     "a quiz needs 2 to 6 choices; this one has 1"),
    ("quiz-no-choices", [("    choices:\n", "    options:\n")], "steps[2].choices",
     ("id: check", 1), "a quiz step needs `choices`: 2 to 6 answers, one of them correct"),
    ("choice-no-feedback", [(SWIPE_FEEDBACK, "")], "steps[2].choices[1].feedback",
     ("id: swipe", 1), "every choice needs `feedback`: what the learner hears after choosing it"),
    ("correct-not-bool", [("correct: false", "correct: maybe")],
     "steps[2].choices[2].correct", ("correct: maybe", 1),
     "`correct` must be `true` or `false`, found the text `maybe`"),
    ("review-value", [("km: needed", "km: checked")], "review.km", ("km: checked", 1),
     "a review must be `needed` or `done`, not the text `checked`"),
    ("review-language", [("km: needed", "xx: needed")], "review.xx", ("xx: needed", 1),
     "`xx` is not a language in lessons/languages.yaml"),
    ("lexicon-empty", [("UBND: Ủy ban nhân dân", "UBND: ''")], "lexicon.UBND", ("UBND:", 1),
     "say how `UBND` is spoken"),
    ("lexicon-shape", [("lexicon:\n  UBND: Ủy ban nhân dân", "lexicon: [UBND]")], "lexicon",
     ("lexicon:", 1), "expected words and how to say them"),
    ("legacy-tcvn3", [("vi: Mở một ứng dụng bằng một lần chạm.", "vi: Cµi ®Æt øng dông")],
     "summary.vi", ("Cµi", 1), "this text looks like old TCVN3 or VNI encoding, not Unicode"),
    ("legacy-vni", [("vi: Ô Tin nhắn}", "vi: Oâ Tin nhaén}")], "steps[1].hotspots[0].label.vi",
     ("Oâ", 1), "looks like old TCVN3 or VNI encoding"),
    ("comma-cut", [("success: {vi: Đúng rồi!}", "success: {vi: Đúng, rất tốt}")],
     "steps[1].success", ("success:", 1), "the text was cut at a comma before `rất tốt`"),
    ("audio-missing", [("    kind: summary\n", "    kind: summary\n    audio: {km: a/b.ogg}\n")],
     "steps[3].audio.km", ("audio:", 1), "the file `a/b.ogg` does not exist"),
    ("audio-language", [("    kind: summary\n", "    kind: summary\n    audio: {zz: a.ogg}\n")],
     "steps[3].audio.zz", ("audio:", 1), "`zz` is not a language"),
    ("audio-format",
     [("    kind: summary\n", "    kind: summary\n    audio: {vi: images/home.svg}\n")],
     "steps[3].audio.vi", ("audio:", 1), "recorded narration must be an .ogg, .mp3 or .wav file"),
    ("duplicate-key", [("minutes: 5\n", "minutes: 5\nminutes: 6\n")], "minutes", ("minutes: 6", 1),
     "`minutes` is given twice (first on line"),
    ("not-a-mapping", [("    kind: explain\n", "    kind: [explain]\n")], "steps[0].kind",
     ("kind: [explain]", 1), "expected a word here, found a list"),
]


def find(problems: list[Problem], field: str, fragment: str) -> Problem:
    matches = [p for p in problems if p.field == field and fragment in p.message]
    assert matches, f"no problem at {field!r} containing {fragment!r}; got:\n" + "\n".join(
        map(str, problems))
    return matches[0]


@pytest.mark.parametrize(("replace", "field", "where", "fragment"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_rule_reports_field_line_and_message(kit, replace, field, where, fragment):
    folder, problems = kit.problems(replace=replace)
    problem = find(problems, field, fragment)
    assert problem.file == folder / "lesson.yaml"
    needle, nth = where
    assert problem.line == kit.line_of(folder, needle, nth)


def test_id_must_equal_folder_name(kit):
    folder, problems = kit.problems(name="other-name",
                                    replace=[("id: other-name", "id: phone-basics")])
    problem = find(problems, "id", "the id `phone-basics` differs from the folder name "
                                   "`other-name`: they must be the same")
    assert problem.line == kit.line_of(folder, "id: phone-basics")


def test_many_problems_are_reported_in_one_pass_in_line_order(kit):
    _, problems = kit.problems(replace=[("correct: true", "correct: false"),
                                        ("minutes: 5", "minutes: 0"),
                                        ("topic: device", "topic: nope")])
    assert [p.field for p in problems] == ["topic", "minutes", "steps[2].choices"]
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_symlink_leaving_the_folder_is_refused(kit, tmp_path):
    outside = tmp_path / "secret.svg"
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>')
    folder = kit.write(replace=[("image: images/home.svg", "image: images/link.svg")])
    (folder / "images" / "link.svg").symlink_to(outside)
    _, problems = kit.load(folder)
    problem = find(problems, "steps[0].image", "is a link to a file outside the lesson folder")
    assert problem.line == kit.line_of(folder, "images/link.svg")


def test_symlink_inside_the_folder_is_fine(kit):
    folder = kit.write(replace=[("image: images/home.svg", "image: images/link.svg")])
    (folder / "images" / "link.svg").symlink_to(folder / "images" / "home.svg")
    lesson, problems = kit.load(folder)
    assert problems == []
    assert lesson is not None and lesson.steps[0].image == folder.resolve() / "images/link.svg"


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("broken.svg", b"<svg xmlns='http://www.w3.org/2000/svg'", "cannot be read as SVG"),
    ("html.svg", b"<html><body/></html>", "is XML but not an SVG picture"),
    ("nosize.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "has no size: add viewBox"),
    ("percent.svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='100%' height='50%'/>",
     "has no size"),
    ("badbox.svg", b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 wide 10'/>",
     "has a broken viewBox"),
    ("flat.svg", b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 0'/>",
     "has an empty viewBox"),
    ("fake.png", b"GIF89a not a png at all, sorry", "is not a readable PNG file"),
    ("photo.gif", b"GIF89a", "must be an SVG or PNG file"),
])
def test_unreadable_images_are_reported(kit, name: str, content: bytes, fragment: str):
    folder = kit.write(replace=[("image: images/home.svg", f"image: images/{name}")])
    (folder / "images" / name).write_bytes(content)
    _, problems = kit.load(folder)
    problem = find(problems, "steps[0].image", fragment)
    assert f"images/{name}" in problem.message
    assert problem.line == kit.line_of(folder, f"images/{name}")


def test_problem_prints_as_file_line_field_message(kit):
    folder, problems = kit.problems(replace=[("minutes: 5", "minutes: 61")])
    line = kit.line_of(folder, "minutes:")
    assert str(problems[0]) == (f"{folder / 'lesson.yaml'}:{line}: minutes: expected a whole "
                                "number from 1 to 60, found the number 61")


def test_messages_name_no_python_types(kit):
    _, problems = kit.problems(replace=[("version: 1", "version: [1]"),
                                        ("title:", "title: 3\nold_title:")])
    for problem in problems:
        for word in ("NoneType", "YScalar", "YMap", "list[", "dict", "Traceback"):
            assert word not in problem.message


def test_missing_lesson_file(kit, tmp_path: Path):
    from kiosk.content.loader import load_lesson

    empty = tmp_path / "empty-lesson"
    empty.mkdir()
    lesson, problems = load_lesson(empty, kit.languages)
    assert lesson is None
    assert [(p.file, p.line, p.message) for p in problems] == [
        (empty / "lesson.yaml", None, "there is no lesson.yaml in this folder")]
