"""The keys shipped in assets/keys: the trust store reads them; they sign installable bundles."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk import config
from kiosk.bundles.install import install_bundle
from kiosk.bundles.keys import TrustStore
from tests.bundles.bundlekit import BundleKit


def test_the_shipped_folder_is_read_by_default(tmp_path: Path) -> None:
    shipped = config.assets_dir() / "keys"
    assert shipped.is_dir() and (shipped / "README.md").is_file()
    assert not list(shipped.glob("*.key")), "a secret key must never ship with the kiosk"
    trust = TrustStore.for_data(tmp_path)
    assert trust.shipped_dir == shipped
    assert trust.added_dir == tmp_path / "trusted-keys"
    assert {key.source for key in trust.entries()} <= {"shipped"}


def test_a_shipped_key_is_trusted_without_adding_it(tmp_path: Path, key_dir: Path,
                                                    kit: BundleKit) -> None:
    shipped, data = tmp_path / "assets-keys", tmp_path / "data"
    shipped.mkdir()
    shutil.copy(key_dir / "publisher.pub", shipped / "publisher.pub")
    (shipped / "README.md").write_text("not a key, ignored\n")
    trust = TrustStore.for_data(data, shipped_dir=shipped)
    [key] = trust.entries()
    assert (key.source, key.name) == ("shipped", "Sở Thông tin và Truyền thông")
    assert install_bundle(kit.pack(3), data, trust=trust).version == 3
    assert not (data / "trusted-keys").exists()  # nothing was copied into the data folder
