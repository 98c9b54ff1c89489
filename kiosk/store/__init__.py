"""The kiosk's local storage: learners, progress, quiz answers, settings and the sync outbox.

Everything lives in one SQLite file in the data folder (see `kiosk.config.database_path`).
Callers open it with `open_store(path)` and use the returned `Store`; the modules behind it
(`db`, `migrations`, `learners`, `progress`, `settings`, `outbox`) are its implementation.
This package never imports Qt and knows nothing about screens.
"""

from kiosk.store.errors import (
    DamagedDatabaseError,
    SchemaTooNewError,
    StoreError,
    UnknownLearnerError,
)
from kiosk.store.learners import Learner
from kiosk.store.outbox import OutboxEvent
from kiosk.store.progress import LessonProgress
from kiosk.store.store import Store, open_store
from kiosk.store.sync_state import SyncState

__all__ = [
    "DamagedDatabaseError",
    "Learner",
    "LessonProgress",
    "OutboxEvent",
    "SchemaTooNewError",
    "Store",
    "StoreError",
    "SyncState",
    "UnknownLearnerError",
    "open_store",
]
