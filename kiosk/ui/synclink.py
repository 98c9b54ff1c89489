"""The window's link to sync: the background SyncWorker, its results on the UI thread, the status.

kiosk.sync does the work and never touches Qt; this QObject is the only UI code that talks to
it about passes. `start_worker` imports kiosk.sync (httpx and friends) on a background thread,
reads the status there, then starts a `SyncWorker` (a daemon thread): the kiosk's start-up
never pays for sync. The worker calls back on its own thread after each pass; the callback
reads the new status there too and hands both to the UI thread through a queued signal
(`pass_finished`, `status_changed`). A pass that installed lesson bundles from the hub makes
the session load the curriculum again off the UI thread, then `lessons_changed` tells the
window to show the new lessons. `sync_now` wakes the worker when it would sync, else runs one
pass as a kiosk.ui.tasks job; `refresh` re-reads the status after the technician changed
something (a stick export, a receipt, an enrollment). `stop` ends it all when the window
closes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:
    from kiosk.sync.worker import SyncWorker
    from kiosk.ui.session import Session

log = logging.getLogger(__name__)

FIRST_DELAY = 10.0  # seconds after start before the first pass: the kiosk settles first
STOP_TIMEOUT = 5.0  # seconds the window waits for a pass in flight when it closes

Status = dict[str, Any]


def worker_would_sync(status: Status) -> bool:
    """What the worker needs to run a pass (the same test as SyncWorker's): a token, or a
    code waiting together with the hub's address."""
    return bool(status.get("online")
                or (status.get("enrollment_waiting") and status.get("hub_url")))


def read_status(data_dir: Path) -> Status:
    """kiosk.sync's status dict, on its own database connection (call it off the UI thread)."""
    from kiosk.sync.status import sync_status

    return sync_status(data_dir)


class SyncLink(QObject):
    """Starts, wakes and stops the sync worker; reports passes and status on the UI thread."""

    status_changed = Signal(object)  # the dict of kiosk.sync.status
    pass_finished = Signal(object, object)  # SyncReport or None, the exception or None
    lessons_changed = Signal()  # the session shows a curriculum with new lessons
    _worker_out = Signal(object, object, object)  # report, error, status (from the worker)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data_dir = session.data_dir
        self.status: Status | None = None
        self.worker: SyncWorker | None = None
        self.passes = 0  # passes reported here, by the worker or by `sync_now`
        self._stopped = False
        self._starting: Task | None = None
        self._reading: Task | None = None
        self._running: Task | None = None
        self._reloading: Task | None = None
        self._worker_out.connect(self._worker_passed, Qt.ConnectionType.QueuedConnection)

    # -- the worker --------------------------------------------------------------------------

    def start_worker(self, **options: Any) -> None:
        """Start the background worker once kiosk.sync is imported (off the UI thread).

        `options` go to SyncWorker (interval, first_delay, retry, ...): tests sync at once.
        """
        if self.worker is not None or self._starting is not None or self._stopped:
            return
        options.setdefault("first_delay", FIRST_DELAY)
        data_dir = self.data_dir

        def work(_task: Task) -> Status:
            import kiosk.sync.worker  # noqa: F401 (the import is the slow part)

            return read_status(data_dir)

        self._starting = run_in_background(
            work, lambda status: self._begin(status, options), self._start_failed,
            name="sync-start", owner=self)

    def _begin(self, status: Status, options: dict[str, Any]) -> None:
        self._starting = None
        self._set_status(status)
        if self._stopped:
            return
        from kiosk.sync.worker import SyncWorker

        emit = self._worker_out.emit
        data_dir = self.data_dir

        def on_result(report: object, error: BaseException | None) -> None:
            # On the worker thread: read the new status here, then hand over to the UI thread.
            try:
                status: Status | None = read_status(data_dir)
            except Exception:
                log.exception("sync status unreadable after a pass")
                status = None
            try:
                emit(report, error, status)
            except RuntimeError:  # the window (and this link) is gone: nobody to tell
                pass

        self.worker = SyncWorker(data_dir, on_result=on_result, **options)
        self.worker.start()
        log.info("sync worker started")

    def _start_failed(self, error: BaseException) -> None:
        self._starting = None
        log.error("the sync worker could not start", exc_info=error)

    @Slot(object, object, object)
    def _worker_passed(self, report: object, error: object, status: object) -> None:
        if isinstance(status, dict):
            self._set_status(status)
        self._passed(report, error if isinstance(error, BaseException) else None)

    # -- what the technician asks ------------------------------------------------------------

    @property
    def syncing(self) -> bool:
        """A pass asked for with `sync_now` is running here (not through the worker)."""
        return self._running is not None

    def sync_now(self) -> None:
        """Sync as soon as possible; the outcome arrives as `pass_finished`."""
        if self._running is not None:
            return
        worker, data_dir = self.worker, self.data_dir

        def work(task: Task) -> tuple[str, object, Status | None]:
            from kiosk.sync.engine import sync_once

            if worker is not None and worker.running and worker_would_sync(read_status(data_dir)):
                worker.wake()  # its pass reports through on_result, like any other
                return "woken", None, None
            try:
                report: object = sync_once(data_dir, cancel=task.cancel_event)
            except Exception as error:  # the page says why; sync_once has recorded it
                report = error
            return "ran", report, read_status(data_dir)

        self._running = run_in_background(work, self._ran, self._run_failed, name="sync-now",
                                          owner=self)

    def _ran(self, result: tuple[str, object, Status | None]) -> None:
        self._running = None
        how, outcome, status = result
        if how == "woken":
            return
        if status is not None:
            self._set_status(status)
        if isinstance(outcome, BaseException):
            self._passed(None, outcome)
        else:
            self._passed(outcome, None)

    def _run_failed(self, error: BaseException) -> None:
        self._running = None
        self._passed(None, error)
        self.refresh()

    def wake(self) -> None:
        """Ask the worker for a pass soon (after an enrollment), without waiting for it."""
        if self.worker is not None:
            self.worker.wake()

    def refresh(self) -> None:
        """Read the status again (off the UI thread); `status_changed` brings it."""
        if self._stopped:
            return
        if self._reading is not None:
            self._reading.abandon()
        data_dir = self.data_dir
        self._reading = run_in_background(lambda _task: read_status(data_dir), self._read,
                                          self._read_failed, name="sync-status", owner=self)

    def _read(self, status: Status) -> None:
        self._reading = None
        self._set_status(status)

    def _read_failed(self, error: BaseException) -> None:
        self._reading = None
        log.warning("sync status unreadable: %r", error)

    # -- results -----------------------------------------------------------------------------

    def _set_status(self, status: Status) -> None:
        self.status = status
        self.status_changed.emit(status)

    def _passed(self, report: object, error: BaseException | None) -> None:
        self.passes += 1
        self.pass_finished.emit(report, error)
        if report is not None and getattr(report, "installed", None):
            self._reload_lessons()

    def _reload_lessons(self) -> None:
        if self._reloading is not None:
            self._reloading.abandon()
        session = self.session
        self._reloading = run_in_background(lambda _task: session.load_curriculum(),
                                            self._use_lessons, self._reload_failed,
                                            name="lessons-reload", owner=self)

    def _use_lessons(self, curriculum: object) -> None:
        self._reloading = None
        self.session.use_curriculum(curriculum)  # type: ignore[arg-type]
        log.info("lessons reloaded after a sync installed bundles")
        self.lessons_changed.emit()

    def _reload_failed(self, error: BaseException) -> None:
        self._reloading = None  # installed: the lessons show at the next start
        log.error("lessons not reloaded after a sync", exc_info=error)

    # -- the end -----------------------------------------------------------------------------

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """The window closes: drop pending callbacks and end the worker thread."""
        self._stopped = True
        for task in (self._starting, self._reading, self._running, self._reloading):
            if task is not None:
                task.abandon()
        self._starting = self._reading = self._running = self._reloading = None
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop(timeout)
            log.info("sync worker stopped")
