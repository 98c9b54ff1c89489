"""The languages table and skill-area topics, read from `lessons/languages.yaml`.

Languages are data, not code: each entry gives a code, the native and Vietnamese names, the
script (which decides fonts and search folding), the gettext plural rule, the espeak-ng voice
if any, the Babel locale used for dates and numbers, and the fallback chain tried before
Vietnamese. `load_languages()` parses and checks the file once per path and returns a
`LanguageTable`; a malformed file raises `LanguagesError` with a plain-language reason.
Given a content cache file (`kiosk.content.cache`), an unchanged table is read from it instead,
which spares the kiosk's start-up the import of PyYAML.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kiosk import config
from kiosk.content.model import SOURCE_LANGUAGE
from kiosk.errors import KioskError

log = logging.getLogger(__name__)


class LanguagesError(KioskError):
    """The languages table cannot be used; the message says what is wrong in plain words."""


@dataclass(frozen=True)
class Language:
    """One row of the languages table."""

    code: str  # ISO 639-3 / BCP-47, e.g. "vi", "tyz", "km"
    name: str  # its own name, shown on the language picker
    name_vi: str  # its Vietnamese name, spoken when no voice exists for the language
    script: str  # ISO 15924, e.g. "Latn", "Tavt", "Khmr", "Cham"
    fonts: tuple[str, ...]
    plural: str  # gettext Plural-Forms
    tts: str | None  # espeak-ng voice id, None when no synthetic voice exists
    babel: str  # Babel locale for dates and numbers
    fallback: tuple[str, ...] = ()  # tried in order before Vietnamese


@dataclass(frozen=True)
class Topic:
    """A skill area lessons belong to (reports and the home screen order by it)."""

    id: str
    name_vi: str


@dataclass(frozen=True)
class LanguageTable:
    """Every language and topic of the table, in file order."""

    languages: tuple[Language, ...]  # in file order (the picker shows them in this order)
    topics: tuple[Topic, ...]  # in file order (the home screen and reports sort by it)
    _by_code: dict[str, Language] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {lang.code: lang for lang in self.languages})

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def get(self, code: str) -> Language:
        """The language with this code; KeyError when it is not in the table."""
        return self._by_code[code]

    def find(self, code: str) -> Language | None:
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def fallback(self, code: str) -> tuple[str, ...]:
        """The chain to pass to `LocalizedText.pick` for `code` (empty for unknown codes)."""
        lang = self._by_code.get(code)
        return lang.fallback if lang else ()

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def topic_order(self, topic_id: str) -> int:
        """Position of a topic in the file; unknown topics sort last."""
        ids = self.topic_ids
        return ids.index(topic_id) if topic_id in ids else len(ids)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _text(entry: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise LanguagesError(f"{where}: `{key}` must be a non-empty text")
    return _nfc(value.strip())


def _names(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LanguagesError(f"{where}: `{key}` must be a list of names")
    return tuple(_nfc(v) for v in value)


def _language(entry: Any, index: int) -> Language:
    where = f"languages[{index}]"
    if not isinstance(entry, dict):
        raise LanguagesError(f"{where} must be a mapping with code, name, script ...")
    code = _text(entry, "code", where)
    assert code is not None
    where = f"language `{code}`"
    return Language(
        code=code,
        name=_text(entry, "name", where) or code,
        name_vi=_text(entry, "name_vi", where) or code,
        script=_text(entry, "script", where) or "Latn",
        fonts=_names(entry, "fonts", where),
        plural=_text(entry, "plural", where) or "nplurals=1; plural=0;",
        tts=_text(entry, "tts", where, optional=True),
        babel=_text(entry, "babel", where, optional=True) or SOURCE_LANGUAGE,
        fallback=_names(entry, "fallback", where),
    )


def _topic(entry: Any, index: int) -> Topic:
    where = f"topics[{index}]"
    if not isinstance(entry, dict):
        raise LanguagesError(f"{where} must be a mapping with id and name_vi")
    topic_id = _text(entry, "id", where)
    assert topic_id is not None
    return Topic(id=topic_id, name_vi=_text(entry, "name_vi", where) or topic_id)


def parse_languages(data: Any, source: str = "languages.yaml") -> LanguageTable:
    """Check already-parsed YAML data and build the table (raises LanguagesError)."""
    if not isinstance(data, dict):
        raise LanguagesError(f"{source}: expected `languages:` and `topics:` at the top")
    raw_languages = data.get("languages")
    raw_topics = data.get("topics")
    if not isinstance(raw_languages, list) or not raw_languages:
        raise LanguagesError(f"{source}: `languages` must be a non-empty list")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise LanguagesError(f"{source}: `topics` must be a non-empty list")
    languages = tuple(_language(entry, i) for i, entry in enumerate(raw_languages))
    topics = tuple(_topic(entry, i) for i, entry in enumerate(raw_topics))
    codes = [lang.code for lang in languages]
    for label, ids in (("language code", codes), ("topic id", [t.id for t in topics])):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise LanguagesError(f"{source}: {label} listed twice: {', '.join(duplicates)}")
    if SOURCE_LANGUAGE not in codes:
        raise LanguagesError(f"{source}: Vietnamese (`{SOURCE_LANGUAGE}`) must be in the table")
    for lang in languages:
        unknown = [c for c in lang.fallback if c not in codes]
        if unknown:
            raise LanguagesError(
                f"{source}: language `{lang.code}` falls back to unknown {', '.join(unknown)}"
            )
    return LanguageTable(languages=languages, topics=topics)


def _read_table(path: Path) -> LanguageTable:
    import yaml  # here, not at the top: a start-up served by the content cache never needs it

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LanguagesError(f"cannot read the languages table {path}: {error.strerror}") from None
    try:
        # libyaml when present: the pure-Python parser takes ten times longer at start-up.
        data = yaml.load(raw.decode("utf-8-sig"), Loader=getattr(yaml, "CSafeLoader",
                                                                 yaml.SafeLoader))
    except UnicodeDecodeError:
        raise LanguagesError(f"{path} is not UTF-8 text") from None
    except yaml.YAMLError as error:
        raise LanguagesError(f"{path} is not valid YAML: {error}") from None
    table = parse_languages(data, str(path))
    log.debug("loaded %d languages and %d topics from %s", len(table.languages),
              len(table.topics), path)
    return table


_load_cached = lru_cache(maxsize=8)(_read_table)


def load_languages(path: Path | None = None, *, cache: Path | None = None) -> LanguageTable:
    """The table in `path` (default: the built-in `lessons/languages.yaml`), parsed once.

    `cache` is the content cache file (`kiosk.content.cache.cache_path(data_dir)`): an
    unchanged table comes from there, a changed one is parsed and checked again and stored.
    """
    source = Path(path or config.languages_file()).resolve()
    if cache is None:
        return _load_cached(source)
    from kiosk.content.cache import ContentCache

    try:
        store = ContentCache(cache)
        table = store.languages(source)
        ticket = store.languages_ticket(source) if table is None else None
    except Exception:  # the cache only saves time: never let it stop the kiosk
        log.exception("content cache %s unusable; reading the languages table", cache)
        return _load_cached(source)
    if table is not None:
        return table
    table = _read_table(source)  # not the per-process memo: it may predate an edit
    try:
        store.put_languages(source, table, ticket)
        store.save()
    except Exception:
        log.exception("content cache %s not updated", cache)
    return table
