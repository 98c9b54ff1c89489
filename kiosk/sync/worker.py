"""The background sync worker: one daemon thread that runs sync passes and reschedules itself.

It opens its own `Store` (its own SQLite connection: WAL lets it read and write while the
learner's screens write) and never touches widgets. After a good pass it waits `interval`
seconds; after a failed one, an exponentially growing, jittered delay (`backoff_delay`,
capped), so a kiosk without network probes now and then instead of hammering. `wake()` asks
for a pass now (the technician's "sync now" button); `stop()` ends the thread, interrupting
waits and downloads. The UI may instead run `kiosk.sync.engine.sync_once` in its own
background helper; both take the same lock, so they never overlap.
A kiosk with no hub (not enrolled, no code waiting) is left alone: the worker only looks again
after `interval`, and never imports the network code (kiosk.sync.engine, httpx: ~7 MB resident,
DESIGN §10), which the first pass with a hub loads. `on_result(report, error)` is called on
the worker thread after each pass: a Qt caller must hand it to the UI thread (a queued signal)
before touching widgets.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.store import Store, open_store
from kiosk.sync.errors import SyncBusyError

if TYPE_CHECKING:
    from kiosk.sync.client import RetryPolicy
    from kiosk.sync.engine import SyncReport

log = logging.getLogger(__name__)

OnResult = Callable[["SyncReport | None", BaseException | None], None]


def backoff_delay(failures: int, base: float = 30.0, cap: float = 3600.0,
                  rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` failed passes in a row: base·2^(n-1), capped, ±50 %."""
    rng = rng or random.Random()
    exponent = max(0, min(failures - 1, 30))
    ceiling = min(cap, base * (2 ** exponent))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class SyncWorker:
    def __init__(self, data_dir: Path, *, interval: float = 300.0, first_delay: float = 10.0,
                 backoff_base: float = 30.0, backoff_cap: float = 3600.0,
                 retry: RetryPolicy | None = None, on_result: OnResult | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.interval = interval
        self.first_delay = first_delay
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry = retry
        self.on_result = on_result
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run a pass as soon as the current one (if any) ends."""
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        from kiosk import config

        try:
            store = open_store(config.database_path(self.data_dir))
        except Exception:
            log.exception("the sync worker cannot open the kiosk database; it stops")
            return
        try:
            delay = self.first_delay
            while not self._stop.is_set():
                self._wake.wait(delay)
                self._wake.clear()
                if self._stop.is_set():
                    break
                delay = self._one_pass(store)
        finally:
            store.close()

    def _one_pass(self, store: Store) -> float:
        if not _has_hub(store):
            return self.interval  # no hub to talk to: look again later, record nothing
        from kiosk.sync.client import CancelledError
        from kiosk.sync.engine import sync_once

        report: SyncReport | None = None
        failure: BaseException | None = None
        try:
            report = sync_once(self.data_dir, store=store, retry=self.retry, cancel=self._stop)
        except CancelledError:
            return 0.0
        except Exception as error:  # the worker must outlive any failure; the log keeps it
            failure = error
            if not hasattr(error, "user_message"):
                log.exception("sync pass failed unexpectedly")
        self.passes += 1
        delay = self.interval
        if failure is not None and not isinstance(failure, SyncBusyError):
            failures = max(1, store.sync_state().failures)
            delay = backoff_delay(failures, self.backoff_base, self.backoff_cap)
        try:
            when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
            store.update_sync_state(next_attempt=when.isoformat(timespec="seconds"))
        except Exception:
            log.exception("cannot record the next sync time")
        if self.on_result is not None:
            try:
                self.on_result(report, failure)
            except Exception:
                log.exception("the sync result callback failed")
        return delay


def _has_hub(store: Store) -> bool:
    """A token, or a code waiting with the hub's address; a state that cannot be read counts
    as a hub, so the pass runs and reports why."""
    try:
        state = store.sync_state()
    except Exception:
        return True
    return bool(state.token or (state.enroll_code and state.hub_url))
