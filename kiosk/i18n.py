"""User-interface translation and locale-aware formatting.

Every string a person sees goes through `_`, `N_` or `ngettext` from this module. Message ids
are English; `locales/<lang>/LC_MESSAGES/messages.mo` (compiled by `make i18n`) translates
them. Vietnamese is complete; other languages may be partial and fall back to Vietnamese,
message by message. The language can change while the kiosk runs (the learner picks it on the
home screen), so `_` always reads the current catalog instead of being bound once.

Dates and numbers are formatted with Babel, which has locale data for `vi` and `km` only;
the other languages of lessons/languages.yaml format like Vietnamese (their `babel` field).
Babel is imported on the first date or number formatted, not at start-up: the home screen
shows neither, and the import costs tens of milliseconds of the start-up budget (DESIGN §10).
"""

from __future__ import annotations

import datetime as dt
import gettext
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import config

if TYPE_CHECKING:
    from babel import Locale

log = logging.getLogger(__name__)

DOMAIN = "messages"
DEFAULT_LANGUAGE = "vi"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE
_babel_name = DEFAULT_LANGUAGE  # the Babel locale asked for; parsed when first needed
_babel_locale: Locale | None = None


def set_language(code: str, babel_locale: str | None = None, locales: Path | None = None) -> None:
    """Make `code` the UI language; missing messages fall back to Vietnamese, then English ids."""
    global _translations, _language, _babel_name, _babel_locale
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
    _babel_name = babel_locale or code
    _babel_locale = None


def _locale() -> Locale:
    """The Babel locale of the current language; an unknown one formats like Vietnamese."""
    global _babel_locale
    if _babel_locale is None:
        from babel import Locale, UnknownLocaleError

        try:
            _babel_locale = Locale.parse(_babel_name)
        except (UnknownLocaleError, ValueError):
            _babel_locale = Locale.parse(DEFAULT_LANGUAGE)
    return _babel_locale


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
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale())


def format_date(value: dt.date) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format="long", locale=_locale())


def format_datetime(value: dt.datetime) -> str:
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format="medium", locale=_locale())


set_language(DEFAULT_LANGUAGE)
