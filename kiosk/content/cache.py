"""A cache of checked content, so an unchanged curriculum loads without parsing any YAML.

Loading a lesson means reading its YAML with line numbers and applying every rule of
lessons/FORMAT.md; with the modules that takes, it was a large share of the kiosk's start-up
(DESIGN §10). Lessons rarely change, so a lesson that passed every rule is kept in one JSON file
in the data folder together with a stamp of its lesson folder: every file, folder and link in it
(path, type, size, modification and change times, inode, link target and what the link points
at). At the next start a lesson comes from the cache only when that stamp is identical, the
languages table it was checked against is identical, and so is the code that checked it (kiosk
version, the source files of this package, PyYAML, Python's Unicode data, or the frozen
executable); anything else is loaded and checked from its sources again. Lessons with problems
are never cached: their problems are found and reported at every start. The file starts with
a CRC-32 of its body, so a torn or damaged cache is ignored and rewritten, never trusted (like
the database beside it, the file is guarded by the data folder's permissions, not by crypto:
the checksum is there for power cuts and bad sectors, and loading only ever builds model
objects after checking each value's type); a
stamp taken less than `RACY_NS` after a change in the folder is not stored (as git does with
its index), because a second edit within the file system's time granularity would go unseen.
The cache only ever saves time: every failure in here falls back to the sources.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import time
import unicodedata
import zlib
from pathlib import Path
from typing import Any

from kiosk.content.languages import Language, LanguageTable, Topic
from kiosk.content.model import Choice, Hotspot, Lesson, LocalizedText, Rect, Step, StepKind

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the JSON layout below changes
CACHE_NAME = "content-cache.json"
RACY_NS = 2_000_000_000  # changes younger than this at stamping time are not cached
MAX_LESSONS = 300  # entries kept; the least recently stored go first
_BROKEN = (KeyError, TypeError, ValueError, AttributeError)  # what a bad entry raises

Stamp = list[list[Any]]


def cache_path(data_dir: Path) -> Path:
    """Where the content cache of a data folder lives."""
    return Path(data_dir) / CACHE_NAME


def _stat_fields(stat: os.stat_result) -> list[int]:
    return [stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _link_target(path: str) -> list[Any]:
    """A link's text and the stat of what it points at (None when dangling)."""
    try:
        target: list[int] | None = _stat_fields(os.stat(path))
    except OSError:
        target = None
    return [os.readlink(path), target]


def folder_stamp(folder: Path) -> Stamp | None:
    """Everything under `folder` as the file system describes it; None when it cannot be read."""
    root = os.path.abspath(folder)
    real = os.path.realpath(root)
    try:
        stamp: Stamp = [[[root, real], *_stat_fields(os.stat(real))]]
        pending = [("", real)]
        while pending:
            prefix, path = pending.pop()
            with os.scandir(path) as found:
                entries = sorted(found, key=lambda entry: entry.name)
            for entry in entries:
                relative = prefix + entry.name
                row = [relative, *_stat_fields(entry.stat(follow_symlinks=False))]
                if entry.is_symlink():
                    row.append(_link_target(entry.path))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((relative + "/", entry.path))
                stamp.append(row)
    except OSError:
        return None
    return stamp


def file_stamp(path: Path) -> Stamp | None:
    """One file (the languages table), following links; None when it cannot be read."""
    try:
        return [[[str(path), os.path.realpath(path)], *_stat_fields(os.stat(path))]]
    except OSError:
        return None


def _newest_change(stamp: Stamp) -> int:
    """The latest modification time in a stamp, links' targets included."""
    # Rows are [name, mode, size, mtime, ctime, inode] plus, for a link, [text, target stat].
    times = [row[3] for row in stamp]
    times.extend(row[6][1][2] for row in stamp if len(row) > 6 and row[6][1] is not None)
    return max(times)


def _settled(stamp: Stamp) -> bool:
    return _newest_change(stamp) < time.time_ns() - RACY_NS


@functools.cache
def _code_stamp() -> list[Any]:
    """What the checks depend on besides the files: a change here empties the cache."""
    import importlib.util

    import kiosk

    parts: list[Any] = [FORMAT, kiosk.__version__, sys.version, unicodedata.unidata_version]
    sources = sorted(Path(__file__).parent.glob("*.py"))
    yaml_spec = importlib.util.find_spec("yaml")
    if yaml_spec is not None and yaml_spec.origin:
        sources.append(Path(yaml_spec.origin))
    if getattr(sys, "frozen", False):
        sources.append(Path(sys.executable))
    for source in sources:
        try:
            stat = source.stat()
        except OSError:
            continue
        parts.append([str(source), stat.st_size, stat.st_mtime_ns])
    return parts


# -- to and from JSON ----------------------------------------------------------------------


def _text_json(text: LocalizedText | None) -> dict[str, str] | None:
    return None if text is None else dict(text.values)


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError("expected texts by language")
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a text")
    return value


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    return value


def _text(value: Any) -> LocalizedText:
    return LocalizedText(_strings(value))


def _maybe_text(value: Any) -> LocalizedText | None:
    return None if value is None else _text(value)


def lesson_to_json(lesson: Lesson) -> dict[str, Any]:
    steps = [
        {
            "id": step.id,
            "kind": step.kind.value,
            "text": _text_json(step.text),
            "image": None if step.image is None else str(step.image),
            "alt": _text_json(step.alt),
            "audio": {lang: str(path) for lang, path in step.audio.items()},
            "hotspots": [
                [spot.id, [spot.rect.x, spot.rect.y, spot.rect.width, spot.rect.height],
                 _text_json(spot.label)]
                for spot in step.hotspots
            ],
            "hint": _text_json(step.hint),
            "success": _text_json(step.success),
            "choices": [
                [choice.id, _text_json(choice.text), choice.correct, _text_json(choice.feedback)]
                for choice in step.choices
            ],
        }
        for step in lesson.steps
    ]
    return {
        "id": lesson.id, "version": lesson.version, "topic": lesson.topic,
        "minutes": lesson.minutes, "title": _text_json(lesson.title),
        "summary": _text_json(lesson.summary), "steps": steps, "folder": str(lesson.folder),
        "review": dict(lesson.review), "lexicon": dict(lesson.lexicon),
        "source_language": lesson.source_language,
    }


def _step(data: dict[str, Any]) -> Step:
    hotspots = tuple(
        Hotspot(id=_string(spot_id), rect=Rect(*(_number(v) for v in rect)), label=_text(label))
        for spot_id, rect, label in data["hotspots"]
    )
    choices = []
    for choice_id, text, correct, feedback in data["choices"]:
        if not isinstance(correct, bool):
            raise ValueError("expected true or false")
        choices.append(Choice(id=_string(choice_id), text=_text(text), correct=correct,
                              feedback=_text(feedback)))
    image = data["image"]
    return Step(
        id=_string(data["id"]), kind=StepKind(data["kind"]), text=_text(data["text"]),
        image=None if image is None else Path(_string(image)), alt=_maybe_text(data["alt"]),
        audio={lang: Path(path) for lang, path in _strings(data["audio"]).items()},
        hotspots=hotspots, hint=_maybe_text(data["hint"]), success=_maybe_text(data["success"]),
        choices=tuple(choices),
    )


def lesson_from_json(data: dict[str, Any]) -> Lesson:
    """The Lesson stored by `lesson_to_json`; raises KeyError/TypeError/ValueError when bad."""
    version, minutes = data["version"], data["minutes"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (version, minutes)):
        raise ValueError("expected whole numbers")
    return Lesson(
        id=_string(data["id"]), version=version, topic=_string(data["topic"]), minutes=minutes,
        title=_text(data["title"]), summary=_text(data["summary"]),
        steps=tuple(_step(step) for step in data["steps"]), folder=Path(_string(data["folder"])),
        review=dict(_strings(data["review"])), lexicon=dict(_strings(data["lexicon"])),
        source_language=_string(data["source_language"]),
    )


def table_to_json(table: LanguageTable) -> dict[str, Any]:
    return {
        "languages": [
            [lang.code, lang.name, lang.name_vi, lang.script, list(lang.fonts), lang.plural,
             lang.tts, lang.babel, list(lang.fallback)]
            for lang in table.languages
        ],
        "topics": [[topic.id, topic.name_vi] for topic in table.topics],
    }


def table_from_json(data: dict[str, Any]) -> LanguageTable:
    languages = []
    for code, name, name_vi, script, fonts, plural, tts, babel, fallback in data["languages"]:
        texts = [_string(v) for v in (code, name, name_vi, script, plural, babel)]
        languages.append(Language(
            code=texts[0], name=texts[1], name_vi=texts[2], script=texts[3],
            fonts=tuple(_string(f) for f in fonts), plural=texts[4],
            tts=None if tts is None else _string(tts), babel=texts[5],
            fallback=tuple(_string(f) for f in fallback),
        ))
    topics = tuple(Topic(id=_string(i), name_vi=_string(n)) for i, n in data["topics"])
    if not languages or not topics:
        raise ValueError("empty languages table")
    return LanguageTable(languages=tuple(languages), topics=topics)


def _checksum(body: bytes) -> bytes:
    return b"%08x" % zlib.crc32(body)


# -- the cache file ------------------------------------------------------------------------


class ContentCache:
    """The cache file of one data folder: look up, store, then `save()` once."""

    def __init__(self, file: Path) -> None:
        self.file = Path(file)
        self._languages: dict[str, Any] = {}
        self._lessons: dict[str, Any] = {}
        self._checked_with: Any = None  # the languages table (as JSON) the lessons passed with
        self._tables: dict[int, tuple[LanguageTable, dict[str, Any]]] = {}
        self._changed = False
        self._read()

    def _read(self) -> None:
        try:
            raw = self.file.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            log.info("content cache %s cannot be read (%s); loading the sources", self.file,
                     error)
            return
        try:
            digest, _, body = raw.partition(b"\n")
            if _checksum(body) != digest:
                raise ValueError("checksum mismatch")
            data = json.loads(body)
            if data["code"] != _code_stamp():
                log.info("content cache %s was made by other code; rebuilding it", self.file)
                self._changed = True
                return
            languages, lessons = data["languages"], data["lessons"]
            if not isinstance(languages, dict) or not isinstance(lessons, dict):
                raise ValueError("unexpected layout")
        except (*_BROKEN, UnicodeDecodeError, RecursionError) as error:
            log.warning("content cache %s is damaged (%s); rebuilding it", self.file, error)
            self._changed = True
            return
        self._languages, self._lessons = languages, lessons
        self._checked_with = data.get("checked_with")

    def _table_json(self, table: LanguageTable) -> dict[str, Any]:
        known = self._tables.get(id(table))
        if known is None or known[0] is not table:
            known = (table, json.loads(json.dumps(table_to_json(table))))  # as read back
            self._tables[id(table)] = known
        return known[1]

    # languages table

    def languages(self, source: Path) -> LanguageTable | None:
        entry = self._languages.get(str(source))
        if not isinstance(entry, dict):
            return None
        try:
            if entry["stamp"] != file_stamp(source):
                return None
            return table_from_json(entry["table"])
        except _BROKEN as error:
            log.warning("cached languages table for %s is unusable (%s)", source, error)
            return None

    def languages_ticket(self, source: Path) -> Stamp | None:
        """The stamp to hand back to `put_languages` after reading the file."""
        return file_stamp(source)

    def put_languages(self, source: Path, table: LanguageTable, ticket: Stamp | None) -> None:
        if ticket is None or not _settled(ticket) or file_stamp(source) != ticket:
            return  # changed while read, or too recently to trust the time stamps
        self._languages[str(source)] = {"stamp": ticket, "table": table_to_json(table)}
        self._changed = True

    # lessons

    def lesson(self, folder: Path, table: LanguageTable) -> tuple[Lesson | None, Any]:
        """The cached lesson if nothing changed, else None and a ticket for `put_lesson`."""
        key = os.path.abspath(folder)
        stamp = folder_stamp(folder)
        languages = self._table_json(table)
        entry = self._lessons.get(key)
        # Lessons were checked against one table: a different one means checking them again.
        if (stamp is not None and isinstance(entry, dict) and entry.get("stamp") == stamp
                and self._checked_with == languages):
            try:
                return lesson_from_json(entry["lesson"]), None
            except _BROKEN as error:
                log.warning("cached lesson %s is unusable (%s)", key, error)
        return None, (key, stamp, languages)

    def put_lesson(self, folder: Path, lesson: Lesson, ticket: Any) -> None:
        """Keep a lesson that passed every check, if its folder did not change meanwhile."""
        key, stamp, languages = ticket
        if stamp is None or not _settled(stamp) or folder_stamp(folder) != stamp:
            return
        if self._checked_with != languages:
            self._lessons = {}  # checked against another table: none of them can be used
            self._checked_with = languages
        self._lessons.pop(key, None)  # re-inserted last: the most recently stored
        self._lessons[key] = {"stamp": stamp, "lesson": lesson_to_json(lesson)}
        self._changed = True

    def forget_lesson(self, folder: Path) -> None:
        if self._lessons.pop(os.path.abspath(folder), None) is not None:
            self._changed = True

    def save(self) -> None:
        """Write the file if anything changed (atomically; a failure only costs time later)."""
        if not self._changed:
            return
        self._changed = False
        lessons = {key: entry for key, entry in self._lessons.items() if os.path.isdir(key)}
        lessons = dict(list(lessons.items())[-MAX_LESSONS:])
        body = json.dumps(
            {"code": _code_stamp(), "languages": self._languages,
             "checked_with": self._checked_with, "lessons": lessons},
            ensure_ascii=False, separators=(",", ":"),
        ).encode("utf-8")
        data = _checksum(body) + b"\n" + body
        temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, self.file)
        except OSError as error:
            log.warning("content cache %s not saved: %s", self.file, error)
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
