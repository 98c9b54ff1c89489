"""One sync pass: enroll if a code waits, probe the hub, push the outbox, pull newer bundles.

`sync_once` is what `kiosk sync now` runs and what the worker repeats. It holds a folder lock
(`<data>/sync.lock`) so two passes never run at once, and records its outcome in the store
(`last_attempt`, `last_success`, `last_error`, `failures`) whatever happens. Pushing sends the
oldest unacknowledged events in signed batches of at most 1000 and marks acknowledged only the
ids the hub lists in `acked` (and that were in the batch): a lost answer leaves them pending,
and the next attempt sends them again, which the hub counts as duplicates. Each answer's
`hub_time` moves the kiosk's clock forward.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.bundles.fsutil import folder_lock
from kiosk.i18n import _
from kiosk.store import Store, StoreError, open_store
from kiosk.store.db import now_iso
from kiosk.sync.client import CancelledError, HubClient, RetryPolicy
from kiosk.sync.enroll import complete_pending
from kiosk.sync.errors import NotEnrolledError, ProtocolError, SyncBusyError, SyncError
from kiosk.sync.identity import KioskKey, load_key
from kiosk.sync.pull import pull_bundles
from kiosk.sync.wire import MAX_BATCH, batch_body, sign_body

log = logging.getLogger(__name__)

LOCK_FILE = "sync.lock"


@dataclass
class SyncReport:
    enrolled_now: bool = False
    batches: int = 0
    sent: int = 0  # events sent, counting resent ones once per pass
    acked: int = 0  # events newly acknowledged
    stored: int = 0  # new to the hub
    duplicates: int = 0  # the hub had them already (a retry, or a stick file got there first)
    installed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@contextmanager
def store_for(data_dir: Path, store: Store | None) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    from kiosk import config

    opened = open_store(config.database_path(Path(data_dir)))
    try:
        yield opened
    finally:
        opened.close()


def require_key(data_dir: Path) -> KioskKey:
    key = load_key(data_dir)
    if key is None:
        raise NotEnrolledError(_("The kiosk's sync key is missing. Enroll the kiosk again with "
                                 "a new code."))
    return key


@dataclass(frozen=True)
class _Outgoing:
    """A signed batch ready to send, and what the kiosk needs to check the hub's answer."""

    ids: list[str]
    last_seq: int
    wire: dict[str, str]


def _next_batch(store: Store, key: KioskKey, kiosk_id: str, after_seq: int,
                size: int) -> _Outgoing | None:
    """The oldest pending events after `after_seq`, signed; None when there are none."""
    rows = store.pending_rows(size, after_seq)
    if not rows:
        return None
    body = batch_body(kiosk_id, rows, store.next_hlc())
    return _Outgoing([row.id for row in rows], rows[-1].seq, sign_body(key, body))


def _take_answer(store: Store, sent: _Outgoing, answer: dict[str, Any],
                 report: SyncReport) -> None:
    """Acknowledge what the hub lists in `acked` (and was in the batch); raise when some of
    the batch is missing, so the pass ends and those events go again next time."""
    acked = answer.get("acked")
    if not isinstance(acked, list):
        raise ProtocolError(_("The hub's answer to push is not valid."))
    sent_ids = set(sent.ids)
    confirmed = [event_id for event_id in acked if event_id in sent_ids]
    report.batches += 1
    report.sent += len(sent.ids)
    report.acked += store.ack_events(confirmed)
    for name in ("stored", "duplicates"):
        listed = answer.get(name)
        if isinstance(listed, list):
            setattr(report, name, getattr(report, name) + len(listed))
    store.observe_hlc(answer.get("hub_time"))
    if len(set(confirmed)) != len(sent_ids):
        raise ProtocolError(_("The hub did not acknowledge {missing} of the events sent; "
                              "they will be sent again.").format(
                                  missing=len(sent_ids) - len(set(confirmed))))


def push_pending(store: Store, client: HubClient, key: KioskKey, kiosk_id: str,
                 report: SyncReport, batch_size: int = MAX_BATCH) -> None:
    """Push every pending event, batch by batch, until none is left or something fails.

    One request is in flight at a time (the hub gets this kiosk's batches one by one, in
    order), but the kiosk does not sit idle while the hub works: the next batch is read and
    signed during the request and sent as soon as the answer is in, and the answer is
    acknowledged while that next request travels. An error ends the pass once the request in
    flight has finished (its events stay pending until an answer acknowledges them, like any
    other).
    """
    size = max(1, min(batch_size, MAX_BATCH))
    current = _next_batch(store, key, kiosk_id, 0, size)
    if current is None:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as sender:
        in_flight = sender.submit(client.push, current.wire)
        while current is not None:
            following = _next_batch(store, key, kiosk_id, current.last_seq, size)
            answer = in_flight.result()
            if following is not None:
                in_flight = sender.submit(client.push, following.wire)
            _take_answer(store, current, answer, report)
            current = following


def _pass(store: Store, data_dir: Path, retry: RetryPolicy | None,
          cancel: threading.Event | None, batch_size: int) -> SyncReport:
    report = SyncReport()
    state = store.sync_state()
    if not state.token:
        if not (state.enroll_code and state.hub_url and state.kiosk_id):
            if state.is_enrolled:
                raise NotEnrolledError(_("This kiosk syncs through the stick only. To sync over "
                                         "the network, enroll it with a new code and the hub's "
                                         "address."))
            raise NotEnrolledError(_("This kiosk is not enrolled with a hub. Enroll it with "
                                     "the code from the hub."))
        with HubClient(state.hub_url, retry=retry, cancel=cancel) as client:
            complete_pending(store, state, require_key(data_dir), client)
        report.enrolled_now = True
        state = store.sync_state()
    assert state.hub_url and state.kiosk_id and state.token
    key = require_key(data_dir)
    with HubClient(state.hub_url, state.kiosk_id, state.token, retry=retry,
                   cancel=cancel) as client:
        client.health()
        push_pending(store, client, key, state.kiosk_id, report, batch_size)
        pulled = pull_bundles(store, client, data_dir)
    report.installed.extend(pulled.installed)
    report.problems.extend(pulled.problems)
    return report


def sync_once(data_dir: Path, *, store: Store | None = None, retry: RetryPolicy | None = None,
              cancel: threading.Event | None = None, batch_size: int = MAX_BATCH) -> SyncReport:
    """One whole pass; its outcome is recorded in the store, and failures raise SyncError."""
    data_dir = Path(data_dir)
    with folder_lock(data_dir / LOCK_FILE) as locked:
        if not locked:
            raise SyncBusyError(_("A sync is already running on this kiosk."))
        with store_for(data_dir, store) as db:
            db.update_sync_state(last_attempt=now_iso())
            try:
                report = _pass(db, data_dir, retry, cancel, batch_size)
            except CancelledError:
                raise  # the kiosk is shutting down: not a failure of the hub or the network
            except (SyncError, StoreError, OSError) as error:
                message = getattr(error, "user_message", None) or _(
                    "The kiosk could not sync ({reason}).").format(reason=error)
                failures = db.sync_state().failures + 1
                db.update_sync_state(last_error=message, last_error_at=now_iso(),
                                     failures=failures)
                log.info("sync pass failed (%d in a row): %s", failures, message)
                raise
            problem = report.problems[-1] if report.problems else None
            db.update_sync_state(last_success=now_iso(), last_error=problem,
                                 last_error_at=now_iso() if problem else None, failures=0)
    log.info("sync pass: %d event(s) acknowledged in %d batch(es), %d bundle(s) installed",
             report.acked, report.batches, len(report.installed))
    return report
