"""Log files in the data folder: `<data>/logs/kiosk.log` for the kiosk, `supervisor.log` for
the supervisor, `cli.log` for the other commands (one file per kind of process, so two
processes never rotate the same file), each rotating (1 MB, five old files kept) so a kiosk
that runs for years never fills its disk with logs.

`setup(data_dir)` adds the rotating file handler to the root logger once per process and per
file (calling it again is harmless); the console handler the command line set up stays as it
is. A data folder that cannot be written never stops the kiosk: the log then goes to stderr
only, and a warning says so.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

LOGS_DIR = "logs"
KIOSK_LOG = "kiosk.log"
SUPERVISOR_LOG = "supervisor.log"
CLI_LOG = "cli.log"  # technicians' commands (kiosk progress, bundle install ...)
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

_installed: dict[Path, logging.Handler] = {}


class _EarlyBuffer(logging.Handler):
    """Keeps the first records while the file handler is not made yet (see `setup`)."""

    LIMIT = 5000

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < self.LIMIT:
            self.records.append(record)


def logs_dir(data_dir: Path) -> Path:
    return Path(data_dir) / LOGS_DIR


def _quiet_console(level: int) -> None:
    root = logging.getLogger()
    for other in root.handlers:
        # The command line's console handler stays at WARNING: stderr keeps one-line reasons.
        if type(other) is logging.StreamHandler and other.level == logging.NOTSET:
            other.setLevel(max(root.level, logging.WARNING))
    kiosk_logger = logging.getLogger("kiosk")
    if kiosk_logger.getEffectiveLevel() > level:
        kiosk_logger.setLevel(level)


def setup(
    data_dir: Path, name: str = KIOSK_LOG, level: int = logging.INFO, deferred: bool = False
) -> Path | None:
    """Log INFO and above to a rotating file in `<data>/logs/`; returns its path (None if the
    folder cannot be written).

    `deferred`: only collect the records for now and make the file handler in `complete`
    (importing logging.handlers costs ~30 ms, which the kiosk's start-up budget cannot
    spare before the home screen shows).
    """
    path = (logs_dir(data_dir) / name).resolve()
    if path in _installed:
        if not deferred:
            complete(data_dir, name)
        return path
    _quiet_console(level)
    if deferred:
        buffer = _EarlyBuffer(level)
        logging.getLogger().addHandler(buffer)
        _installed[path] = buffer
        return path
    return _attach(path, level)


def _attach(path: Path, level: int, early: list[logging.LogRecord] = ()) -> Path | None:
    import logging.handlers

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
    except OSError as error:
        log.warning("no log file in %s: %s", path.parent, error)
        return None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    for record in early:
        handler.handle(record)
    logging.getLogger().addHandler(handler)
    _installed[path] = handler
    return path


def complete(data_dir: Path, name: str = KIOSK_LOG) -> Path | None:
    """Make the file handler of a deferred `setup` and write what was logged meanwhile."""
    path = (logs_dir(data_dir) / name).resolve()
    buffer = _installed.get(path)
    if not isinstance(buffer, _EarlyBuffer):
        return path if buffer is not None else None
    logging.getLogger().removeHandler(buffer)
    del _installed[path]
    return _attach(path, buffer.level, buffer.records)


def teardown(data_dir: Path, name: str = KIOSK_LOG) -> None:
    """Remove and close the file handler `setup` added (tests open many data folders)."""
    path = (logs_dir(data_dir) / name).resolve()
    handler = _installed.pop(path, None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
