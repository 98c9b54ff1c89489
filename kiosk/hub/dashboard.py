"""The dashboard page at `/`: the report as one server-rendered HTML page, in Vietnamese.

Built for commune staff on a phone: one column, large text, totals first, then bar charts drawn
as inline SVG (no script, no web font, nothing fetched: it works on a hub with no internet).
Each bar's number is printed beside it in the page's own text, so it stays readable at any
width and a screen reader reads it; a suppressed count shows as "< 5". Every string goes
through `kiosk.i18n._`; topic and language names come from lessons/languages.yaml, lesson
titles from the lessons the hub knows. Everything taken from the database is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from typing import Any

from kiosk.content.languages import LanguagesError, LanguageTable, load_languages
from kiosk.i18n import _, format_datetime, format_number

log = logging.getLogger(__name__)

STARTED, COMPLETED, LEARNERS = "#1d4ed8", "#15803d", "#6d28d9"
SUPPRESSED = "#9ca3af"
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")  # staff read times as they live them

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:20px/1.5 "Noto Sans",system-ui,sans-serif;color:#111;background:#fff}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em}
.sub{margin:0;color:#333}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin:16px 0}
.card{border:2px solid #111;border-radius:10px;padding:10px 14px}
.card b{display:block;font-size:1.8em;line-height:1.2}
.legend span{display:inline-block;margin-right:1em}
.sw{display:inline-block;width:1em;height:1em;vertical-align:-.15em;margin-right:.3em}
.row{margin:10px 0 14px}
.label{font-weight:600}
.bar{display:flex;align-items:center;gap:8px}
.bar svg{flex:1;height:20px;max-width:100%}
.num{min-width:4.5em;text-align:right;font-variant-numeric:tabular-nums}
.note{color:#333;font-size:.9em}
.flag{border:3px solid #b91c1c;border-radius:10px;padding:8px 14px;margin:8px 0}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:6px 4px;border-bottom:1px solid #999}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: int | None) -> str:
    return "&lt; 5" if value is None else _e(format_number(value))


def _bar(value: int | None, top: int, colour: str, what: str) -> str:
    width = 3 if value is None else (100 * value / top if top else 0)
    fill = SUPPRESSED if value is None else colour
    shown = "< 5" if value is None else format_number(value)
    return (f'<div class="bar"><svg viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'role="img" aria-label="{_e(what)}: {_e(shown)}">'
            f'<rect x="0" y="0" width="{width:.2f}" height="10" fill="{fill}"/></svg>'
            f'<span class="num">{_num(value)}</span></div>')


def _rank(value: int | None) -> float:
    """Largest first; a hidden count (1 to 4) sorts between 0 and 5."""
    return 2.5 if value is None else value


def _legend(series: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<span><i class="sw" style="background:{colour}"></i>{_e(label)}</span>'
                    for _key, label, colour in series)
    return f'<p class="legend">{items}</p>'


def _chart(title: str, rows: list[tuple[str, dict[str, int | None]]],
           series: list[tuple[str, str, str]]) -> str:
    parts = [f"<section><h2>{_e(title)}</h2>"]
    if not rows:
        parts.append(f"<p>{_e(_('No data yet.'))}</p></section>")
        return "".join(parts)
    parts.append(_legend(series))
    rows = sorted(rows, key=lambda row: (-_rank(row[1].get(series[0][0])), row[0]))
    top = max((values.get(key) or 0 for _label, values in rows for key, _l, _c in series),
              default=0)
    for label, values in rows:
        parts.append(f'<div class="row"><div class="label">{_e(label)}</div>')
        for key, what, colour in series:
            parts.append(_bar(values.get(key), top, colour, what))
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _series() -> list[tuple[str, str, str]]:
    return [("learners", _("Learners"), LEARNERS), ("started", _("Lessons started"), STARTED),
            ("completed", _("Lessons completed"), COMPLETED)]


def _languages() -> LanguageTable | None:
    try:
        return load_languages()
    except LanguagesError as error:
        log.warning("languages table: %s", error)
        return None


def _namers(report: dict[str, Any]) -> dict[str, Callable[[str], str]]:
    table = _languages()
    lessons = report.get("lessons", {})
    # Translators: hub dashboard, a group whose commune, language, topic... was not sent.
    unknown = _("Unknown")

    def topic(key: str) -> str:
        found = table.topic(key) if table else None
        return found.name_vi if found else (unknown if key == "unknown" else key)

    def language(key: str) -> str:
        found = table.find(key) if table else None
        return found.name_vi if found else (unknown if key == "unknown" else key)

    def lesson(key: str) -> str:
        title = (lessons.get(key) or {}).get("title")
        return title or (unknown if key == "unknown" else key)

    def voice(key: str) -> str:
        # Translators: hub dashboard; learners whose kiosk did not say if voice mode was on.
        return {"on": _("Voice mode on"), "off": _("Voice mode off")}.get(key, _("Not recorded"))

    def age(key: str) -> str:
        if key == "under-40":
            return _("Under 40 years old")
        if key == "70+":
            return _("70 years old and over")
        if "-" in key:
            low, high = key.split("-", 1)
            # Translators: an age band on the hub dashboard, e.g. "50 to 59 years old".
            return _("{low} to {high} years old").format(low=low, high=high)
        return unknown

    def commune(key: str) -> str:
        return unknown if key == "unknown" else key

    return {"by_topic": topic, "by_language": language, "by_lesson": lesson,
            "by_voice_mode": voice, "by_age_band": age, "by_commune": commune}


def _cards(report: dict[str, Any]) -> str:
    rate = report["quiz"]["first_try_pass_rate"]
    shown_rate = "—" if rate is None else f"{format_number(round(rate * 100))}%"
    cards = [(_("Learners reached"), format_number(report["learners"])),
             (_("Lessons started"), format_number(report["lessons_started"])),
             (_("Lessons completed"), format_number(report["lessons_completed"])),
             (_("Quiz right the first time"), shown_rate),
             (_("Kiosks"), format_number(report["kiosks"]))]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{_e(value)}</b>{_e(label)}</div>' for label, value in cards
    ) + "</div>"


def _quiz(report: dict[str, Any], lesson: Callable[[str], str]) -> str:
    rows = []
    for key, entry in report["quiz_by_lesson"].items():
        rows.append((lesson(key), {"answers": entry["answers"], "correct": entry["correct"]}))
    series = [("answers", _("Answers given the first time"), STARTED),
              ("correct", _("Right the first time"), COMPLETED)]
    return _chart(_("Quiz answers right the first time, by lesson"), rows, series)


def _give_up(report: dict[str, Any], lesson: Callable[[str], str]) -> str:
    note = _("Unfinished lessons, by the last step the learner finished.")
    parts = [f"<section><h2>{_e(_('Where learners stop'))}</h2>",
             f'<p class="note">{_e(note)}</p>']
    if not report["give_up"]:
        parts.append(f"<p>{_e(_('No data yet.'))}</p>")
    for key, entry in report["give_up"].items():
        total = entry["steps_total"]
        rows = []
        for step, count in entry["stopped_after_step"].items():
            label = (_("Before the first step") if step == "0" else
                     _("After step {step} of {total}").format(step=step, total=total or "?"))
            rows.append((label, {"count": count}))
        top = max((values["count"] or 0 for _label, values in rows), default=0)
        parts.append(f'<h3>{_e(lesson(key))}</h3>')
        for label, values in rows:
            parts.append(f'<div class="row"><div class="label">{_e(label)}</div>'
                         f'{_bar(values["count"], top, STARTED, label)}</div>')
    parts.append("</section>")
    return "".join(parts)


def _kiosks(report: dict[str, Any]) -> str:
    parts = []
    why = _("The same kiosk identity sent different events: it may have been copied.")
    for kiosk in report["flagged_kiosks"]:
        name = kiosk["name"] or kiosk["kiosk_id"]
        parts.append(
            f'<div class="flag"><b>{_e(_("Kiosk to check"))}: {_e(name)}</b> '
            f'({_e(kiosk["commune"] or _("Unknown"))})<br>{_e(why)}</div>')
    rows = "".join(
        f"<tr><td>{_e(k['name'] or k['kiosk_id'][:8])}</td><td>{_e(k['commune'] or '—')}</td>"
        f"<td>{_e(_when(k['last_seen']))}</td></tr>" for k in report["kiosk_list"])
    # Translators: column headings of the kiosk table on the hub dashboard.
    head = (f"<tr><th>{_e(_('Kiosk'))}</th><th>{_e(_('Commune'))}</th>"
            f"<th>{_e(_('Last sync'))}</th></tr>")
    table = f"<table>{head}{rows}</table>" if rows else f"<p>{_e(_('No kiosk enrolled yet.'))}</p>"
    return f"<section><h2>{_e(_('Kiosks'))}</h2>{''.join(parts)}{table}</section>"


def _when(value: str | None) -> str:
    if not value:
        # Translators: hub dashboard, "last sync" of a kiosk that never synced.
        return _("Never")
    try:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return format_datetime(moment.astimezone(VIETNAM_TIME))
    except ValueError:
        return value


def render(report: dict[str, Any]) -> str:
    names = _namers(report)
    hidden = _("Numbers from 1 to 4 are hidden in the charts, so that no one can be recognised.")
    charts = []
    # Translators: chart titles on the hub dashboard ("Lessons": one bar group per lesson).
    titles = {"by_topic": _("Lessons by topic"), "by_lesson": _("Lessons"),
              "by_commune": _("By commune"), "by_language": _("By language"),
              "by_voice_mode": _("By voice mode"), "by_age_band": _("By age")}
    for key, title in titles.items():
        rows = [(names[key](name), values) for name, values in report[key].items()]
        charts.append(_chart(title, rows, _series()))
    charts.insert(2, _quiz(report, names["by_lesson"]))
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(_('Learning dashboard'))}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(_('Learning dashboard'))}</h1>"
        f'<p class="sub">{_e(_("Digital Literacy for All"))} · '
        f"{_e(_('Updated {time}').format(time=_when(report['generated'])))}</p>"
        f"{_cards(report)}"
        f'<p class="note">{_e(hidden)}</p>'
        f"{''.join(charts)}{_give_up(report, names['by_lesson'])}{_kiosks(report)}"
        "</main></body></html>"
    )
