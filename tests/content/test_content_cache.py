"""The content cache: unchanged lessons come back equal, any change is checked again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from kiosk import config
from kiosk.content.cache import (
    ContentCache,
    cache_path,
    lesson_from_json,
    lesson_to_json,
    table_from_json,
    table_to_json,
)
from kiosk.content.catalog import load_curriculum
from kiosk.content.languages import load_languages

REPO_ROOT = Path(__file__).resolve().parents[2]
AN_HOUR_AGO = time.time() - 3600


def age(folder: Path, when: float = AN_HOUR_AGO) -> None:
    """Date every file and folder under `folder` in the past, as a settled install is."""
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (when, when), follow_symlinks=False)


def cached_ids(file: Path) -> set[str]:
    body = file.read_bytes().partition(b"\n")[2]
    return {entry["lesson"]["id"] for entry in json.loads(body)["lessons"].values()}


@pytest.fixture
def cached(kit, tmp_path: Path):
    """Two settled lessons and the cache file of a data folder, filled by a first load."""
    for name in ("alpha", "beta"):
        age(kit.write(name))
    file = cache_path(tmp_path / "data")
    first = load_curriculum([kit.root], kit.languages, cache=file)
    assert first.ids == ("alpha", "beta") and file.is_file()
    return file, first


def test_builtin_lessons_and_table_survive_json_round_trip():
    table = load_languages()
    curriculum = load_curriculum([config.builtin_lessons_dir()], table)
    assert len(curriculum) >= 3
    for lesson in curriculum:
        stored = json.loads(json.dumps(lesson_to_json(lesson), ensure_ascii=False))
        assert lesson_from_json(stored) == lesson
    assert table_from_json(json.loads(json.dumps(table_to_json(table)))) == table


def test_second_load_comes_from_cache_and_is_equal(kit, cached, monkeypatch):
    file, first = cached
    assert cached_ids(file) == {"alpha", "beta"}

    def no_loading(*args, **kwargs):
        raise AssertionError("an unchanged lesson was read from its sources")

    monkeypatch.setattr("kiosk.content.catalog._load_one", no_loading)
    again = load_curriculum([kit.root], kit.languages, cache=file)
    assert again == first


def test_cached_start_imports_neither_yaml_nor_validator(kit, cached, tmp_path: Path):
    file, _ = cached
    languages = load_languages(cache=file)  # stores the built-in table too
    assert languages == load_languages()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kiosk.content.catalog import load_curriculum\n"
        "from kiosk.content.languages import load_languages\n"
        f"file = Path({str(file)!r})\n"
        f"root = Path({str(kit.root)!r})\n"
        "got = load_curriculum([root], load_languages(cache=file), cache=file)\n"
        "assert got.ids == ('alpha', 'beta'), got\n"
        "print(sorted(m for m in ('yaml', 'kiosk.content.validator', 'kiosk.content.loader')"
        " if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_edit_with_restored_time_stamp_is_checked_again(kit, cached):
    file, _ = cached
    source = kit.root / "alpha" / "lesson.yaml"
    stat = source.stat()
    text = source.read_text(encoding="utf-8")
    assert "correct: true" in text
    # Same size, same modification time: only the change time and content differ.
    source.write_text(text.replace("correct: true", "correct: fals", 1), encoding="utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size
    again = load_curriculum([kit.root], kit.languages, cache=file)
    assert again.ids == ("beta",)
    assert {p.file for p in again.problems} == {source}
    assert cached_ids(file) == {"beta"}


def test_new_image_file_or_removed_one_is_seen(kit, cached):
    file, _ = cached
    (kit.root / "beta" / "images" / "home.svg").unlink()
    again = load_curriculum([kit.root], kit.languages, cache=file)
    assert again.ids == ("alpha",)
    assert again.problems and "home.svg" in again.problems[0].message


def test_damaged_cache_is_ignored_and_rewritten(kit, cached):
    file, first = cached
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x20
    file.write_bytes(bytes(data))
    again = load_curriculum([kit.root], kit.languages, cache=file)
    assert again == first
    assert cached_ids(file) == {"alpha", "beta"}  # valid again


@pytest.mark.parametrize("content", [b"", b"not json at all", b"\xff\xfe\n{}"])
def test_garbage_cache_file_never_stops_loading(kit, tmp_path: Path, content: bytes):
    age(kit.write("alpha"))
    file = cache_path(tmp_path)
    file.write_bytes(content)
    assert load_curriculum([kit.root], kit.languages, cache=file).ids == ("alpha",)


def test_forged_entry_with_valid_checksum_is_refused_by_type_checks(kit, cached):
    file, _ = cached
    body = json.loads(file.read_bytes().partition(b"\n")[2])
    for entry in body["lessons"].values():
        entry["lesson"]["steps"][0]["text"] = ["not", "texts"]
    raw = json.dumps(body).encode()
    file.write_bytes(b"%08x\n" % zlib.crc32(raw) + raw)
    again = load_curriculum([kit.root], kit.languages, cache=file)
    assert again.ids == ("alpha", "beta")
    assert all(step.text.values for lesson in again for step in lesson.steps)


def test_recently_changed_folder_is_not_cached(kit, tmp_path: Path):
    kit.write("alpha")  # written just now: its time stamps are too fresh to trust
    file = cache_path(tmp_path)
    assert load_curriculum([kit.root], kit.languages, cache=file).ids == ("alpha",)
    assert not file.exists() or cached_ids(file) == set()


def test_other_languages_table_means_checking_again(kit, cached, tmp_path: Path):
    file, _ = cached
    table = tmp_path / "languages.yaml"
    text = config.languages_file().read_text(encoding="utf-8")
    table.write_text(text.replace("id: device", "id: gadgets"), encoding="utf-8")
    other = load_languages(table)
    again = load_curriculum([kit.root], other, cache=file)
    assert again.ids == ()  # `topic: device` is unknown in the other table
    assert {p.field for p in again.problems} == {"topic"}


def test_languages_table_cached_until_it_changes(tmp_path: Path):
    source = tmp_path / "languages.yaml"
    shutil.copy(config.languages_file(), source)
    os.utime(source, (AN_HOUR_AGO, AN_HOUR_AGO))
    file = cache_path(tmp_path / "data")
    first = load_languages(source, cache=file)
    assert ContentCache(file).languages(source.resolve()) == first
    source.write_text(source.read_text(encoding="utf-8").replace("Tiếng Việt", "Việt ngữ"),
                      encoding="utf-8")
    assert ContentCache(file).languages(source.resolve()) is None
    changed = load_languages(source, cache=file)
    assert changed.get("vi").name == "Việt ngữ"


def test_cache_that_cannot_be_written_only_costs_time(kit, tmp_path: Path):
    age(kit.write("alpha"))
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be", encoding="utf-8")
    file = cache_path(blocked)
    assert load_curriculum([kit.root], kit.languages, cache=file).ids == ("alpha",)
    assert load_curriculum([kit.root], kit.languages, cache=file).ids == ("alpha",)


def test_symlinked_file_change_behind_the_link_is_seen(kit, cached, tmp_path: Path):
    file, _ = cached
    outside = tmp_path / "outside.yaml"
    lesson_file = kit.root / "beta" / "lesson.yaml"
    shutil.move(lesson_file, outside)
    lesson_file.symlink_to(outside)
    age(kit.root / "beta")
    os.utime(outside, (AN_HOUR_AGO, AN_HOUR_AGO))
    assert load_curriculum([kit.root], kit.languages, cache=file).ids == ("alpha", "beta")
    outside.write_text(outside.read_text(encoding="utf-8").replace("version: 1", "version: 0"),
                       encoding="utf-8")
    os.utime(outside, (AN_HOUR_AGO, AN_HOUR_AGO))
    again = load_curriculum([kit.root], kit.languages, cache=file)
    assert again.ids == ("alpha",) and {p.field for p in again.problems} == {"version"}


def test_deeply_nested_cache_with_valid_checksum_is_ignored(kit, tmp_path: Path):
    age(kit.write("alpha"))
    file = cache_path(tmp_path)
    body = b"[" * 200_000 + b"]" * 200_000
    file.write_bytes(b"%08x\n" % zlib.crc32(body) + body)
    assert load_curriculum([kit.root], kit.languages, cache=file).ids == ("alpha",)
    assert load_languages(cache=file) == kit.languages
