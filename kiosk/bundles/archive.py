"""Reading a `.kbundle` zip defensively: structure checks first, then bounded streaming.

`BundleArchive` opens the zip and, before a single byte is decompressed, refuses what could
hurt the kiosk: too many entries, encrypted or exotic compression, folders, links and other
special entries (from the Unix mode in `external_attr`), unsafe or colliding names, and zip
bombs (a file or a total over the limits, or a compression ratio no lesson file reaches).
Headers can lie, so `stream` counts the bytes it really gets and stops at the declared size.
Every failure of `zipfile`, `zlib` or the disk under it (a USB stick pulled mid-read) comes out
as a `BundleError`, never as a library exception.
"""

from __future__ import annotations

import contextlib
import logging
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kiosk.bundles.errors import (
    BundleError,
    DamagedBundleError,
    FormatError,
    IntegrityError,
    TooLargeError,
    UnsafePathError,
)
from kiosk.bundles.paths import check_name, check_unique
from kiosk.i18n import _

log = logging.getLogger(__name__)

MiB = 1 << 20
CHUNK = 4 * MiB  # large reads: the install streams at disk speed, not at Python-call speed
ZIP_MAGIC = b"PK\x03\x04"
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, struct.error, ValueError,
               NotImplementedError, RuntimeError, UnicodeDecodeError, OverflowError, IndexError,
               KeyError)


@dataclass(frozen=True)
class Limits:
    """What the kiosk accepts; tests shrink them, a province could raise them."""

    max_entries: int = 20_000
    max_file_size: int = 1024 * MiB
    max_total_size: int = 4096 * MiB
    max_ratio: int = 200  # uncompressed / compressed; SVG and YAML stay far below
    ratio_floor: int = 256 * 1024  # smaller files cannot make a bomb, whatever their ratio
    max_manifest_size: int = 16 * MiB


DEFAULT_LIMITS = Limits()


def size_text(size: int) -> str:
    """A size for people: bytes, KB, MB or GB (decimal point by the UI language)."""
    from kiosk.i18n import format_number

    if size < 1024:
        return _("{n} bytes").format(n=size)
    if size < MiB:
        return _("{n} KB").format(n=format_number(round(size / 1024, 1)))
    if size < 1024 * MiB:
        return _("{n} MB").format(n=format_number(round(size / MiB, 1)))
    return _("{n} GB").format(n=format_number(round(size / (1024 * MiB), 1)))


def damaged(detail: object = None) -> DamagedBundleError:
    log.info("bundle damaged: %s", detail)
    return DamagedBundleError(_("the bundle file is damaged or incomplete (was it copied "
                                "completely, and the USB stick not removed too early?)"))


@contextlib.contextmanager
def reading(name: str) -> Iterator[None]:
    """Turn library and disk errors while reading entry `name` into BundleErrors."""
    try:
        yield
    except BundleError:
        raise
    except OSError as error:
        log.info("reading %s failed: %s", name, error)
        raise DamagedBundleError(_("the bundle file could not be read ({reason}); was the USB "
                                   "stick removed?").format(reason=error.strerror or error)
                                 ) from error
    except (zipfile.BadZipFile, zlib.error) as error:
        if "CRC" in str(error) or isinstance(error, zlib.error):
            raise IntegrityError(_("the file `{name}` in the bundle is damaged or was "
                                   "changed").format(name=name)) from error
        raise damaged(error) from error
    except _ZIP_ERRORS as error:
        raise damaged(error) from error


def _special(info: zipfile.ZipInfo) -> bool:
    """True for folders, links, devices, sockets: anything but a regular file."""
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return True
    return info.filename.endswith("/") or bool(info.external_attr & 0x10)  # MS-DOS folder bit


class BundleArchive:
    """An open bundle zip whose structure has been checked against `limits`."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.limits = limits
        try:
            self._file: BinaryIO = self.path.open("rb")
        except OSError as error:
            raise DamagedBundleError(_("cannot open the bundle file {name}: {reason}").format(
                name=self.path.name, reason=error.strerror or error)) from error
        try:
            self._zip = self._open_zip()
            self.entries = self._check_structure()
        except BaseException:
            self._file.close()
            raise

    def _open_zip(self) -> zipfile.ZipFile:
        with reading(self.path.name):
            head = self._file.read(4)
            self._file.seek(0)
            try:
                return zipfile.ZipFile(self._file)
            except _ZIP_ERRORS as error:
                if head != ZIP_MAGIC:
                    raise FormatError(_("{name} is not a kiosk lesson bundle").format(
                        name=self.path.name)) from error
                raise damaged(error) from error

    def _check_structure(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_entries:
            raise TooLargeError(_("the bundle holds too many files ({count}; at most {limit})"
                                  ).format(count=len(infos), limit=limits.max_entries))
        for info in infos:
            if _special(info):
                raise UnsafePathError(_("`{name}` in the bundle is a folder entry, link or "
                                        "special file; only plain files are accepted").format(
                                            name=info.filename))
        check_unique([info.filename for info in infos])
        total = 0
        for info in infos:
            check_name(info.filename)
            if info.flag_bits & 0x1:
                raise FormatError(_("the bundle holds an encrypted file, which the kiosk does "
                                    "not accept"))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise FormatError(_("the bundle uses a compression the kiosk does not "
                                    "read; pack it again with `kiosk bundle pack`"))
            if info.file_size > limits.max_file_size:
                raise TooLargeError(_("the file `{name}` is too large ({size}; the kiosk "
                                      "accepts at most {limit})").format(
                                          name=info.filename, size=size_text(info.file_size),
                                          limit=size_text(limits.max_file_size)))
            if info.file_size > limits.ratio_floor and \
                    info.file_size > max(info.compress_size, 1) * limits.max_ratio:
                raise TooLargeError(_("the file `{name}` expands far more than any lesson file "
                                      "(a zip bomb?)").format(name=info.filename))
            total += info.file_size
        if total > limits.max_total_size:
            raise TooLargeError(_("the bundle is too large ({size}; the kiosk accepts at most "
                                  "{limit})").format(size=size_text(total),
                                                     limit=size_text(limits.max_total_size)))
        return {info.filename: info for info in infos}

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._zip.close()
        self._file.close()

    def __enter__(self) -> BundleArchive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read_small(self, name: str, limit: int) -> bytes:
        """A whole small entry (manifest, signature), refused over `limit` bytes."""
        info = self.entries[name]
        if info.file_size > limit:
            raise TooLargeError(_("`{name}` in the bundle is too large").format(name=name))
        return b"".join(self.stream(name, limit))

    def stream(self, name: str, declared: int, chunk: int = CHUNK) -> Iterator[bytes]:
        """The entry's bytes in chunks, stopping with TooLargeError past `declared` bytes."""
        info = self.entries[name]
        seen = 0
        with reading(name), self._zip.open(info) as member:
            while True:
                # One byte more than allowed proves a lie without reading the whole bomb.
                data = member.read(min(chunk, declared - seen + 1))
                if not data:
                    break
                seen += len(data)
                if seen > declared:
                    raise TooLargeError(_("the file `{name}` is larger than the bundle "
                                          "says").format(name=name))
                yield data
