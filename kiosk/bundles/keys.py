"""Ed25519 keys of lesson publishers, the keyrings that rotate them, and the kiosk's trust store.

A key pair is two small JSON files: `PREFIX.key` (the secret seed, mode 0600, never leaves the
publisher's machine) and `PREFIX.pub` (public key, name, role). The key id is the first 16 hex
digits of the SHA-256 of the raw public key, so it is the same wherever the key travels.
Keys have a role: a *publisher* key signs bundles; a *root* key signs only keyrings. A keyring
(`*.keyring`) is a list of publisher keys plus revoked key ids, with a version, signed by a root
key: shipping one root key with the kiosk lets its owner add, replace and revoke publisher keys
later by sending a new keyring on a USB stick, without touching every kiosk by hand.

The trust store reads the keys shipped in `assets/keys/` and the ones a technician added
(`<data>/trusted-keys/`). A bundle is trusted only if its publisher key is there, directly or
through the newest valid keyring of a trusted root, and not revoked by that keyring.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from kiosk.bundles.errors import KeyFileError, UntrustedKeyError
from kiosk.bundles.fsutil import write_atomic
from kiosk.i18n import _

log = logging.getLogger(__name__)

ROLE_PUBLISHER, ROLE_ROOT = "publisher", "root"
ROLES = (ROLE_PUBLISHER, ROLE_ROOT)
KEY_FORMAT = 1
KEYRING_FORMAT = 1
MAX_KEY_FILE = 1 << 20
TRUSTED_KEYS_DIR = "trusted-keys"


def key_id_of(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True)
class PublicKeyInfo:
    key_id: str
    public: bytes
    name: str
    role: str = ROLE_PUBLISHER
    source: str = ""  # "shipped", "added", or "keyring <root id> v<N>" once in a trust store

    def verify_key(self) -> VerifyKey:
        return VerifyKey(self.public)

    def to_json(self) -> dict[str, Any]:
        return {"kiosk_key": KEY_FORMAT, "type": "public", "algorithm": "ed25519",
                "role": self.role, "name": self.name, "key_id": self.key_id,
                "public_key": base64.b64encode(self.public).decode()}


@dataclass(frozen=True)
class SecretKeyInfo:
    signing: SigningKey
    name: str
    role: str

    @property
    def public(self) -> PublicKeyInfo:
        raw = bytes(self.signing.verify_key)
        return PublicKeyInfo(key_id_of(raw), raw, self.name, self.role)

    def sign(self, data: bytes) -> bytes:
        return self.signing.sign(data).signature


def _b64(value: Any, size: int, shown: str) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise KeyFileError(_("{file} is not a kiosk key file (its key is damaged)").format(
            file=shown))
    return raw


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_KEY_FILE + 1)
        if len(data) > MAX_KEY_FILE:
            raise ValueError("too large")
        loaded = json.loads(data.decode("utf-8"))
    except OSError as error:
        raise KeyFileError(_("cannot read the key file {file}: {reason}").format(
            file=path, reason=error.strerror or error)) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise KeyFileError(_("{file} is not a kiosk key file").format(file=path)) from error
    if not isinstance(loaded, dict):
        raise KeyFileError(_("{file} is not a kiosk key file").format(file=path))
    return loaded


def public_key_from_json(data: dict[str, Any], shown: str) -> PublicKeyInfo:
    if data.get("kiosk_key") != KEY_FORMAT or data.get("algorithm") != "ed25519" \
            or data.get("type") != "public" or data.get("role") not in ROLES:
        raise KeyFileError(_("{file} is not a kiosk public key file").format(file=shown))
    public = _b64(data.get("public_key"), 32, shown)
    key_id = key_id_of(public)
    if data.get("key_id") != key_id:
        raise KeyFileError(_("{file}: the key id does not match the key").format(file=shown))
    return PublicKeyInfo(key_id, public, str(data.get("name") or ""), str(data["role"]))


def read_public_key(path: Path) -> PublicKeyInfo:
    return public_key_from_json(_read_json(path), str(path))


def read_secret_key(path: Path) -> SecretKeyInfo:
    data = _read_json(path)
    if data.get("kiosk_key") != KEY_FORMAT or data.get("type") != "secret" \
            or data.get("algorithm") != "ed25519" or data.get("role") not in ROLES:
        raise KeyFileError(_("{file} is not a kiosk secret key file (use the .key file made "
                             "by `kiosk keygen`)").format(file=path))
    signing = SigningKey(_b64(data.get("seed"), 32, str(path)))
    info = SecretKeyInfo(signing, str(data.get("name") or ""), str(data["role"]))
    if data.get("key_id") != info.public.key_id:
        raise KeyFileError(_("{file}: the key id does not match the key").format(file=path))
    return info


def generate_keypair(prefix: Path, name: str = "", role: str = ROLE_PUBLISHER) -> PublicKeyInfo:
    """Write PREFIX.key (secret, 0600) and PREFIX.pub; refuse to overwrite either."""
    if role not in ROLES:
        raise KeyFileError(_("unknown key role {role}").format(role=role))
    prefix = Path(prefix)
    secret_path, public_path = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    for path in (secret_path, public_path):
        if path.exists():
            raise KeyFileError(_("{file} already exists; choose another name").format(file=path))
    signing = SigningKey.generate()
    info = SecretKeyInfo(signing, name, role)
    public = info.public
    secret = {"kiosk_key": KEY_FORMAT, "type": "secret", "algorithm": "ed25519", "role": role,
              "name": name, "key_id": public.key_id,
              "seed": base64.b64encode(bytes(signing)).decode()}
    try:
        secret_path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL with mode 0600: the secret is never readable by others, not even briefly.
        fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(secret, handle, indent=1)
            handle.write("\n")
        write_atomic(public_path, _dump(public.to_json()))
    except OSError as error:
        raise KeyFileError(_("cannot write the key files: {reason}").format(
            reason=error.strerror or error)) from error
    log.info("generated %s key %s (%s)", role, public.key_id, name)
    return public


def _dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


@dataclass(frozen=True)
class Keyring:
    root_key_id: str
    version: int
    keys: tuple[PublicKeyInfo, ...]
    revoked: frozenset[str]
    created: str = ""


def make_keyring(root: SecretKeyInfo, keys: list[PublicKeyInfo], revoked: list[str],
                 version: int, created: str) -> bytes:
    """The bytes of a keyring file: publisher keys and revoked ids, signed by a root key."""
    if root.role != ROLE_ROOT:
        raise KeyFileError(_("only a root key (kiosk keygen --root) can sign a keyring"))
    body = json.dumps({"version": version, "created": created, "revoked": sorted(set(revoked)),
                       "keys": [key.to_json() | {"role": ROLE_PUBLISHER} for key in keys]},
                      ensure_ascii=False, sort_keys=True)
    signature = root.sign(body.encode("utf-8"))
    return _dump({"kiosk_keyring": KEYRING_FORMAT, "root_key_id": root.public.key_id,
                  "signed": body, "signature": base64.b64encode(signature).decode()})


def read_keyring(path: Path, roots: dict[str, PublicKeyInfo]) -> Keyring:
    """Read a keyring and check its signature against one of the trusted `roots`."""
    data = _read_json(path)
    shown = str(path)
    body_text = data.get("signed")
    if data.get("kiosk_keyring") != KEYRING_FORMAT or not isinstance(body_text, str):
        raise KeyFileError(_("{file} is not a kiosk keyring").format(file=shown))
    root = roots.get(str(data.get("root_key_id")))
    if root is None:
        raise UntrustedKeyError(_("the keyring {file} is signed by a root key this kiosk does "
                                  "not trust").format(file=path.name))
    try:
        root.verify_key().verify(body_text.encode("utf-8"), _b64(data.get("signature"), 64,
                                                                 shown))
        body = json.loads(body_text)
        version = body["version"]
        keys = tuple(public_key_from_json(entry, shown) for entry in body["keys"])
        revoked = frozenset(str(key) for key in body.get("revoked", []))
    except BadSignatureError as error:
        raise KeyFileError(_("the keyring {file} was changed after it was signed").format(
            file=path.name)) from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KeyFileError(_("{file} is not a kiosk keyring").format(file=shown)) from error
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise KeyFileError(_("{file} is not a kiosk keyring").format(file=shown))
    if any(key.role != ROLE_PUBLISHER for key in keys):
        raise KeyFileError(_("a keyring may only list publisher keys"))
    return Keyring(root.key_id, version, keys, revoked, str(body.get("created", "")))


@dataclass
class TrustStore:
    """The keys this kiosk trusts: shipped ones, technician-added ones, and keyring members."""

    shipped_dir: Path | None
    added_dir: Path | None
    keys: dict[str, PublicKeyInfo] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    keyrings: dict[str, Keyring] = field(default_factory=dict)  # root key id -> newest

    @classmethod
    def load(cls, shipped_dir: Path | None, added_dir: Path | None) -> TrustStore:
        store = cls(shipped_dir, added_dir)
        store._reload()
        return store

    @classmethod
    def for_data(cls, data_dir: Path, shipped_dir: Path | None = None) -> TrustStore:
        """The usual store: assets/keys of the program plus `<data>/trusted-keys`."""
        if shipped_dir is None:
            from kiosk import config

            shipped_dir = config.assets_dir() / "keys"
        return cls.load(shipped_dir, Path(data_dir) / TRUSTED_KEYS_DIR)

    def _folders(self) -> list[tuple[Path, str]]:
        return [(folder, source) for folder, source in
                ((self.shipped_dir, "shipped"), (self.added_dir, "added"))
                if folder is not None and folder.is_dir()]

    def _reload(self) -> None:
        self.keys, self.revoked, self.keyrings = {}, set(), {}
        for folder, source in self._folders():
            for path in sorted(folder.glob("*.pub")):
                try:
                    key = read_public_key(path)
                except KeyFileError as error:
                    log.warning("ignoring key file %s: %s", path, error)
                    continue
                self.keys.setdefault(key.key_id, PublicKeyInfo(
                    key.key_id, key.public, key.name, key.role, source))
        roots = {kid: key for kid, key in self.keys.items() if key.role == ROLE_ROOT}
        for folder, _source in self._folders():
            for path in sorted(folder.glob("*.keyring")):
                try:
                    ring = read_keyring(path, roots)
                except (KeyFileError, UntrustedKeyError) as error:
                    log.warning("ignoring keyring %s: %s", path, error)
                    continue
                current = self.keyrings.get(ring.root_key_id)
                if current is None or ring.version > current.version:
                    self.keyrings[ring.root_key_id] = ring
        for ring in self.keyrings.values():
            self.revoked |= ring.revoked
            for key in ring.keys:
                self.keys.setdefault(key.key_id, PublicKeyInfo(
                    key.key_id, key.public, key.name, key.role,
                    f"keyring {ring.root_key_id} v{ring.version}"))

    def publisher_key(self, key_id: str) -> PublicKeyInfo:
        """The trusted publisher key with this id, or UntrustedKeyError."""
        key = self.keys.get(key_id)
        if key is None or key_id in self.revoked:
            raise UntrustedKeyError(_(
                "the bundle is signed by a key this kiosk does not trust (key {key}); add the "
                "publisher's key first").format(key=key_id))
        if key.role != ROLE_PUBLISHER:
            raise UntrustedKeyError(_("the bundle is signed by a root key (key {key}); root "
                                      "keys only sign keyrings").format(key=key_id))
        return key

    def entries(self) -> list[PublicKeyInfo]:
        return sorted(self.keys.values(), key=lambda key: (key.role, key.name, key.key_id))

    def add(self, path: Path) -> PublicKeyInfo | Keyring:
        """Trust a public key file (.pub) or a keyring signed by a trusted root."""
        if self.added_dir is None:
            raise KeyFileError(_("this trust store cannot take new keys"))
        path = Path(path)
        if path.suffix == ".keyring":
            roots = {kid: key for kid, key in self.keys.items() if key.role == ROLE_ROOT}
            ring = read_keyring(path, roots)
            target = self.added_dir / f"{ring.root_key_id}-{ring.version}.keyring"
            write_atomic(target, path.read_bytes())
            self._reload()
            return ring
        key = read_public_key(path)
        write_atomic(self.added_dir / f"{key.key_id}.pub", _dump(key.to_json()))
        self._reload()
        return self.keys[key.key_id]
