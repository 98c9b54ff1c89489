"""Progress per learner, lesson and step, quiz answers, and the events they put in the outbox.

Each action is one transaction that writes both the progress rows and their outbox events, so
what the hub hears always matches what the kiosk kept. A lesson has attempts: the first start is
attempt 1, and restarting a lesson whose latest attempt was finished opens the next one. Within an
attempt completing a step twice writes one event; finishing every step of the attempt marks the
lesson completed. `steps_done` counts distinct steps ever completed (it never goes down when a
finished lesson is reviewed), `completed` stays true once the lesson was finished.
Every event carries the learner's pseudonymous facts (random id, birth decade, language) and,
when the caller says so, whether voice mode was on (`voice_mode`): the hub's reports count
lessons by both. Voice mode lives in the UI, so the screens' session passes it with each call.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any, NamedTuple

from kiosk.i18n import N_, _
from kiosk.store import outbox
from kiosk.store.db import now_iso, write_transaction
from kiosk.store.errors import StoreError
from kiosk.store.learners import get_learner, learners

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LessonProgress:
    """Where one learner stands in one lesson (see the module docstring for the counts)."""

    lesson_id: str
    steps_done: int
    steps_total: int
    current_step: int
    completed: bool
    completed_at: str | None
    attempt: int = 1
    lesson_version: int = 0


class _Row(NamedTuple):
    lesson_version: int
    steps_total: int
    current_step: int
    attempt: int
    attempt_completed: str | None
    completed_at: str | None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise StoreError(_("Missing or invalid {what}.").format(what=_(what)))
    return value


def _whole(value: Any, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise StoreError(_("Missing or invalid {what}.").format(what=_(what)))
    return value


def _facts(db: sqlite3.Connection, learner_id: str, voice_mode: bool | None) -> dict[str, Any]:
    """The pseudonymous part of every event: never the learner's name. `voice_mode` is left
    out when the caller does not know it (the hub then counts it as not recorded)."""
    learner = get_learner(db, learner_id)
    facts: dict[str, Any] = {
        "learner_id": learner.id,
        "birth_decade": learner.birth_decade,
        "language": learner.language,
    }
    if voice_mode is not None:
        facts["voice_mode"] = bool(voice_mode)
    return facts


def _row(db: sqlite3.Connection, learner_id: str, lesson_id: str) -> _Row | None:
    found = db.execute(
        "SELECT lesson_version, steps_total, current_step, attempt, attempt_completed, "
        "completed_at FROM lesson_progress WHERE learner_id = ? AND lesson_id = ?",
        (learner_id, lesson_id),
    ).fetchone()
    return _Row(*found) if found else None


def _count_steps(
    db: sqlite3.Connection, learner_id: str, lesson_id: str, attempt: int | None
) -> int:
    sql = "SELECT count(*) FROM step_progress WHERE learner_id = ? AND lesson_id = ?"
    params: list[Any] = [learner_id, lesson_id]
    if attempt is not None:
        sql += " AND attempt = ?"
        params.append(attempt)
    return int(db.execute(sql, params).fetchone()[0])


def _progress(lesson_id: str, row: _Row, steps_ever: int) -> LessonProgress:
    return LessonProgress(
        lesson_id=lesson_id,
        steps_done=min(steps_ever, row.steps_total),
        steps_total=row.steps_total,
        current_step=row.current_step,
        completed=row.completed_at is not None,
        completed_at=row.completed_at,
        attempt=row.attempt,
        lesson_version=row.lesson_version,
    )


def _read(db: sqlite3.Connection, learner_id: str, lesson_id: str) -> LessonProgress:
    row = _row(db, learner_id, lesson_id)
    assert row is not None  # only called after a write that made the row
    return _progress(lesson_id, row, _count_steps(db, learner_id, lesson_id, None))


def _start(
    db: sqlite3.Connection, facts: dict[str, Any], lesson_id: str, version: int, steps_total: int
) -> None:
    """Open attempt 1, or the next attempt of a finished lesson, with its lesson_started event."""
    learner_id = facts["learner_id"]
    row = _row(db, learner_id, lesson_id)
    now = now_iso()
    if row is None:
        attempt = 1
        db.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, lesson_version, steps_total, "
            "current_step, attempt, started, updated) VALUES (?, ?, ?, ?, 0, 1, ?, ?)",
            (learner_id, lesson_id, version, steps_total, now, now),
        )
    elif row.attempt_completed is not None:
        attempt = row.attempt + 1
        db.execute(
            "UPDATE lesson_progress SET lesson_version = ?, steps_total = ?, current_step = 0, "
            "attempt = ?, attempt_completed = NULL, started = ?, updated = ? "
            "WHERE learner_id = ? AND lesson_id = ?",
            (version, steps_total, attempt, now, now, learner_id, lesson_id),
        )
    else:
        # Coming back to an unfinished attempt: keep the place, follow a new lesson version.
        db.execute(
            "UPDATE lesson_progress SET lesson_version = ?, steps_total = ?, "
            "current_step = min(current_step, ?), updated = ? "
            "WHERE learner_id = ? AND lesson_id = ?",
            (version, steps_total, steps_total - 1, now, learner_id, lesson_id),
        )
        return
    outbox.add_event(
        db,
        outbox.LESSON_STARTED,
        {
            **facts,
            "lesson_id": lesson_id,
            "lesson_version": version,
            "steps_total": steps_total,
            "attempt": attempt,
        },
    )


def start_lesson(
    db: sqlite3.Connection,
    learner_id: str,
    lesson_id: str,
    lesson_version: int,
    steps_total: int,
    *,
    voice_mode: bool | None = None,
) -> LessonProgress:
    _text(lesson_id, N_("lesson id"))
    _whole(lesson_version, N_("lesson version"), 0)
    _whole(steps_total, N_("number of steps"), 1)
    # The learner is about to finish steps: load the event machinery now, not on the first one.
    outbox.prepare()
    with write_transaction(db):
        _start(db, _facts(db, learner_id, voice_mode), lesson_id, lesson_version, steps_total)
        return _read(db, learner_id, lesson_id)


def complete_step(
    db: sqlite3.Connection,
    learner_id: str,
    lesson_id: str,
    lesson_version: int,
    step_id: str,
    step_index: int,
    steps_total: int,
    *,
    voice_mode: bool | None = None,
) -> LessonProgress:
    """Record a finished step (and maybe the finished lesson) with their events, atomically."""
    _text(lesson_id, N_("lesson id"))
    _text(step_id, N_("step id"))
    _whole(lesson_version, N_("lesson version"), 0)
    _whole(steps_total, N_("number of steps"), 1)
    if _whole(step_index, N_("step number"), 0) >= steps_total:
        raise StoreError(_("Missing or invalid {what}.").format(what=_("step number")))
    with write_transaction(db):
        facts = _facts(db, learner_id, voice_mode)
        if _row(db, learner_id, lesson_id) is None:
            _start(db, facts, lesson_id, lesson_version, steps_total)
        row = _row(db, learner_id, lesson_id)
        assert row is not None
        now = now_iso()
        done_in = db.execute(
            "SELECT attempt FROM step_progress "
            "WHERE learner_id = ? AND lesson_id = ? AND step_id = ?",
            (learner_id, lesson_id, step_id),
        ).fetchone()
        newly_done = done_in is None or done_in[0] < row.attempt
        if newly_done:
            db.execute(
                "INSERT INTO step_progress (learner_id, lesson_id, step_id, step_index, "
                "lesson_version, attempt, first_completed, completed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (learner_id, lesson_id, step_id) DO UPDATE SET "
                "step_index = excluded.step_index, lesson_version = excluded.lesson_version, "
                "attempt = excluded.attempt, completed = excluded.completed",
                (learner_id, lesson_id, step_id, step_index, lesson_version, row.attempt, now, now),
            )
        db.execute(
            "UPDATE lesson_progress SET current_step = ?, steps_total = ?, lesson_version = ?, "
            "updated = ? WHERE learner_id = ? AND lesson_id = ?",
            (
                min(step_index + 1, steps_total - 1),
                steps_total,
                lesson_version,
                now,
                learner_id,
                lesson_id,
            ),
        )
        lesson = {
            **facts,
            "lesson_id": lesson_id,
            "lesson_version": lesson_version,
            "steps_total": steps_total,
            "attempt": row.attempt,
        }
        if newly_done:
            outbox.add_event(
                db, outbox.STEP_COMPLETED, {**lesson, "step_id": step_id, "step_index": step_index}
            )
        if (
            row.attempt_completed is None
            and _count_steps(db, learner_id, lesson_id, row.attempt) >= steps_total
        ):
            db.execute(
                "UPDATE lesson_progress SET attempt_completed = ?, completed_at = ? "
                "WHERE learner_id = ? AND lesson_id = ?",
                (now, now, learner_id, lesson_id),
            )
            outbox.add_event(
                db, outbox.LESSON_COMPLETED, {**lesson, "first_time": row.completed_at is None}
            )
            log.info("learner %s completed %s (attempt %d)", learner_id, lesson_id, row.attempt)
        return _read(db, learner_id, lesson_id)


def set_position(db: sqlite3.Connection, learner_id: str, lesson_id: str, step_index: int) -> None:
    """Remember the step on screen, for resuming; a lesson never started is left alone."""
    _whole(step_index, N_("step number"), 0)
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE lesson_progress SET current_step = max(0, min(?, steps_total - 1)), "
            "updated = ? WHERE learner_id = ? AND lesson_id = ?",
            (step_index, now_iso(), learner_id, lesson_id),
        )
    if cursor.rowcount == 0:
        log.debug("set_position on unstarted lesson %s for %s ignored", lesson_id, learner_id)


def resume_step(db: sqlite3.Connection, learner_id: str, lesson_id: str) -> int:
    """The step to open: the saved place, or 0 when never started or the attempt was finished."""
    row = _row(db, learner_id, lesson_id)
    if row is None or row.attempt_completed is not None:
        return 0
    return row.current_step


def lesson_progress(db: sqlite3.Connection, learner_id: str) -> dict[str, LessonProgress]:
    """Every lesson the learner has started, by lesson id (empty for an unknown learner)."""
    rows = db.execute(
        "SELECT lp.lesson_id, lp.lesson_version, lp.steps_total, lp.current_step, lp.attempt, "
        "lp.attempt_completed, lp.completed_at, (SELECT count(*) FROM step_progress sp "
        "WHERE sp.learner_id = lp.learner_id AND sp.lesson_id = lp.lesson_id) "
        "FROM lesson_progress lp WHERE lp.learner_id = ? ORDER BY lp.lesson_id",
        (learner_id,),
    ).fetchall()
    return {row[0]: _progress(row[0], _Row(*row[1:7]), row[7]) for row in rows}


def record_answer(
    db: sqlite3.Connection,
    learner_id: str,
    lesson_id: str,
    step_id: str,
    choice_id: str,
    correct: bool,
    *,
    voice_mode: bool | None = None,
) -> bool:
    """Store a quiz answer and its event; True when it is the step's first answer this attempt."""
    _text(lesson_id, N_("lesson id"))
    _text(step_id, N_("step id"))
    _text(choice_id, N_("answer"))
    with write_transaction(db):
        facts = _facts(db, learner_id, voice_mode)
        row = _row(db, learner_id, lesson_id)
        attempt = row.attempt if row else 1
        first = (
            db.execute(
                "SELECT 1 FROM quiz_answers WHERE learner_id = ? AND lesson_id = ? "
                "AND step_id = ? AND attempt = ? LIMIT 1",
                (learner_id, lesson_id, step_id, attempt),
            ).fetchone()
            is None
        )
        db.execute(
            "INSERT INTO quiz_answers (learner_id, lesson_id, step_id, attempt, choice_id, "
            "correct, first_try, answered) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                learner_id,
                lesson_id,
                step_id,
                attempt,
                choice_id,
                int(bool(correct)),
                int(first),
                now_iso(),
            ),
        )
        outbox.add_event(
            db,
            outbox.QUIZ_ANSWERED,
            {
                **facts,
                "lesson_id": lesson_id,
                "lesson_version": row.lesson_version if row else None,
                "attempt": attempt,
                "step_id": step_id,
                "choice_id": choice_id,
                "correct": bool(correct),
                "first_try": first,
            },
        )
    return first


def report(db: sqlite3.Connection) -> dict[str, Any]:
    """`kiosk progress --json`: every learner with the lessons they started (DESIGN §11)."""
    entries = []
    for learner in learners(db):
        lessons = [
            {
                "id": progress.lesson_id,
                "completed": progress.completed,
                "steps_done": progress.steps_done,
                "steps_total": progress.steps_total,
                "current_step": progress.current_step,
                "completed_at": progress.completed_at,
            }
            for progress in lesson_progress(db, learner.id).values()
        ]
        entries.append(
            {
                "id": learner.id,
                "name": learner.name,
                "is_guest": learner.is_guest,
                "language": learner.language,
                "lessons": lessons,
            }
        )
    return {"learners": entries}
