"""Loading a good lesson: the model it builds, NFC everywhere, files and default audio."""

from __future__ import annotations

import struct
import unicodedata
import zlib
from pathlib import Path

from kiosk.content.loader import load_lesson
from kiosk.content.model import Rect, StepKind


def write_png(path: Path, width: int, height: int) -> None:
    """A real, minimal grey PNG (decodable by any viewer)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def test_good_lesson_builds_the_model(kit):
    folder = kit.write()
    lesson, problems = kit.load(folder)
    assert problems == []
    assert lesson is not None
    assert (lesson.id, lesson.version, lesson.topic, lesson.minutes) == (
        "phone-basics", 1, "device", 5)
    assert lesson.folder == folder
    assert lesson.title.values == {"vi": "Làm quen điện thoại thông minh",
                                   "km": "ស្គាល់ទូរស័ព្ទឆ្លាតវៃ"}
    assert lesson.languages == ("vi", "km")
    assert lesson.review == {"km": "needed"}
    assert not lesson.is_reviewed("km")
    assert lesson.lexicon == {"UBND": "Ủy ban nhân dân"}
    assert [s.kind for s in lesson.steps] == [StepKind.EXPLAIN, StepKind.PRACTICE,
                                              StepKind.QUIZ, StepKind.SUMMARY]
    welcome, practice, quiz, recap = lesson.steps
    assert welcome.image == folder.resolve() / "images" / "home.svg"
    assert welcome.image.is_absolute() and welcome.image.is_file()
    assert welcome.alt is not None and welcome.alt.has("vi")
    assert practice.hotspots[0].id == "messages"
    assert practice.hotspots[0].rect == Rect(20, 40, 150, 150)
    assert practice.hint is not None and practice.success is not None
    assert [c.id for c in quiz.choices] == ["tap", "swipe", "hold"]
    assert quiz.correct_choice is not None and quiz.correct_choice.id == "tap"
    assert all(c.feedback.has("vi") for c in quiz.choices)
    assert recap.image is None and recap.audio == {}


def test_untranslated_languages_default_to_review_needed(kit):
    folder = kit.write(replace=[("review:\n  km: needed\n", ""),
                                ("vi: Đúng rồi!}", "vi: Đúng rồi!, tyz: Đảy lố!}")])
    lesson, problems = kit.load(folder)
    assert problems == []
    assert lesson is not None and lesson.review == {"km": "needed", "tyz": "needed"}


def test_review_done_is_kept(kit):
    lesson, problems = kit.load(kit.write(replace=[("km: needed", "km: done")]))
    assert problems == [] and lesson is not None
    assert lesson.is_reviewed("km")


def test_text_written_in_nfd_is_loaded_as_nfc(kit):
    nfd_source = unicodedata.normalize("NFD", kit.source())
    assert nfd_source != kit.source()
    folder = kit.write(text=nfd_source)
    lesson, problems = kit.load(folder)
    assert problems == []
    assert lesson is not None
    assert lesson.title.values["vi"] == unicodedata.normalize("NFC", "Làm quen điện thoại "
                                                                     "thông minh")
    texts = [lesson.title.values["vi"], lesson.summary.values["vi"],
             *lesson.lexicon.values(), *lesson.lexicon.keys()]
    for step in lesson.steps:
        texts += step.text.values.values()
        texts += [c.feedback.values["vi"] for c in step.choices]
        texts += [h.label.values["vi"] for h in step.hotspots]
    assert texts and all(is_nfc(t) for t in texts)


def test_file_names_match_by_nfc(kit):
    """An image saved on macOS has an NFD name on disk; the YAML names it in NFC."""
    name_nfc = unicodedata.normalize("NFC", "màn-hình.svg")
    name_nfd = unicodedata.normalize("NFD", name_nfc)
    folder = kit.write(replace=[("image: images/home.svg", f"image: images/{name_nfc}")])
    (folder / "images" / "home.svg").rename(folder / "images" / name_nfd)
    (folder / "images" / name_nfd).with_name("home.svg").symlink_to(folder / "images" / name_nfd)
    lesson, problems = kit.load(folder)
    assert problems == []
    assert lesson is not None and lesson.steps[0].image is not None
    assert lesson.steps[0].image.name == name_nfd


def test_png_images_give_pixel_bounds_for_hotspots(kit):
    folder = kit.write(replace=[("image: images/home.svg\n    alt: {vi: Màn",
                                 "image: images/phone.png\n    alt: {vi: Màn")])
    write_png(folder / "images" / "phone.png", 200, 400)
    lesson, problems = kit.load(folder)
    assert problems == [] and lesson is not None
    assert lesson.steps[1].image == folder.resolve() / "images" / "phone.png"

    folder2 = kit.write("phone-basics-two", replace=[
        ("image: images/home.svg\n    alt: {vi: Màn", "image: images/phone.png\n    alt: {vi: Màn"),
        ("rect: [20, 40, 150, 150]", "rect: [100, 40, 150, 150]")])
    write_png(folder2 / "images" / "phone.png", 200, 400)
    _, problems = kit.load(folder2)
    assert [p.message for p in problems] == [
        "the hotspot [100, 40, 150, 150] goes outside the image, which spans x 0 to 200 and y 0 "
        "to 400"]


def test_svg_viewbox_origin_and_size_attributes(kit):
    folder = kit.write()
    (folder / "images" / "home.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="10,20 400 700"/>')
    assert kit.load(folder)[1] == []  # rect [20, 40, 150, 150] lies in 10..410 x 20..720
    (folder / "images" / "home.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="360px" height="640"/>')
    assert kit.load(folder)[1] == []
    (folder / "images" / "home.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="100 100 360 640"/>')
    problems = kit.load(folder)[1]
    assert [p.field for p in problems] == ["steps[1].hotspots[0].rect"]


# Real sound, since the validator checks that recordings play: a sample lesson's OGG, and an
# MP3 made of an ID3 tag and one MPEG-1 Layer III frame header.
SAMPLE_OGG = Path(__file__).resolve().parents[2] / "lessons/vneid-level1/audio/hmn/welcome.ogg"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(413)


def test_default_audio_is_found_without_declaring_it(kit):
    folder = kit.write()
    (folder / "audio" / "vi").mkdir(parents=True)
    (folder / "audio" / "km").mkdir(parents=True)
    ogg = SAMPLE_OGG.read_bytes()
    (folder / "audio" / "vi" / "welcome.ogg").write_bytes(ogg)
    (folder / "audio" / "vi" / "welcome.wav").write_bytes(b"RIFF")  # .ogg is preferred
    (folder / "audio" / "km" / "recap.mp3").write_bytes(MP3)
    (folder / "audio" / "zz").mkdir()  # not a language of the table: ignored
    (folder / "audio" / "zz" / "welcome.ogg").write_bytes(ogg)
    lesson, problems = kit.load(folder)
    assert problems == [] and lesson is not None
    root = folder.resolve()
    assert lesson.steps[0].audio == {"vi": root / "audio/vi/welcome.ogg"}
    assert lesson.steps[3].audio == {"km": root / "audio/km/recap.mp3"}
    assert lesson.steps[1].audio == {}


def test_declared_audio_overrides_the_default(kit):
    folder = kit.write(replace=[("    kind: summary\n",
                                 "    kind: summary\n    audio: {vi: sounds/bai-hoc.mp3}\n")])
    (folder / "audio" / "vi").mkdir(parents=True)
    (folder / "audio" / "vi" / "recap.ogg").write_bytes(b"OggS")  # not used: not checked
    (folder / "sounds").mkdir()
    (folder / "sounds" / "bai-hoc.mp3").write_bytes(MP3)
    lesson, problems = kit.load(folder)
    assert problems == [] and lesson is not None
    assert lesson.steps[3].audio == {"vi": folder.resolve() / "sounds" / "bai-hoc.mp3"}


def test_numbers_and_dates_in_text_stay_as_written(kit):
    folder = kit.write(replace=[("vi: Đúng rồi!}", "vi: 2025-06-01, km: 12.50}")])
    lesson, problems = kit.load(folder)
    assert problems == [] and lesson is not None
    assert lesson.steps[1].success is not None
    assert lesson.steps[1].success.values == {"vi": "2025-06-01", "km": "12.50"}


def test_fallback_through_localized_text_pick(kit, languages):
    lesson, _ = kit.load(kit.write())
    assert lesson is not None
    picked = lesson.title.pick("km", languages.fallback("km"))
    assert (picked.lang, picked.fallback) == ("km", False)
    picked = lesson.title.pick("tyz", languages.fallback("tyz"))
    assert (picked.text, picked.lang, picked.fallback) == (
        "Làm quen điện thoại thông minh", "vi", True)
    picked = lesson.steps[0].text.pick("blt", ("km",))
    assert (picked.lang, picked.fallback) == ("vi", True)


def test_loading_never_raises_on_garbage(kit, tmp_path: Path):
    folder = tmp_path / "garbage"
    folder.mkdir()
    for content in (b"\x00\x01\x02", b"- a\n- b\n", b"42", b"{", b"id: [\n", b"\xff\xfe"):
        (folder / "lesson.yaml").write_bytes(content)
        lesson, problems = load_lesson(folder, kit.languages)
        assert lesson is None and problems
