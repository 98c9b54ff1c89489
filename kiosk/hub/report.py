"""What the movement counts, for commune and province staff: `kiosk hub report`, `/v1/report`
and the dashboard all use `build_report`.

Totals: kiosks, learners reached (distinct pseudonymous learner ids), events, lessons started
and completed (distinct learner-and-lesson pairs). Breakdowns of learners, lessons started and
lessons completed by lesson, topic, commune, language, voice mode and age band; the first-try
quiz pass rate per lesson; and where learners give up: for each lesson, how many unfinished
attempts stopped after each step. In every breakdown a count from 1 to 4 is replaced by null
(small groups could point at a person); totals are never suppressed (DESIGN.md §11). Names
never reach the hub, so none can appear here. All grouping runs in SQL, on SQLite and
PostgreSQL alike; unknown event types are stored but not counted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kiosk.hub.catalog import LessonFacts
from kiosk.hub.storage import events, iso, kiosks, reading, utc_now

MIN_COUNT = 5
# Event types as kiosk/store/outbox.py names them.
LESSON_STARTED = "lesson_started"
STEP_COMPLETED = "step_completed"
LESSON_COMPLETED = "lesson_completed"
QUIZ_ANSWERED = "quiz_answered"
UNKNOWN = "unknown"
# Approximate age (mid-decade of birth) → band; the last band is open-ended.
AGE_BANDS = ((0, 39, "under-40"), (40, 49, "40-49"), (50, 59, "50-59"), (60, 69, "60-69"),
             (70, 200, "70+"))


def suppress(count: int) -> int | None:
    """A breakdown count as published: None for 1 to 4."""
    return None if 0 < count < MIN_COUNT else count


def _age_band(this_year: int) -> Any:
    decade = events.c.birth_decade
    whens = []
    for low, high, label in AGE_BANDS:
        # born in decade d → about this_year - d - 5 years old
        whens.append((sa.and_(decade >= this_year - 5 - high, decade <= this_year - 5 - low),
                      label))
    return sa.case(*whens, else_=None)


def _dimensions(facts: dict[str, LessonFacts], this_year: int) -> dict[str, Any]:
    topics = {lesson: fact.topic for lesson, fact in facts.items() if fact.topic}
    known_topic = sa.case(topics, value=events.c.lesson_id, else_=None) if topics else None
    return {
        "by_lesson": events.c.lesson_id,
        "by_topic": (sa.func.coalesce(events.c.topic, known_topic) if known_topic is not None
                     else events.c.topic),
        "by_commune": sa.func.nullif(kiosks.c.commune, ""),
        "by_language": events.c.language,
        "by_voice_mode": events.c.voice_mode,
        "by_age_band": _age_band(this_year),
    }


def _source() -> Any:
    return events.outerjoin(kiosks, kiosks.c.kiosk_id == events.c.kiosk_id)


def _distinct_counts(connection: Connection, key: Any, columns: list[Any],
                     where: Any) -> dict[str, int]:
    inner = (sa.select(key.label("k"), *columns).select_from(_source())
             .where(where, events.c.learner_id.is_not(None)).distinct().subquery())
    rows = connection.execute(sa.select(inner.c.k, sa.func.count()).group_by(inner.c.k))
    return {(k if k is not None else UNKNOWN): int(n) for k, n in rows}


def _breakdown(connection: Connection, key: Any) -> dict[str, dict[str, int | None]]:
    learner, lesson = events.c.learner_id, events.c.lesson_id
    learners = _distinct_counts(connection, key, [learner], sa.true())
    started = _distinct_counts(connection, key, [learner, lesson],
                               events.c.type.in_((LESSON_STARTED, STEP_COMPLETED)))
    completed = _distinct_counts(connection, key, [learner, lesson],
                                 events.c.type == LESSON_COMPLETED)
    out = {}
    for name in sorted(set(learners) | set(started) | set(completed)):
        out[str(name)] = {"learners": suppress(learners.get(name, 0)),
                          "started": suppress(started.get(name, 0)),
                          "completed": suppress(completed.get(name, 0))}
    return out


def _pairs(connection: Connection, where: Any) -> int:
    inner = (sa.select(events.c.learner_id, events.c.lesson_id)
             .where(where, events.c.learner_id.is_not(None), events.c.lesson_id.is_not(None))
             .distinct().subquery())
    return int(connection.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())


def _quiz(connection: Connection) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = connection.execute(
        sa.select(events.c.lesson_id, sa.func.count(),
                  sa.func.sum(sa.case((events.c.correct.is_(True), 1), else_=0)))
        .where(events.c.type == QUIZ_ANSWERED, events.c.first_try.is_(True))
        .group_by(events.c.lesson_id)).all()
    by_lesson: dict[str, Any] = {}
    total = correct_total = 0
    for lesson, answers, correct in rows:
        answers, correct = int(answers), int(correct or 0)
        total += answers
        correct_total += correct
        by_lesson[lesson or UNKNOWN] = {
            "answers": suppress(answers), "correct": suppress(correct),
            "rate": round(correct / answers, 3) if answers >= MIN_COUNT else None}
    overall = {"first_try_answers": total, "first_try_correct": correct_total,
               "first_try_pass_rate": round(correct_total / total, 3) if total else None}
    return overall, dict(sorted(by_lesson.items()))


def _give_up(connection: Connection) -> dict[str, Any]:
    done = sa.func.max(sa.case((events.c.type == LESSON_COMPLETED, 1), else_=0))
    rows = connection.execute(
        sa.select(events.c.lesson_id, sa.func.max(events.c.step_index),
                  sa.func.max(events.c.steps_total))
        .where(events.c.learner_id.is_not(None), events.c.lesson_id.is_not(None),
               events.c.type.in_((LESSON_STARTED, STEP_COMPLETED, LESSON_COMPLETED)))
        .group_by(events.c.learner_id, events.c.lesson_id, events.c.attempt)
        .having(done == 0)).all()
    stops: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = {}
    for lesson, last_index, steps_total in rows:
        stops[lesson][0 if last_index is None else int(last_index) + 1] += 1
        if steps_total:
            totals[lesson] = max(totals.get(lesson, 0), int(steps_total))
    out = {}
    for lesson in sorted(stops):
        unfinished = sum(stops[lesson].values())
        out[lesson] = {
            "steps_total": totals.get(lesson),
            "unfinished": suppress(unfinished),
            "stopped_after_step": {str(step): suppress(n)
                                   for step, n in sorted(stops[lesson].items())},
        }
    return out


def build_report(engine: Engine, facts: dict[str, LessonFacts] | None = None,
                 now: dt.datetime | None = None) -> dict[str, Any]:
    """The `kiosk hub report --json` object (DESIGN.md §11, with more fields)."""
    moment = now or utc_now()
    facts = facts or {}
    with reading(engine) as connection:
        count = connection.execute(sa.select(
            sa.select(sa.func.count()).select_from(kiosks).scalar_subquery(),
            sa.select(sa.func.count()).select_from(events).scalar_subquery(),
            sa.select(sa.func.count(sa.distinct(events.c.learner_id))).scalar_subquery(),
        )).one()
        report: dict[str, Any] = {
            "generated": iso(moment),
            "min_count": MIN_COUNT,
            "kiosks": int(count[0]),
            "learners": int(count[2]),
            "events": int(count[1]),
            "lessons_started": _pairs(connection,
                                      events.c.type.in_((LESSON_STARTED, STEP_COMPLETED))),
            "lessons_completed": _pairs(connection, events.c.type == LESSON_COMPLETED),
        }
        for name, key in _dimensions(facts, moment.year).items():
            report[name] = _breakdown(connection, key)
        report["quiz"], report["quiz_by_lesson"] = _quiz(connection)
        report["give_up"] = _give_up(connection)
        report["flagged_kiosks"] = [dict(row) for row in connection.execute(
            sa.select(kiosks.c.kiosk_id, kiosks.c.name, kiosks.c.commune,
                      kiosks.c.flag_reason.label("reason"))
            .where(kiosks.c.flagged.is_(True)).order_by(kiosks.c.kiosk_id)).mappings()]
        report["kiosk_list"] = [dict(row) for row in connection.execute(
            sa.select(kiosks.c.kiosk_id, kiosks.c.name, kiosks.c.commune, kiosks.c.enrolled,
                      kiosks.c.last_seen, kiosks.c.flagged)
            .order_by(kiosks.c.commune, kiosks.c.name, kiosks.c.kiosk_id)).mappings()]
    report["lessons"] = {lesson: {"topic": fact.topic, "title": fact.title}
                         for lesson, fact in sorted(facts.items())}
    return report
