"""The kiosk's own Ed25519 key, and the canonical JSON its signatures cover.

The key is made once, when the technician enrolls the kiosk (online or through the stick), and
kept in `<data>/sync-key.key` (mode 0600): the secret never leaves the data folder; only the
public key travels, to the hub. The file is created next to its final name and linked into
place, so a crash leaves either no key or a whole one, and an existing key is never replaced
(replacing it would make the hub refuse every later batch).

Canonical JSON (PROTOCOL.md): `json.dumps(obj, ensure_ascii=False, sort_keys=True,
separators=(",", ":"))` in UTF-8; signatures cover those exact bytes, which travel base64.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from kiosk.bundles.fsutil import fsync_dir
from kiosk.i18n import _
from kiosk.sync.errors import SyncError

log = logging.getLogger(__name__)

KEY_FILE = "sync-key.key"
KEY_FORMAT = 1
MAX_KEY_FILE = 64 * 1024


# The canonical JSON of PROTOCOL.md as text; one encoder made once (json.dumps with options
# makes a new one for every call).
canonical_text = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                  separators=(",", ":")).encode


def canonical(obj: Any) -> bytes:
    return canonical_text(obj).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, size: int | None = None) -> bytes | None:
    """Standard base64 with padding decoded, or None when malformed or of the wrong size."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if size is not None and len(raw) != size:
        return None
    return raw


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(public_key).verify(data, signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class KioskKey:
    signing: SigningKey

    @property
    def public(self) -> bytes:
        return bytes(self.signing.verify_key)

    @property
    def public_b64(self) -> str:
        return b64(self.public)

    def sign(self, data: bytes) -> bytes:
        return self.signing.sign(data).signature


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def _damaged(path: Path) -> SyncError:
    return SyncError(_("The kiosk's sync key {file} is damaged. Move it away and enroll the "
                       "kiosk again with a new code.").format(file=path))


def load_key(data_dir: Path) -> KioskKey | None:
    """The kiosk's key, or None when it has none yet."""
    path = key_path(data_dir)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_KEY_FILE + 1)
            mode = os.fstat(handle.fileno()).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SyncError(_("The kiosk cannot read its sync key {file}.").format(file=path)) \
            from error
    if sys.platform != "win32" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s was readable by others; making it private again", path)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise _damaged(path) from error
    if not isinstance(data, dict) or data.get("kiosk_sync_key") != KEY_FORMAT:
        raise _damaged(path)
    seed = unb64(data.get("seed"), 32)
    if seed is None:
        raise _damaged(path)
    key = KioskKey(SigningKey(seed))
    if data.get("public_key") != key.public_b64:
        raise _damaged(path)
    return key


def ensure_key(data_dir: Path) -> KioskKey:
    """The kiosk's key, made now (0600) if it has none yet."""
    existing = load_key(data_dir)
    if existing is not None:
        return existing
    path = key_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = KioskKey(SigningKey.generate())
    body = json.dumps({"kiosk_sync_key": KEY_FORMAT, "algorithm": "ed25519",
                       "seed": b64(bytes(key.signing)), "public_key": key.public_b64},
                      indent=1).encode()
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                     0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process made the key meanwhile
        except FileExistsError:
            log.info("another process made the sync key first; using it")
        fsync_dir(path.parent)
    except OSError as error:
        raise SyncError(_("The kiosk cannot save its sync key in {folder}.").format(
            folder=path.parent)) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    made = load_key(data_dir)
    if made is None:
        raise _damaged(path)
    log.info("made the kiosk's sync key %s", path)
    return made
