"""Fixtures for the bundle tests: real keys, a trusting data folder, a bundle kit.

Keys are generated once per session with `generate_keypair` (publisher, stranger, root,
second publisher). `data` is a data folder whose trust store holds the publisher key, as
`kiosk trust add` leaves it. Messages are checked in English (the UI catalog is switched off).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.bundles.keys import SecretKeyInfo, generate_keypair, read_secret_key
from tests.bundles.bundlekit import BundleKit, trust_of


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages: None) -> None:
    """Messages are checked in English here (see tests/conftest.py)."""


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    generate_keypair(folder / "publisher", "Sở Thông tin và Truyền thông")
    generate_keypair(folder / "stranger", "Unknown")
    generate_keypair(folder / "root", "Root", role="root")
    generate_keypair(folder / "second", "Second publisher")
    return folder


@pytest.fixture(scope="session")
def publisher(key_dir: Path) -> SecretKeyInfo:
    return read_secret_key(key_dir / "publisher.key")


@pytest.fixture(scope="session")
def stranger(key_dir: Path) -> SecretKeyInfo:
    return read_secret_key(key_dir / "stranger.key")


@pytest.fixture
def data(tmp_path: Path, key_dir: Path) -> Path:
    """A data folder that trusts the publisher key (as `kiosk trust add` leaves it)."""
    folder = tmp_path / "data"
    folder.mkdir()
    trust_of(folder).add(key_dir / "publisher.pub")
    return folder


@pytest.fixture
def kit(tmp_path: Path, publisher: SecretKeyInfo) -> BundleKit:
    return BundleKit(tmp_path / "kit", publisher)
