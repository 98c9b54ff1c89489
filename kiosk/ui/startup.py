"""What `kiosk run` does around the window to run all day: logs, the database check, recovery.

- `prepare(data_dir)`: the rotating log file `<data>/logs/kiosk.log` (kiosk.ops.logs; the
  file handler is made after the first paint, the records before it are kept) and
  `faulthandler`, so a hard crash leaves a Python traceback on stderr (the supervisor keeps
  the last lines in its log). Qt's own warnings stay on stderr: a Python message handler
  deadlocks when a Qt thread (the audio backend's) warns while the UI thread waits for it.
- `open_store_checked(...)`: `PRAGMA integrity_check` before the store is opened; a damaged
  file (or one the store refuses as damaged) shows the recovery screen (kiosk.ui.recovery)
  instead of crashing, and the store is opened again once the technician repaired it.
- `after_start(window, data_dir)`: once the home screen is up, the daily backup (on a worker
  thread), the first-run key tutorial, and the scripted test driver when `KIOSK_AUTOPILOT`
  names a script (kiosk.ui.autopilot).
- `KIOSK_TEST_CRASH=start` makes the process abort at once: the supervisor's tests use it.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store import Store
    from kiosk.ui.window import MainWindow

log = logging.getLogger(__name__)

TEST_CRASH_ENV = "KIOSK_TEST_CRASH"
AUTOPILOT_ENV = "KIOSK_AUTOPILOT"
TUTORIAL_DELAY_MS = 600


def prepare(data_dir: Path) -> None:
    if os.environ.get(TEST_CRASH_ENV) == "start":
        print("kiosk: crashing on purpose (KIOSK_TEST_CRASH=start)", file=sys.stderr, flush=True)
        os.abort()
    from kiosk.ops import logs

    logs.setup(data_dir, deferred=True)  # the file itself once the home screen is painted
    if sys.stderr is not None and not faulthandler.is_enabled():
        try:
            faulthandler.enable()
        except (RuntimeError, ValueError, OSError):  # no usable stderr (a windowed build)
            pass


def open_store_checked(database: Path, interactive: bool, windowed: bool) -> Store:
    """The store, after the integrity check; the recovery screen when the file is damaged.

    Raises the StoreError when the kiosk cannot go on (not interactive, or the technician
    closed the recovery screen).
    """
    from kiosk.i18n import _
    from kiosk.store import DamagedDatabaseError, open_store, recovery

    while True:
        problems = recovery.integrity_problems(database)
        if not problems:
            try:
                return open_store(database)
            except DamagedDatabaseError as error:
                problems = [str(error)]
        log.error("the database %s is damaged: %s", database, "; ".join(problems))
        if not interactive:
            raise DamagedDatabaseError(_(
                "The database {path} is damaged ({problem}). Start the kiosk to restore a "
                "backup or start with empty data; the damaged file is kept."
            ).format(path=database, problem=problems[0]))
        from kiosk.ui.recovery import RECOVERED, run_recovery

        if run_recovery(database, problems, windowed) != RECOVERED:
            raise DamagedDatabaseError(_("The kiosk was closed on the recovery screen."))


def after_start(window: MainWindow, data_dir: Path) -> None:
    from PySide6.QtCore import QTimer

    from kiosk import config
    from kiosk.ops import logs
    from kiosk.store import recovery
    from kiosk.ui.tasks import run_in_background

    logs.complete(data_dir)
    database = config.database_path(data_dir)
    run_in_background(lambda _task: recovery.daily_backup(database), name="daily-backup",
                      owner=window)
    script = os.environ.get(AUTOPILOT_ENV)
    if script:
        from kiosk.ui.autopilot import Autopilot

        pilot = Autopilot(window, Path(script))
        window.autopilot = pilot  # type: ignore[attr-defined]
        QTimer.singleShot(TUTORIAL_DELAY_MS, pilot, pilot.start)  # dropped with the window
        return
    window.attendant.tutorial_after(TUTORIAL_DELAY_MS)
