"""kiosk.i18n and the UI catalogs: up to date, Vietnamese complete, fallback, lazy Babel formatting.

The .mo files are not committed, so the session fixture compiles them with `build/i18n.py
compile` first, exactly as `make test` does. Tests that switch the UI language put Vietnamese
back afterwards, because kiosk.i18n holds one process-wide language.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date as babel_format_date
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from kiosk import i18n

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "locales"
I18N_SCRIPT = REPO / "build" / "i18n.py"
PO_FILES = sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))
REPO_ROOT = REPO
PARTIAL = [p for p in PO_FILES if p.parent.parent.name != "vi"]


def _run_i18n(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(I18N_SCRIPT), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _catalog(code: str) -> Catalog:
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and all(strings) and not message.fuzzy


def _placeholders(text: str) -> Counter[tuple[str, str, str | None]]:
    return Counter(
        (name, spec, conversion)
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


@pytest.fixture(scope="session")
def compiled() -> None:
    result = _run_i18n("compile")
    assert result.returncode == 0, result.stderr
    assert (LOCALES / "vi" / "LC_MESSAGES" / "messages.mo").exists()


@pytest.fixture
def ui(compiled: None) -> Iterator[None]:
    """Vietnamese UI for the test, and Vietnamese again afterwards whatever the test chose."""
    i18n.set_language("vi")
    yield
    i18n.set_language("vi")


def test_catalogs_match_the_code_and_vietnamese_is_complete() -> None:
    result = _run_i18n("check")
    assert result.returncode == 0, f"build/i18n.py check failed:\n{result.stderr}"
    assert result.stderr == ""


def test_known_strings_come_out_in_vietnamese(ui: None) -> None:
    _ = i18n._
    assert _("Choose a lesson") == "Chọn bài học"
    assert _("Next") == "Bước tiếp"
    assert _("Repeat") == "Nghe lại"
    assert _("Back") == "Quay lại"
    # No-break spaces keep "Bước 3 trên 7" on one line when the where-am-I line wraps.
    assert _("Step {n} of {total}").format(n=3, total=7) == "Bước\u00a03\u00a0trên\u00a07"
    assert i18n.ngettext("{n} minute", "{n} minutes", 5).format(n=5) == "5 phút"
    # N_-marked words are translated where they are shown.
    assert _("lesson id") == "mã bài học"


def test_every_vietnamese_message_is_served_by_kiosk_i18n(ui: None) -> None:
    for message in _catalog("vi"):
        if not _translated(message):
            continue  # completeness is the check test's job
        if isinstance(message.id, tuple):
            assert i18n.ngettext(message.id[0], message.id[1], 2) == message.string[0]
        else:
            assert i18n._(message.id) == message.string, message.id


def test_minority_language_falls_back_to_vietnamese_per_message(ui: None) -> None:
    tyz, vi = _catalog("tyz"), _catalog("vi")
    done = [m for m in tyz if _translated(m) and isinstance(m.id, str)]
    missing = [m for m in tyz if m.id and isinstance(m.id, str) and not _translated(m)]
    assert done and missing, "tyz should be partial: some messages translated, some not"
    i18n.set_language("tyz", babel_locale="vi")
    assert i18n.language() == "tyz"
    assert i18n._("Choose a lesson") == "Lựa bài slon"
    for message in done:
        assert i18n._(message.id) == message.string
    for message in missing[:20]:
        assert i18n._(message.id) == vi.get(message.id).string
    assert i18n._("Please type a name first.") == "Xin hãy gõ tên trước."


def test_plurals_use_the_one_form_of_the_language(ui: None) -> None:
    # Without a Plural-Forms header gettext would pick the English form for n != 1.
    i18n.set_language("hmn", babel_locale="vi")
    for n in (1, 2, 5):
        assert i18n.ngettext("{n} minute", "{n} minutes", n).format(n=n) == f"{n} feeb"


def test_untranslated_plural_falls_back_to_vietnamese_not_english(ui: None) -> None:
    blt = _catalog("blt")
    assert not _translated(blt.get(("{n} minute", "{n} minutes")[0])), "blt has no minutes yet"
    i18n.set_language("blt", babel_locale="vi")
    assert i18n.ngettext("{n} minute", "{n} minutes", 1).format(n=1) == "1 phút"
    assert i18n.ngettext("{n} minute", "{n} minutes", 5).format(n=5) == "5 phút"


def test_language_without_any_catalog_is_all_vietnamese(ui: None) -> None:
    i18n.set_language("mtq", babel_locale="vi")
    assert i18n._("Choose a lesson") == "Chọn bài học"


def test_vietnamese_number_and_date_formats(ui: None) -> None:
    assert i18n.format_number(1234567.5) == "1.234.567,5"
    text = i18n.format_date(date(2026, 11, 23))
    assert "tháng 11" in text and "2026" in text


def test_khmer_formats_with_the_khmer_locale(ui: None) -> None:
    i18n.set_language("km", babel_locale="km")
    day = date(2026, 11, 23)
    assert i18n.format_date(day) == babel_format_date(day, format="long", locale="km")
    assert i18n.format_date(day) != babel_format_date(day, format="long", locale="vi")
    assert re.search("[\u1780-\u17ff]", i18n.format_date(day)), "month name in Khmer script"
    assert i18n.format_number(1234567.5) == format_decimal(1234567.5, locale="km")


@pytest.mark.parametrize("code", ["tyz", "blt", "hmn"])
def test_minority_languages_format_like_vietnamese(ui: None, code: str) -> None:
    # As the session does: the `babel` field of lessons/languages.yaml is "vi" for these.
    i18n.set_language(code, babel_locale="vi")
    assert i18n.format_number(1234567.5) == "1.234.567,5"
    assert i18n.format_date(date(2026, 11, 23)) == "23 tháng 11, 2026"


def test_language_babel_does_not_know_formats_like_vietnamese(ui: None) -> None:
    i18n.set_language("tyz")  # Babel has no "tyz" (and "tay" would be Atayal)
    assert i18n.format_number(1234567.5) == "1.234.567,5"


@pytest.mark.parametrize("path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_plural_forms_are_one_form(path: Path) -> None:
    header = re.search(r'"Plural-Forms: ([^"]*?)\\n"', path.read_text(encoding="utf-8"))
    assert header is not None
    assert header.group(1) == "nplurals=1; plural=0;"


@pytest.mark.parametrize("path", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_translations_keep_placeholders_and_are_nfc(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not _translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert _placeholders(text) == _placeholders(ids[-1]), (message.id, text)
            assert unicodedata.is_normalized("NFC", text), (message.id, text)


def test_vietnamese_catalog_has_no_fuzzy_flag() -> None:
    text = (LOCALES / "vi" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text and ", fuzzy" not in text


@pytest.mark.parametrize("path", PARTIAL, ids=lambda p: p.parent.parent.name)
def test_partial_catalogs_say_they_need_native_review(path: Path) -> None:
    head = path.read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "needs review" in head and "native" in head


# -- lazy Babel import and formatting (kiosk.i18n) ----------------------------------------


@pytest.fixture
def restore_language() -> Iterator[None]:
    previous = i18n.language()
    yield
    i18n.set_language(previous)


def test_babel_is_imported_only_when_formatting() -> None:
    code = (
        "import sys\n"
        "from kiosk import i18n\n"
        "i18n.set_language('km', babel_locale='km')\n"
        "i18n._('Next')\n"
        "print('babel' in sys.modules)\n"
        "print(i18n.format_number(1234.5))\n"
        "print('babel' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    before, number, after = done.stdout.split("\n")[:3]
    assert (before, after) == ("False", "True")
    assert number == "1,234.5"  # Khmer (CLDR) groups with a comma, unlike Vietnamese


def test_formatting_follows_the_current_language(restore_language: None) -> None:
    i18n.set_language("vi")
    assert i18n.format_number(1234.5) == "1.234,5"
    assert i18n.format_date(dt.date(2026, 5, 9)) == "9 tháng 5, 2026"
    i18n.set_language("tyz", babel_locale="vi")
    assert i18n.format_number(0.5) == "0,5"


def test_unknown_babel_locale_formats_like_vietnamese(restore_language: None) -> None:
    i18n.set_language("blt", babel_locale="no-such-locale")
    assert i18n.format_number(1234.5) == "1.234,5"
    assert i18n.format_datetime(dt.datetime(2026, 5, 9, 7, 35)).startswith("07:35")
