"""YAML with line numbers: every key and value knows its line; bad files become Problems."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

from kiosk.content.yamlsource import LOADER, YMap, YScalar, YSeq, parse_yaml, read_yaml

# libyaml (the default when present) and the pure-Python parser must agree on lines.
BOTH = pytest.mark.parametrize("loader", sorted({yaml.SafeLoader, LOADER}, key=str))

FILE = Path("lesson.yaml")

SOURCE = """\
# comment
id: demo
steps:
  - id: one
    text: {vi: Một}

  - id: two
    text:
      vi: >-
        Hai dòng
        nối lại
"""


@BOTH
def test_lines_of_keys_values_and_items(loader):
    tree, problems = parse_yaml(SOURCE, FILE, loader)
    assert problems == []
    assert isinstance(tree, YMap) and tree.line == 2
    assert [(e.key, e.key_line) for e in tree] == [("id", 2), ("steps", 3)]
    steps = tree.get("steps")
    assert isinstance(steps, YSeq) and [item.line for item in steps] == [4, 7]
    second = steps.items[1]
    assert isinstance(second, YMap)
    text = second.get("text")
    assert isinstance(text, YMap) and text.line == 9
    vi = text.get("vi")
    assert isinstance(vi, YScalar) and vi.line == 9 and vi.value == "Hai dòng nối lại"


@BOTH
def test_scalars_keep_their_type_and_source_text(loader):
    tree, _ = parse_yaml("a: 2025\nb: yes\nc: ~\nd: '7'\ne: 1.50\nno: x\n", FILE, loader)
    assert isinstance(tree, YMap)
    values = {e.key: e.value for e in tree}
    assert values["a"].value == 2025 and values["a"].text() == "2025"
    assert values["b"].value is True and values["b"].text() == "yes"
    assert values["c"].value is None and values["c"].text() is None
    assert values["d"].value == "7"
    assert values["e"].text() == "1.50"
    assert "no" in values  # keys are words, never YAML 1.1 booleans


def test_text_is_nfc_before_parsing():
    nfd = unicodedata.normalize("NFD", "tiếng: Việt\n")
    tree, _ = parse_yaml(nfd, FILE)
    assert isinstance(tree, YMap)
    entry = tree.entries[0]
    assert entry.key == "tiếng" and unicodedata.is_normalized("NFC", entry.key)
    assert isinstance(entry.value, YScalar) and entry.value.value == "Việt"


@BOTH
def test_malformed_yaml_gives_one_problem_with_its_line(loader):
    source = "id: demo\nsteps:\n  - id: one\n   kind: explain\n"
    tree, problems = parse_yaml(source, FILE, loader)
    assert tree is None and len(problems) == 1
    assert problems[0].line == 4
    assert problems[0].message.startswith("this is not valid YAML (")
    assert "check the indentation, colons and quotes" in problems[0].message


def test_question_mark_inside_braces():
    tree, problems = parse_yaml("id: demo\ntext: {vi: Câu hỏi?}\n", FILE, yaml.SafeLoader)
    assert tree is None
    assert [(p.line, p.message) for p in problems] == [(2, (
        "a text inside `{ }` cannot contain `?` unless it is in quotes: write "
        '`{vi: "Câu hỏi?"}`, or put the text on its own line after `vi:`'))]
    if LOADER is not yaml.SafeLoader:  # libyaml reads it as intended
        tree, problems = parse_yaml("id: demo\ntext: {vi: Câu hỏi?}\n", FILE, LOADER)
        assert problems == [] and isinstance(tree, YMap)
        assert tree.get("text").get("vi").value == "Câu hỏi?"  # type: ignore[union-attr]


@BOTH
def test_duplicate_keys_are_problems(loader):
    tree, problems = parse_yaml("id: a\ntitle: x\nid: b\nsteps:\n- {vi: a, vi: b}\n", FILE, loader)
    assert isinstance(tree, YMap) and tree.get("id").value == "a"  # type: ignore[union-attr]
    assert [(p.line, p.field, p.message) for p in problems] == [
        (3, "id", "`id` is given twice (first on line 1); keep only one"),
        (5, "steps[0].vi", "`vi` is given twice (first on line 5); keep only one")]


def test_unsafe_tags_are_refused():
    tree, problems = parse_yaml("id: !!python/object:os.system echo\n", FILE)
    assert isinstance(tree, YMap)
    assert [p.message for p in problems] == [
        "the tag `tag:yaml.org,2002:python/object:os.system` is not allowed here"]


@BOTH
def test_alias_cycles_and_alias_bombs_are_stopped(loader):
    tree, problems = parse_yaml("a: &x [1, *x]\n", FILE, loader)
    assert [p.message for p in problems] == [
        "an alias (`*name`) refers to the block that contains it"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(6))
    tree, problems = parse_yaml(bomb, FILE, loader)
    assert tree is None
    assert problems[0].message.startswith("the file expands to more than")


@BOTH
def test_deep_nesting_is_a_problem_not_a_crash(loader):
    tree, problems = parse_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", FILE, loader)
    assert tree is None
    assert [p.message for p in problems] == ["the file is nested too deeply to read"]


def test_empty_file():
    assert parse_yaml("# only a comment\n", FILE) == (
        None, [parse_yaml("", FILE)[1][0]])
    assert parse_yaml("", FILE)[1][0].message == "the file is empty"


def test_non_utf8_file_is_a_problem_with_its_line(tmp_path: Path):
    path = tmp_path / "lesson.yaml"
    path.write_bytes("id: demo\ntitle:\n  vi: Cài đặt\n".encode() + b"  km: C\xb8i\n")
    tree, problems = read_yaml(path)
    assert tree is None
    assert [(p.file, p.line, p.field) for p in problems] == [(path, 4, "")]
    assert problems[0].message.startswith("the file is not UTF-8 text (byte 0xB8 cannot be read)")


def test_bom_and_forbidden_characters(tmp_path: Path):
    path = tmp_path / "lesson.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: demo\n")
    tree, problems = read_yaml(path)
    assert problems == [] and isinstance(tree, YMap) and tree.get("id") is not None
    path.write_bytes(b"id: demo\ntitle: a\x07b\n")
    tree, problems = read_yaml(path)
    assert tree is None and problems[0].line == 2
    assert problems[0].message.startswith("the file contains the invisible control character "
                                          "U+0007")


def test_oversized_and_unreadable_files(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 1_000_001)
    assert "a lesson file must be under" in read_yaml(big)[1][0].message
    missing = tmp_path / "missing.yaml"
    assert read_yaml(missing)[1][0].message.startswith("cannot read the file:")
