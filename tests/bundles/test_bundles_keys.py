"""Key files, the trust store and key rotation through keyrings signed by a root key."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kiosk.bundles import errors as E
from kiosk.bundles.install import install_bundle
from kiosk.bundles.keys import (
    TrustStore,
    generate_keypair,
    make_keyring,
    read_public_key,
    read_secret_key,
)
from kiosk.bundles.pack import pack_bundle
from tests.bundles.bundlekit import BundleKit


def test_keygen_writes_secret_0600_and_refuses_overwrite(tmp_path: Path) -> None:
    public = generate_keypair(tmp_path / "k" / "pub", "Tỉnh Hà Giang")
    secret_file = tmp_path / "k" / "pub.key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert read_public_key(tmp_path / "k" / "pub.pub") == public
    assert read_secret_key(secret_file).public == public
    assert len(public.key_id) == 16
    with pytest.raises(E.KeyFileError) as caught:
        generate_keypair(tmp_path / "k" / "pub")
    assert caught.value.user_message == f"{secret_file} already exists; choose another name"


def test_tampered_or_foreign_key_files_are_refused(tmp_path: Path, key_dir: Path) -> None:
    data = json.loads((key_dir / "publisher.pub").read_text())
    data["key_id"] = "0" * 16
    (tmp_path / "bad.pub").write_text(json.dumps(data))
    with pytest.raises(E.KeyFileError, match="the key id does not match the key"):
        read_public_key(tmp_path / "bad.pub")
    (tmp_path / "x.pub").write_text("ssh-ed25519 AAAA…")
    with pytest.raises(E.KeyFileError, match="is not a kiosk key file"):
        read_public_key(tmp_path / "x.pub")
    with pytest.raises(E.KeyFileError, match="is not a kiosk secret key file"):
        read_secret_key(key_dir / "publisher.pub")


def _trust(data: Path) -> TrustStore:
    return TrustStore.load(None, data / "trusted-keys")


def test_rotation_with_a_keyring(tmp_path: Path, key_dir: Path, kit: BundleKit) -> None:
    data = tmp_path / "data"
    root = read_secret_key(key_dir / "root.key")
    second = read_secret_key(key_dir / "second.key")
    trust = _trust(data)
    trust.add(key_dir / "root.pub")  # what a kiosk ships with in assets/keys
    bundle = pack_bundle(kit.lesson(version=1), tmp_path, second, version=1).path
    with pytest.raises(E.UntrustedKeyError):
        install_bundle(bundle, data, trust=trust)
    with pytest.raises(E.PackError, match="not a root key"):
        pack_bundle(kit.lesson(version=1), tmp_path, root, version=1)
    # The root owner publishes keyring v1 listing the second publisher key.
    ring1 = tmp_path / "ring1.keyring"
    ring1.write_bytes(make_keyring(root, [second.public], [], 1, "2026-01-01"))
    trust.add(ring1)
    assert trust.publisher_key(second.public.key_id).source == f"keyring {root.public.key_id} v1"
    assert install_bundle(bundle, data, trust=trust).version == 1
    # Keyring v2 revokes that key: its bundles are refused, even if v1 is added again later.
    ring2 = tmp_path / "ring2.keyring"
    ring2.write_bytes(make_keyring(root, [], [second.public.key_id], 2, "2026-02-01"))
    trust.add(ring2)
    trust.add(ring1)
    later = pack_bundle(kit.lesson(version=2), tmp_path, second, version=2).path
    with pytest.raises(E.UntrustedKeyError):
        install_bundle(later, data, trust=_trust(data))


def test_keyring_needs_a_trusted_root_and_a_valid_signature(tmp_path: Path,
                                                            key_dir: Path) -> None:
    root = read_secret_key(key_dir / "root.key")
    second = read_secret_key(key_dir / "second.key")
    ring = tmp_path / "r.keyring"
    ring.write_bytes(make_keyring(root, [second.public], [], 1, "2026-01-01"))
    trust = _trust(tmp_path / "data")
    with pytest.raises(E.UntrustedKeyError, match="signed by a root key this kiosk does not"):
        trust.add(ring)
    trust.add(key_dir / "root.pub")
    tampered = json.loads(ring.read_text())
    tampered["signed"] = tampered["signed"].replace('"version": 1', '"version": 9')
    (tmp_path / "t.keyring").write_text(json.dumps(tampered))
    with pytest.raises(E.KeyFileError, match="was changed after it was signed"):
        trust.add(tmp_path / "t.keyring")
    publisher = read_secret_key(key_dir / "publisher.key")
    with pytest.raises(E.KeyFileError, match="only a root key"):
        make_keyring(publisher, [], [], 1, "")
    with pytest.raises(E.UntrustedKeyError, match="root keys only sign keyrings"):
        trust.publisher_key(root.public.key_id)
