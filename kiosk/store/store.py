"""`Store`: the one object the UI, the CLI and the sync worker use to read and write kiosk data.

It opens the database (`open_store`), runs migrations, and offers learner, progress, settings,
outbox and installed-bundle calls by composing the modules of this package. Every call holds
one lock, so a Store may be shared between the UI thread and a worker, and every SQLite
failure (disk full, file locked, damaged) comes out as a `StoreError` with a plain message
while the log keeps the details. The UI never sees SQL.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from kiosk.i18n import _
from kiosk.store import bundles as _bundles
from kiosk.store import learners as _learners
from kiosk.store import outbox as _outbox
from kiosk.store import progress as _progress
from kiosk.store import settings as _settings
from kiosk.store import sync_state as _sync_state
from kiosk.store.bundles import InstalledBundle
from kiosk.store.db import damaged_message, open_database
from kiosk.store.errors import DamagedDatabaseError, StoreError
from kiosk.store.learners import Learner
from kiosk.store.migrations import migrate, schema_version
from kiosk.store.outbox import OutboxEvent, PendingRow
from kiosk.store.progress import LessonProgress
from kiosk.store.sync_state import SyncState

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Run a Store method under the lock and turn SQLite errors into StoreError."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            if self._closed:
                raise StoreError(_("The kiosk's database is already closed."))
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as error:
                log.exception("%s failed on %s", method.__name__, self.path)
                if isinstance(error, sqlite3.OperationalError) and "full" in str(error):
                    message = _("The disk is full; the kiosk could not save. Free some space.")
                elif isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                    message = _("The database is busy in another program. Try again.")
                else:
                    message = _("The kiosk could not read or save its data ({error}).").format(
                        error=error
                    )
                raise StoreError(message) from error

    return wrapper


class Store:
    """Learners, progress, settings and the sync outbox in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._closed = False
        self._db = open_database(self.path)
        try:
            migrate(self._db, self.path)
        except sqlite3.Error as error:
            self._db.close()
            log.exception("checking or migrating %s failed", self.path)
            raise DamagedDatabaseError(damaged_message(self.path)) from error
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @_guarded
    def info(self) -> dict[str, Any]:
        """Facts for the admin screen and for tests: file, schema version, safety PRAGMAs."""
        pragma = self._db.execute
        return {
            "path": str(self.path),
            "schema_version": schema_version(self._db),
            "journal_mode": pragma("PRAGMA journal_mode").fetchone()[0],
            "synchronous": int(pragma("PRAGMA synchronous").fetchone()[0]),
            "foreign_keys": bool(pragma("PRAGMA foreign_keys").fetchone()[0]),
        }

    # learners

    @_guarded
    def guest(self) -> Learner:
        return _learners.guest(self._db)

    @_guarded
    def create_learner(
        self, name: str, language: str = "vi", birth_decade: int | None = None
    ) -> Learner:
        return _learners.create_learner(self._db, name, language, birth_decade)

    @_guarded
    def learners(self) -> list[Learner]:
        return _learners.learners(self._db)

    @_guarded
    def get_learner(self, learner_id: str) -> Learner:
        return _learners.get_learner(self._db, learner_id)

    @_guarded
    def set_learner_language(self, learner_id: str, language: str) -> None:
        _learners.set_language(self._db, learner_id, language)

    @_guarded
    def set_learner_speech_rate(self, learner_id: str, rate: int) -> None:
        _learners.set_speech_rate(self._db, learner_id, rate)

    # progress

    # `voice_mode`: whether the learner had voice mode on, carried in the events (None: unknown).

    @_guarded
    def start_lesson(
        self,
        learner_id: str,
        lesson_id: str,
        lesson_version: int,
        steps_total: int,
        *,
        voice_mode: bool | None = None,
    ) -> LessonProgress:
        return _progress.start_lesson(
            self._db, learner_id, lesson_id, lesson_version, steps_total, voice_mode=voice_mode
        )

    @_guarded
    def complete_step(
        self,
        learner_id: str,
        lesson_id: str,
        lesson_version: int,
        step_id: str,
        step_index: int,
        steps_total: int,
        *,
        voice_mode: bool | None = None,
    ) -> LessonProgress:
        return _progress.complete_step(
            self._db,
            learner_id,
            lesson_id,
            lesson_version,
            step_id,
            step_index,
            steps_total,
            voice_mode=voice_mode,
        )

    @_guarded
    def set_position(self, learner_id: str, lesson_id: str, step_index: int) -> None:
        _progress.set_position(self._db, learner_id, lesson_id, step_index)

    @_guarded
    def resume_step(self, learner_id: str, lesson_id: str) -> int:
        return _progress.resume_step(self._db, learner_id, lesson_id)

    @_guarded
    def lesson_progress(self, learner_id: str) -> dict[str, LessonProgress]:
        return _progress.lesson_progress(self._db, learner_id)

    @_guarded
    def record_answer(
        self,
        learner_id: str,
        lesson_id: str,
        step_id: str,
        choice_id: str,
        correct: bool,
        *,
        voice_mode: bool | None = None,
    ) -> bool:
        return _progress.record_answer(
            self._db, learner_id, lesson_id, step_id, choice_id, correct, voice_mode=voice_mode
        )

    @_guarded
    def progress_report(self) -> dict[str, Any]:
        return _progress.report(self._db)

    # settings

    @_guarded
    def get_setting(self, key: str, default: Any = None) -> Any:
        return _settings.get_setting(self._db, key, default)

    @_guarded
    def set_setting(self, key: str, value: Any) -> None:
        _settings.set_setting(self._db, key, value)

    # outbox

    @_guarded
    def pending_events(self, limit: int = 1000, after_seq: int = 0) -> list[OutboxEvent]:
        return _outbox.pending_events(self._db, limit, after_seq)

    @_guarded
    def pending_rows(self, limit: int = 1000, after_seq: int = 0) -> list[PendingRow]:
        return _outbox.pending_rows(self._db, limit, after_seq)

    @_guarded
    def ack_events(self, ids: Sequence[str]) -> int:
        return _outbox.ack_events(self._db, ids)

    @_guarded
    def outbox_counts(self) -> tuple[int, int]:
        return _outbox.outbox_counts(self._db)

    # sync state (enrollment, outcome of the last passes) and the hybrid logical clock

    @_guarded
    def sync_state(self) -> SyncState:
        return _sync_state.read(self._db)

    @_guarded
    def update_sync_state(self, **changes: Any) -> SyncState:
        return _sync_state.update(self._db, **changes)

    @_guarded
    def next_hlc(self) -> str:
        """A new hybrid-logical-clock stamp (for a batch the kiosk is about to send)."""
        return _sync_state.tick(self._db)

    @_guarded
    def observe_hlc(self, remote: object) -> str:
        """Take in the hub's time; later stamps come after it."""
        return _sync_state.observe(self._db, remote)

    # installed bundles (the files are kiosk.bundles' business; these are the rows)

    @_guarded
    def installed_bundles(self) -> list[InstalledBundle]:
        return _bundles.installed_bundles(self._db)

    @_guarded
    def installed_bundle(self, bundle_id: str) -> InstalledBundle | None:
        return _bundles.installed_bundle(self._db, bundle_id)

    @_guarded
    def record_bundle(self, bundle: InstalledBundle, replaces: int | None) -> bool:
        return _bundles.record_bundle(self._db, bundle, replaces)

    @_guarded
    def delete_bundle(self, bundle_id: str) -> bool:
        return _bundles.delete_bundle(self._db, bundle_id)


def open_store(path: Path) -> Store:
    """Open (creating and migrating as needed) the kiosk database at `path`."""
    return Store(path)
