"""The one way the UI runs slow work off its thread: `run_in_background(work, on_done, on_error)`.

`work(task)` runs on a plain Python thread and never touches widgets; it may call
`task.report(done, total)` for progress and should stop soon after `task.cancel_event` is set
(kiosk.bundles takes that event as its `cancel`). The callbacks arrive on the UI thread: the
worker emits queued Qt signals on the `Task`, a QObject that lives on the UI thread and is kept
alive until its work has ended. `cancel()` asks the work to stop and still reports how it
ended (an install says "cancelled"); `abandon()` also drops every later callback, for a screen
that is going away. A callback whose `owner` widget was deleted is dropped too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)

Work = Callable[["Task"], Any]
_alive: set[Task] = set()  # tasks whose thread may still emit: never collected before the end


class Task(QObject):
    """A piece of work on a background thread, and its results delivered on the UI thread."""

    progressed = Signal(object, object)  # done, total (ints may exceed 32 bits)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    ended = Signal()
    _progress_out = Signal(object, object)
    _done_out = Signal(object)
    _error_out = Signal(object)

    def __init__(self, name: str, owner: QObject | None = None) -> None:
        super().__init__()
        self.name = name
        self.cancel_event = threading.Event()
        self.running = True
        self._owner = owner
        self._dropped = False
        self._thread: threading.Thread | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_out.connect(self._deliver_progress, queued)
        self._done_out.connect(self._deliver_done, queued)
        self._error_out.connect(self._deliver_error, queued)

    # -- called from the worker thread ------------------------------------------------------

    def report(self, done: int, total: int) -> None:
        self._progress_out.emit(done, total)

    def _run(self, work: Work) -> None:
        try:
            result = work(self)
        except BaseException as error:  # noqa: BLE001 (every failure goes to the UI)
            if not isinstance(error, Exception):
                log.warning("task %s stopped: %r", self.name, error)
            self._error_out.emit(error)
        else:
            self._done_out.emit(result)

    # -- UI thread --------------------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        """Ask the work to stop; how it ended is still reported."""
        self.cancel_event.set()

    def abandon(self) -> None:
        """Stop the work and forget it: no callback runs any more."""
        self._dropped = True
        self.cancel_event.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread ends (tests and shutdown only); True if it did."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _deliverable(self) -> bool:
        owner = self._owner
        return not self._dropped and (owner is None or shiboken6.isValid(owner))

    @Slot(object, object)
    def _deliver_progress(self, done: object, total: object) -> None:
        if self.running and self._deliverable():
            self.progressed.emit(done, total)

    @Slot(object)
    def _deliver_done(self, result: object) -> None:
        self._end(self.succeeded, result)

    @Slot(object)
    def _deliver_error(self, error: object) -> None:
        self._end(self.failed, error)

    def _end(self, signal: Any, value: object) -> None:
        self.running = False
        try:
            if self._deliverable():
                signal.emit(value)
                self.ended.emit()
        finally:
            _alive.discard(self)


def run_in_background(
    work: Work,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    *,
    name: str = "work",
    owner: QObject | None = None,
) -> Task:
    """Start `work(task)` on its own thread; the callbacks run later on the UI thread."""
    task = Task(name, owner)
    if on_done is not None:
        task.succeeded.connect(on_done)
    if on_error is not None:
        task.failed.connect(on_error)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    _alive.add(task)
    thread = threading.Thread(target=task._run, args=(work,), name=f"kiosk-{name}", daemon=True)
    task._thread = thread
    thread.start()
    return task
