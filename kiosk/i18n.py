"""User-interface translation and locale-aware formatting.

Every string a person sees goes through `_`, `N_` or `ngettext` from this module. Message ids
are English; `locales/<lang>/LC_MESSAGES/messages.mo` (compiled by `make i18n`) translates
them. Vietnamese is complete; other languages may be partial and fall back to Vietnamese,
message by message. The language can change while the kiosk runs (the learner picks it on the
home screen), so `_` always reads the current catalog instead of being bound once.

Dates and numbers are formatted with Babel, which has locale data for `vi` and `km` only;
the other languages of lessons/languages.yaml format like Vietnamese (their `babel` field).
"""

from __future__ import annotations

import datetime as dt
import gettext
import logging
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.numbers import format_decimal

from kiosk import config

log = logging.getLogger(__name__)

DOMAIN = "messages"
DEFAULT_LANGUAGE = "vi"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE
_babel_locale = Locale.parse(DEFAULT_LANGUAGE)


def set_language(code: str, babel_locale: str | None = None, locales: Path | None = None) -> None:
    """Make `code` the UI language; missing messages fall back to Vietnamese, then English ids."""
    global _translations, _language, _babel_locale
    folder = locales or config.locales_dir()
    chain = [code] if code == DEFAULT_LANGUAGE else [code, DEFAULT_LANGUAGE]
    translations: gettext.NullTranslations = gettext.NullTranslations()
    # Build the chain from the last fallback up, so each catalog falls back to the next.
    for lang in reversed(chain):
        try:
            found = gettext.translation(DOMAIN, localedir=folder, languages=[lang])
        except OSError:
            if lang == DEFAULT_LANGUAGE:
                log.warning("Vietnamese catalog missing in %s; run `make i18n`", folder)
            continue
        found.add_fallback(translations)
        translations = found
    _translations = translations
    _language = code
    try:
        _babel_locale = Locale.parse(babel_locale or code)
    except (UnknownLocaleError, ValueError):
        _babel_locale = Locale.parse(DEFAULT_LANGUAGE)


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translate it where shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def format_number(value: float) -> str:
    return format_decimal(value, locale=_babel_locale)


def format_date(value: dt.date) -> str:
    return _babel_format_date(value, format="long", locale=_babel_locale)


def format_datetime(value: dt.datetime) -> str:
    return _babel_format_datetime(value, format="medium", locale=_babel_locale)


set_language(DEFAULT_LANGUAGE)
