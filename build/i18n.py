"""Wraps Babel for the UI catalogs: extract, update, compile and check (`make i18n`).

    python build/i18n.py all        # extract messages.pot, update every .po, compile .mo
    python build/i18n.py compile    # only compile (done by `make run` / `make test`)
    python build/i18n.py check      # exit 1 when messages.pot or a catalog is out of date
    python build/i18n.py init CODE  # start a catalog for a language of lessons/languages.yaml

Plural rules come from lessons/languages.yaml, because Babel has no locale data for most of
our languages and would silently give them English plurals. Files are rewritten only when
their messages change, so running `make i18n` twice leaves git clean.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileParser, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
COMPLETE_LANGUAGES = ("vi",)  # a test fails when one of these misses a translation


class _Catalog(Catalog):
    """A catalog that keeps its Plural-Forms header for languages Babel does not know.

    Babel writes Plural-Forms only when it has locale data (vi, km); without the header,
    gettext falls back to English plurals (n != 1) for tyz, hmn and the other languages.
    """

    def _headers(self) -> list[tuple[str, str]]:
        headers = Catalog.mime_headers.fget(self)  # type: ignore[attr-defined]
        if self.locale is None and self._num_plurals is not None:
            # Where Babel puts it for known locales: before MIME-Version.
            at = next((i for i, (k, _v) in enumerate(headers) if k == "MIME-Version"), 0)
            headers.insert(at, ("Plural-Forms", self.plural_forms))
        return headers

    mime_headers = property(_headers, Catalog.mime_headers.fset)  # type: ignore[attr-defined]


def plural_rules() -> dict[str, str]:
    table = yaml.safe_load((ROOT / "lessons" / "languages.yaml").read_text(encoding="utf-8"))
    return {entry["code"]: entry["plural"] for entry in table["languages"]}


def extract() -> Catalog:
    template = Catalog(project="kiosk", version="0.1", msgid_bugs_address="", charset="utf-8")
    found = extract_from_dir(
        str(ROOT / "kiosk"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            locations=[(f"kiosk/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _keys(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(m.id, m.context) for m in catalog if m.id}


def _po_files() -> dict[str, Path]:
    return {p.parent.parent.name: p for p in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))}


def _read(path: Path) -> Catalog:
    catalog = _Catalog()
    with path.open("rb") as handle:
        PoFileParser(catalog, ignore_obsolete=False).parse(handle)
    return catalog


def _complete(message: object) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _write_if_changed(path: Path, catalog: Catalog) -> bool:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_by_file=True, ignore_obsolete=True)
    new = buffer.getvalue()
    old = path.read_bytes() if path.exists() else b""
    # Ignore header dates when comparing, so an unchanged catalog is not rewritten.
    def strip(data: bytes) -> bytes:
        return b"\n".join(
            line for line in data.splitlines() if b"-Date:" not in line
        )
    if strip(new) == strip(old):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


def write_template(template: Catalog) -> None:
    if POT.exists() and _same_messages(template, _read(POT)):
        return
    _write_if_changed(POT, template)
    print(f"i18n: wrote {POT.relative_to(ROOT)} ({len(_keys(template))} messages)")


def _same_messages(a: Catalog, b: Catalog) -> bool:
    def full(c: Catalog) -> set[tuple[object, str | None, tuple]]:
        return {(m.id, m.context, tuple(m.auto_comments)) for m in c if m.id}
    return full(a) == full(b)


def _with_plural_rule(catalog: Catalog, code: str) -> None:
    rule = plural_rules().get(code)
    if rule:
        catalog.mime_headers = [("Plural-Forms", rule)]


def update(template: Catalog) -> None:
    for code, path in _po_files().items():
        catalog = _read(path)
        catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
        _with_plural_rule(catalog, code)
        if _write_if_changed(path, catalog):
            print(f"i18n: updated {path.relative_to(ROOT)}")


def compile_all() -> None:
    for code, path in _po_files().items():
        catalog = _read(path)
        _with_plural_rule(catalog, code)
        # Babel would fill an untranslated plural with the English msgid; leaving the message
        # out lets gettext fall back to Vietnamese instead.
        for message in list(catalog):
            if message.id and not _complete(message):
                catalog.delete(message.id, message.context)
        with (path.with_suffix(".mo")).open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def init(code: str, template: Catalog) -> None:
    if code not in plural_rules():
        raise SystemExit(f"i18n: {code} is not in lessons/languages.yaml")
    path = LOCALES / code / "LC_MESSAGES" / "messages.po"
    if path.exists():
        raise SystemExit(f"i18n: {path} exists already")
    catalog = _Catalog(locale=None, project="kiosk", version="0.1", charset="utf-8")
    catalog.update(template)
    catalog.mime_headers = [("Language", code)]
    _with_plural_rule(catalog, code)
    _write_if_changed(path, catalog)
    print(f"i18n: created {path.relative_to(ROOT)}")


def check() -> list[str]:
    """Every reason the committed catalogs differ from the code (empty when up to date)."""
    problems: list[str] = []
    template = extract()
    if not POT.exists():
        return [f"{POT.relative_to(ROOT)} is missing: run `make i18n`"]
    committed = _read(POT)
    new_ids = _keys(template) - _keys(committed)
    gone_ids = _keys(committed) - _keys(template)
    for msgid, _ctx in sorted(new_ids, key=str):
        problems.append(f"messages.pot lacks {msgid!r}: run `make i18n`")
    for msgid, _ctx in sorted(gone_ids, key=str):
        problems.append(f"messages.pot still has removed {msgid!r}: run `make i18n`")
    for code, path in _po_files().items():
        catalog = _read(path)
        missing = _keys(template) - _keys(catalog)
        for msgid, _ctx in sorted(missing, key=str):
            problems.append(f"{code} catalog lacks {msgid!r}: run `make i18n`")
        if code in COMPLETE_LANGUAGES:
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy or not all(strings):
                    problems.append(f"{code} has no reviewed translation for {message.id!r}")
    return problems


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "all"
    if action == "compile":
        compile_all()
    elif action == "check":
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    elif action == "init" and len(argv) == 2:
        init(argv[1], extract())
    elif action == "all":
        template = extract()
        write_template(template)
        update(template)
        compile_all()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
