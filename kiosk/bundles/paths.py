"""Which names may appear in a bundle: the rules that keep every file inside its folder.

A bundle comes from a USB stick anyone could have written, so each name in the zip and in the
manifest is checked before anything is extracted: forward slashes only, relative, no `..` or
empty parts, no drive letters, no control characters, nothing Windows cannot store (`<>:"|?*`,
reserved device names such as CON or NUL, a trailing dot or space), NFC-normalised, and no two
names that would land on the same file on a case-insensitive or Unicode-normalising disk
(macOS and Windows both are): `Image.svg` vs `image.svg`, or NFC vs NFD `ả.svg`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from kiosk.bundles.errors import UnsafePathError
from kiosk.i18n import _

MAX_NAME_CHARS = 1024
MAX_PART_BYTES = 255
_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_FORBIDDEN = set('<>:"|?*')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
BUNDLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collision_key(name: str) -> str:
    """Two names with the same key are the same file on macOS or Windows."""
    return nfc(nfc(name).casefold())


def _unsafe(name: str, reason: str) -> UnsafePathError:
    return UnsafePathError(_("unsafe file name `{name}` in the bundle: {reason}").format(
        name=name.encode("unicode_escape").decode("ascii") if not name.isprintable() else name,
        reason=reason))


def check_name(name: str) -> None:
    """Refuse a name that could escape the bundle folder or clash on some disk."""
    if not name or len(name) > MAX_NAME_CHARS:
        raise _unsafe(name[:80], _("empty or too long"))
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in name):
        raise _unsafe(name, _("it contains control characters"))
    if "\\" in name:
        raise _unsafe(name, _("it uses backslashes"))
    if name.startswith("/") or _DRIVE.match(name):
        raise _unsafe(name, _("it is an absolute path"))
    parts = name.split("/")
    if ".." in parts:
        raise _unsafe(name, _("it points outside the bundle (`..`)"))
    if any(part in ("", ".") for part in parts):
        raise _unsafe(name, _("it has an empty part or is a folder"))
    for part in parts:
        if _WINDOWS_FORBIDDEN & set(part) or part.endswith((".", " ")):
            raise _unsafe(name, _("Windows cannot store this name"))
        if part.split(".", 1)[0].lower() in _RESERVED:
            raise _unsafe(name, _("it is a reserved device name on Windows"))
        if len(part.encode("utf-8")) > MAX_PART_BYTES:
            raise _unsafe(name, _("a part of it is too long"))
    if nfc(name) != name:
        raise _unsafe(name, _("it is not in normalised (NFC) Unicode form"))


def check_unique(names: Sequence[str]) -> None:
    """Refuse exact, case-folding and NFC/NFD duplicates among `names`."""
    seen: dict[str, str] = {}
    for name in names:
        key = collision_key(name)
        other = seen.get(key)
        if other is not None:
            if other == name:
                raise UnsafePathError(_("the bundle holds the file `{name}` twice").format(
                    name=name))
            raise UnsafePathError(_("the names `{first}` and `{second}` would be the same file "
                                    "on some disks").format(first=other, second=name))
        seen[key] = name
    # A file may not also be used as a folder ("a" and "a/b"): one would overwrite the other.
    for name in names:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            prefix = collision_key("/".join(parts[:depth]))
            if prefix in seen:
                raise UnsafePathError(_("`{name}` is both a file and a folder in the "
                                        "bundle").format(name=seen[prefix]))
