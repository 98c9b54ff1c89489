"""Small file-system helpers for bundles: atomic writes, directory fsync, a folder lock.

Installing must survive the power going at any moment, so every file that matters is written
to a temporary name, flushed with fsync, renamed into place, and its folder flushed too. The
folder lock keeps two installs (say the technician screen and the command line) from cleaning
each other's staging folder; the operating system drops it when a process dies, even by kill -9.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk; a no-op where unsupported."""
    if sys.platform == "win32":
        return  # NTFS journals metadata; directories cannot be opened for fsync there
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        log.debug("fsync of folder %s: %s", path, error)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a reader sees the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_dir(path.parent)


def remove_tree(path: Path) -> None:
    """Delete a folder (or file) if it exists; problems are logged, never raised."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    except OSError as error:
        log.warning("could not remove %s: %s", path, error)


@contextlib.contextmanager
def folder_lock(lock_file: Path, blocking: bool = False) -> Iterator[bool]:
    """Hold an exclusive lock on `lock_file`; yields False if another process holds it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_file.open("a+b")
    locked = False
    try:
        if sys.platform == "win32":
            import msvcrt

            try:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if blocking else msvcrt.LK_NBLCK, 1)
                locked = True
            except OSError:
                locked = False
        else:
            import fcntl

            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                locked = True
            except OSError:
                locked = False
        yield locked
    finally:
        if locked and sys.platform == "win32":
            import msvcrt

            with contextlib.suppress(OSError):
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        handle.close()  # closing the file releases a POSIX flock
