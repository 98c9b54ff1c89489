"""Health facts for the technician: uptime, crashes, disk, last sync, database, speech.

`collect(data_dir, store)` gathers what can be known at once (no speech engine started):
how long this kiosk process and the PC have run, the crashes the supervisor recorded
(kiosk.ops.supervisor), free space on the data folder's disk, the last successful sync and the
last sync error (when kiosk.sync is installed and the kiosk is enrolled), the database's size
and latest backup. `speech_self_test(...)` runs kiosk.speech.diagnostics' checks; it blocks
for seconds, so the technician screen runs it off the UI thread. `lines(health)` turns the
facts into short sentences in the UI language; `as_json` is for `kiosk health --json`.
No Qt here.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import config
from kiosk.i18n import _, ngettext
from kiosk.ops.supervisor import SUPERVISED_ENV, read_crashes

if TYPE_CHECKING:
    from kiosk.speech.diagnostics import Check
    from kiosk.speech.engine import TtsEngine
    from kiosk.store import Store

log = logging.getLogger(__name__)

LOW_DISK_BYTES = 500 * 1024 * 1024
_PROCESS_STARTED = time.monotonic()


@dataclass(frozen=True)
class Health:
    checked_at: str
    process_uptime_s: float
    system_uptime_s: float | None
    supervised: bool
    crashes_total: int
    crashes_today: int
    last_crash: str | None
    disk_free_bytes: int | None
    disk_total_bytes: int | None
    database_bytes: int | None
    last_backup: str | None
    sync_enrolled: bool | None  # None: no sync support in this build
    last_sync: str | None
    last_sync_error: str | None
    version: str


def _system_uptime() -> float | None:
    try:
        with open("/proc/uptime", encoding="ascii") as handle:
            return float(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    if sys.platform == "win32":
        try:
            import ctypes

            return ctypes.windll.kernel32.GetTickCount64() / 1000.0  # type: ignore[attr-defined]
        except (OSError, AttributeError):
            return None
    return None


def _sync_facts(store: Store | None) -> tuple[bool | None, str | None, str | None]:
    reader = getattr(store, "sync_state", None)
    if reader is None:
        return None, None, None
    try:
        state = reader()
    except Exception:  # a damaged row must not hide the other facts
        log.exception("sync state unreadable")
        return None, None, None
    return (bool(getattr(state, "is_enrolled", False)), getattr(state, "last_success", None),
            getattr(state, "last_error", None))


def collect(data_dir: Path, store: Store | None = None) -> Health:
    from kiosk import __version__
    from kiosk.store import recovery

    data_dir = Path(data_dir)
    crashes = read_crashes(data_dir)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    try:
        usage = shutil.disk_usage(data_dir)
        free, total = usage.free, usage.total
    except OSError:
        free = total = None
    database = config.database_path(data_dir)
    try:
        size = database.stat().st_size
    except OSError:
        size = None
    backups = recovery.list_backups(database)
    enrolled, last_sync, last_error = _sync_facts(store)
    return Health(
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        process_uptime_s=round(time.monotonic() - _PROCESS_STARTED, 1),
        system_uptime_s=_system_uptime(),
        supervised=os.environ.get(SUPERVISED_ENV) == "1",
        crashes_total=len(crashes),
        crashes_today=sum(1 for c in crashes if c.time.startswith(today)),
        last_crash=crashes[-1].time if crashes else None,
        disk_free_bytes=free,
        disk_total_bytes=total,
        database_bytes=size,
        last_backup=backups[0].made if backups else None,
        sync_enrolled=enrolled,
        last_sync=last_sync,
        last_sync_error=last_error,
        version=__version__,
    )


def as_json(health: Health) -> dict[str, Any]:
    return asdict(health)


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        # Translators: a duration, e.g. "2 days 3 h".
        return ngettext("{n} day", "{n} days", days).format(n=days) + f" {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _when(value: str | None) -> str:
    if not value:
        return _("never")
    from kiosk.i18n import format_datetime

    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_datetime(moment.astimezone() if moment.tzinfo else moment)


def _gigabytes(value: int) -> str:
    from kiosk.i18n import format_number

    return format_number(round(value / 1024**3, 1)) + " GB"


def lines(health: Health, disk: bool = True) -> list[tuple[str, bool]]:
    """(sentence, ok) pairs for the technician screen, in the UI language (`disk`: with the
    free space, which the technician screen shows on its own line already)."""
    found: list[tuple[str, bool]] = []
    found.append((_("The kiosk has been running for {time}.").format(
        time=_duration(health.process_uptime_s)), True))
    if health.system_uptime_s is not None:
        found.append((_("The computer was switched on {time} ago.").format(
            time=_duration(health.system_uptime_s)), True))
    if not health.supervised:
        found.append((_("The kiosk runs without its supervisor: a crash will not restart it."),
                      False))
    found.append((ngettext("{n} crash today", "{n} crashes today", health.crashes_today).format(
        n=health.crashes_today) + "; " + _("{n} in all, the last one: {when}.").format(
        n=health.crashes_total, when=_when(health.last_crash)), health.crashes_today == 0))
    if disk and health.disk_free_bytes is not None:
        found.append((_("Free disk space: {free}.").format(
            free=_gigabytes(health.disk_free_bytes)),
            health.disk_free_bytes >= LOW_DISK_BYTES))
    found.append((_("Last backup of the learners' data: {when}.").format(
        when=_when(health.last_backup)), health.last_backup is not None))
    if health.sync_enrolled is not None:
        if not health.sync_enrolled:
            found.append((_("This kiosk is not connected to a hub yet."), True))
        else:
            found.append((_("Last sync: {when}.").format(when=_when(health.last_sync)),
                          health.last_sync is not None))
            if health.last_sync_error:
                found.append((_("Last sync problem: {error}").format(
                    error=health.last_sync_error), False))
    return found


def speech_self_test(
    engine: TtsEngine, languages: Iterable[Any], audio_outputs: Sequence[str]
) -> list[Check]:
    """The speech checks of kiosk.speech.diagnostics (blocks: run it off the UI thread)."""
    from kiosk.speech.diagnostics import run_checks

    return run_checks(engine, languages, audio_outputs)
