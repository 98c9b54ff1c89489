"""Read a YAML source file into a small tree that remembers the line of every key and value.

PyYAML's safe loader builds plain dicts and lists and forgets where things were; lesson
authors need "lesson.yaml:23: steps[2].choices: ...". So the file is composed into YAML nodes
(safe resolver, no object construction from tags) and turned into `YMap`/`YSeq`/`YScalar`,
each carrying its 1-based line. Reading never raises for bad input: a file that is not UTF-8,
is not YAML, repeats a key or nests aliases without end yields `Problem`s instead. Text is
NFC-normalised before parsing, so every key, value and file name in the tree is NFC.
`SourceChecker` then reads the tree with types (fields, words, ids, numbers, texts per
language), turning every wrong shape into a `Problem` with its line and dotted field path.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader

from kiosk.content.languages import LanguageTable
from kiosk.content.model import SOURCE_LANGUAGE, LocalizedText, Problem
from kiosk.content.text import looks_like_legacy_encoding, nfc
from kiosk.i18n import _

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 1_000_000  # a lesson is a few kilobytes; more is a mistake or an attack
# libyaml's parser is about ten times faster than the pure-Python one (it matters for start-up
# time with a dozen lessons); both give the same nodes and marks.
LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 50_000  # aliases can make a tiny file expand exponentially ("billion laughs")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class YScalar:
    value: object  # str, int, float, bool, None, date ... as YAML 1.1 resolves it
    raw: str  # the characters as written (for `vi: 2025` the text "2025")
    line: int

    def text(self) -> str | None:
        """The value as text: strings as they are, other plain scalars as written, null None."""
        if self.value is None:
            return None
        return self.value if isinstance(self.value, str) else self.raw


@dataclass(frozen=True)
class YEntry:
    key: str
    key_line: int
    value: YNode


@dataclass(frozen=True)
class YMap:
    entries: tuple[YEntry, ...]
    line: int

    def get(self, key: str) -> YNode | None:
        return next((e.value for e in self.entries if e.key == key), None)

    def __iter__(self) -> Iterator[YEntry]:
        return iter(self.entries)


@dataclass(frozen=True)
class YSeq:
    items: tuple[YNode, ...]
    line: int

    def __iter__(self) -> Iterator[YNode]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


YNode = YScalar | YMap | YSeq


def describe(node: YNode) -> str:
    """What a node is, in words for an author ("a list", "the number 3")."""
    if isinstance(node, YMap):
        return _("a group of fields")
    if isinstance(node, YSeq):
        return _("a list")
    if node.value is None:
        return _("nothing")
    if isinstance(node.value, bool):
        return _("`{value}` (yes/no)").format(value=node.raw)
    if isinstance(node.value, int | float):
        return _("the number {value}").format(value=node.raw)
    return _("the text `{value}`").format(value=node.raw)


class _Builder:
    """Turns composed YAML nodes into the located tree, collecting problems on the way."""

    def __init__(self, file: Path, loader: Any) -> None:  # SafeLoader or CSafeLoader
        self.file = file
        self.loader = loader
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()  # nodes being built: an alias back into one is a cycle

    def problem(self, line: int, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, path, message))

    def build(self, node: Node, path: str = "") -> YNode:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(line)
        if id(node) in self.active:
            self.problem(line, path, _("an alias (`*name`) refers to the block that contains "
                                       "it"))
            return YScalar(None, "", line)
        if isinstance(node, ScalarNode):
            return self.scalar(node, line, path)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return YSeq(tuple(self.build(item, f"{path}[{i}]")
                                  for i, item in enumerate(node.value)), line)
            assert isinstance(node, MappingNode)
            return self.mapping(node, line, path)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: ScalarNode, line: int, path: str) -> YScalar:
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            # An explicit tag such as !!python/object: safe loading refuses it.
            self.problem(line, path, _("the tag `{tag}` is not allowed here").format(
                tag=node.tag))
            value = None
        return YScalar(value, str(node.value), line)

    def mapping(self, node: MappingNode, line: int, path: str) -> YMap:
        entries: list[YEntry] = []
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self.problem(key_line, path, _("a field name must be a plain word, not a list "
                                               "or group"))
                continue
            # Field names and language codes are words: "no:" or "on:" must stay text, not
            # become YAML 1.1 booleans.
            key = str(key_node.value)
            if key in seen:
                self.problem(
                    key_line, join(path, key),
                    _("`{key}` is given twice (first on line {first}); keep only one").format(
                        key=key, first=seen[key]
                    ),
                )
                continue
            seen[key] = key_line
            entries.append(YEntry(key, key_line, self.build(value_node, join(path, key))))
        return YMap(tuple(entries), line)


class _TooBig(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _error_line(error: yaml.YAMLError) -> int | None:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def _error_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    if problem and "got '?'" in problem:
        # Pure-Python PyYAML ends unquoted text inside { } at a question mark (libyaml does
        # not): the quiz-question trap.
        return _("a text inside `{ }` cannot contain `?` unless it is in quotes: write "
                 "`{vi: \"Câu hỏi?\"}`, or put the text on its own line after `vi:`")
    context = getattr(error, "context", None)
    detail = " ".join(str(part) for part in (context, problem) if part) or str(error)
    detail = " ".join(detail.split())  # one line: the CLI prints FILE:LINE: FIELD: message
    return _("this is not valid YAML ({detail}); check the indentation, colons and quotes").format(
        detail=detail
    )


def parse_yaml(text: str, file: Path, loader_class: type = LOADER
               ) -> tuple[YNode | None, list[Problem]]:
    """Parse YAML text into a located tree; (None, problems) when it cannot be parsed."""
    text = nfc(text)
    # Checked here, not left to the parser, so both parsers give the same line and message.
    forbidden = Reader.NON_PRINTABLE.search(text)
    if forbidden:
        line = text.count("\n", 0, forbidden.start()) + 1
        message = _("the file contains the invisible control character U+{code:04X}, which "
                    "YAML does not allow: delete it").format(code=ord(forbidden.group()))
        return None, [Problem(file, line, "", message)]
    try:
        loader = loader_class(text)
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        return None, [Problem(file, _error_line(error), "", _error_message(error))]
    except RecursionError:
        return None, [Problem(file, None, "", _("the file is nested too deeply to read"))]
    if root is None:
        return None, [Problem(file, None, "", _("the file is empty"))]
    builder = _Builder(file, loader)
    try:
        return builder.build(root), builder.problems
    except _TooBig as too_big:
        message = _("the file expands to more than {n} values (too many aliases)")
        return None, [Problem(file, too_big.line, "", message.format(n=MAX_NODES))]
    except RecursionError:
        return None, [Problem(file, None, "", _("the file is nested too deeply to read"))]


def read_yaml(path: Path) -> tuple[YNode | None, list[Problem]]:
    """Read and parse a UTF-8 YAML file; unreadable, oversized or non-UTF-8 files are problems."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            message = _("the file is {size} bytes; a lesson file must be under {limit} bytes")
            return None, [Problem(path, None, "", message.format(size=size,
                                                                 limit=MAX_SOURCE_BYTES))]
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Problem(path, None, "", _("cannot read the file: {reason}").format(
            reason=reason))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = _(
            "the file is not UTF-8 text (byte 0x{byte:02X} cannot be read); it may be saved in "
            "an old Vietnamese encoding such as TCVN3 or VNI: save it as UTF-8 (Unicode)"
        ).format(byte=data[error.start])
        return None, [Problem(path, line, "", message)]
    return parse_yaml(text, path)


# -- typed reading with problems ------------------------------------------------------------


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def suggest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


@dataclass
class SourceChecker:
    """Typed reading of a located tree: each wrong shape becomes a Problem, never an exception.

    Shared by the lesson rules and anything else written by authors in YAML with texts per
    language; `used_languages` collects the languages that actually have text.
    """

    file: Path
    languages: LanguageTable
    problems: list[Problem] = field(default_factory=list)
    used_languages: set[str] = field(default_factory=set)

    def add(self, line: int | None, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, path, message))

    def fields(self, node: YNode, path: str, allowed: tuple[str, ...],
               required: tuple[str, ...]) -> dict[str, YEntry] | None:
        """The entries of a mapping; unknown and missing fields are reported."""
        if not isinstance(node, YMap):
            self.add(node.line, path, _("expected a group of fields ({names}), found {found}")
                     .format(names=", ".join(required), found=describe(node)))
            return None
        entries: dict[str, YEntry] = {}
        for entry in node:
            if entry.key in allowed:
                entries[entry.key] = entry
                continue
            close = suggest(entry.key, allowed)
            if close:
                message = _("unknown field `{name}` (did you mean `{close}`?)")
            else:
                message = _("unknown field `{name}`; the fields here are: {known}")
            self.add(entry.key_line, join(path, entry.key),
                     message.format(name=entry.key, close=close, known=", ".join(allowed)))
        for name in required:
            if name not in entries:
                self.add(node.line, join(path, name),
                         _("the required field `{name}` is missing").format(name=name))
        return entries

    def word(self, node: YNode, path: str) -> str | None:
        """A non-empty single-line text value (ids, kinds, topics, file names)."""
        value = node.text() if isinstance(node, YScalar) else None
        if value is None or not value.strip():
            self.add(node.line, path, _("expected a word here, found {found}")
                     .format(found=describe(node)))
            return None
        return value.strip()

    def identifier(self, node: YNode, path: str) -> str | None:
        value = self.word(node, path)
        if value is not None and not ID_PATTERN.match(value):
            self.add(node.line, path, _(
                "the id `{value}` may use only lowercase letters, digits and single dashes "
                "(like `press-install`)").format(value=value))
            return None
        return value

    def unique(self, seen: dict[str, int], value: str | None, node: YNode, path: str,
               what: str) -> None:
        if value is None:
            return
        if value in seen:
            self.add(node.line, path, _("the {what} id `{value}` is used twice (first on line "
                                        "{first}); ids must be unique")
                     .format(what=what, value=value, first=seen[value]))
        else:
            seen[value] = node.line

    def integer(self, node: YNode, path: str, low: int, high: int | None) -> int | None:
        value = node.value if isinstance(node, YScalar) else None
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and value >= low and (high is None or value <= high):
            return value
        if high is None:
            message = _("expected a whole number of {low} or more, found {found}")
        else:
            message = _("expected a whole number from {low} to {high}, found {found}")
        self.add(node.line, path, message.format(low=low, high=high, found=describe(node)))
        return None

    def language_code(self, code: str, line: int, path: str) -> bool:
        if code in self.languages:
            return True
        close = suggest(code, self.languages.codes)
        if close:
            message = _("`{code}` is not a language in lessons/languages.yaml "
                        "(did you mean `{close}`?)")
        else:
            message = _("`{code}` is not a language in lessons/languages.yaml; "
                        "known codes: {codes}")
        self.add(line, path, message.format(code=code, close=close,
                                            codes=", ".join(self.languages.codes)))
        return False

    def text(self, node: YNode, path: str) -> LocalizedText | None:
        """A text per language (`vi:` required), NFC, stripped and checked for old encodings."""
        if isinstance(node, YScalar) and isinstance(node.value, str):
            self.add(node.line, path, _("write this text per language, with Vietnamese first, "
                                        "like `vi: {text}`").format(text=node.value.strip()))
            return None
        if not isinstance(node, YMap):
            self.add(node.line, path, _("expected a text per language (`vi: ...`), found {found}")
                     .format(found=describe(node)))
            return None
        values: dict[str, str] = {}
        for entry in node:
            where = join(path, entry.key)
            if (entry.key not in self.languages and isinstance(entry.value, YScalar)
                    and entry.value.value is None and " " in entry.key.strip()):
                # `{vi: Đúng, bấm vào}` parses as two fields: the comma ended the text.
                self.add(entry.key_line, path, _(
                    "the text was cut at a comma before `{rest}`: inside `{{ }}` put the text in "
                    "quotes, or write it on its own line after `vi:`").format(rest=entry.key))
                continue
            if not self.language_code(entry.key, entry.key_line, where):
                continue
            value = entry.value.text() if isinstance(entry.value, YScalar) else None
            if value is None or not value.strip():
                self.add(entry.value.line, where, _(
                    "the `{code}` text is empty: write it or remove the line").format(
                        code=entry.key))
                continue
            value = nfc(value.strip())
            if looks_like_legacy_encoding(value):
                self.add(entry.value.line, where, _(
                    "this text looks like old TCVN3 or VNI encoding, not Unicode (`{sample}`): "
                    "retype it, or convert it to Unicode with Unikey's converter"
                ).format(sample=value[:30]))
            values[entry.key] = value
        if SOURCE_LANGUAGE not in values and not any(e.key == SOURCE_LANGUAGE for e in node):
            self.add(node.line, join(path, SOURCE_LANGUAGE), _(
                "the Vietnamese text (`vi:`) is missing: every text needs Vietnamese, and "
                "other languages fall back to it"))
        self.used_languages.update(values)
        return LocalizedText(values)

