"""Hub test fixtures: every database test runs on SQLite and on a real PostgreSQL.

PostgreSQL is the machine's server on 127.0.0.1:5432, each test in a schema of its own (the
`pg_url` fixture of tests/conftest.py, made by tests/pgschema.py). Without PostgreSQL the
PostgreSQL half is skipped with the reason, except in CI (`CI=true`), where it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.hub.hubkit import ThreadHub


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def kiosk_cmd(capsys):
    """The real `kiosk` entry point run in this process (quicker than a new interpreter; a few
    tests also run it as a separate process): a command's exit code and what it printed."""

    def run(*args: str, data: Path | None = None) -> Ran:
        capsys.readouterr()
        code = main([*args, "--data", str(data)] if data else list(args))
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty hub database URL on each back end (`pg_url`: tests/conftest.py)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub' / 'hub.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def bundles_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "hub-bundles"
    folder.mkdir()
    return folder


@pytest.fixture
def hub(db_url: str, bundles_dir: Path) -> Iterator[ThreadHub]:
    with ThreadHub(db_url, bundles_dir) as running:
        yield running


@pytest.fixture
def new_code(hub: ThreadHub):
    """Make a one-time code on the running hub's database."""
    from kiosk.hub.enroll import create_code

    def make(commune: str = "Xã Tân Lập", **kw) -> str:
        return create_code(hub.engine, commune, **kw)

    return make


@pytest.fixture
def enrolled(hub: ThreadHub, new_code):
    """A factory of test kiosks enrolled online on the running hub."""
    from tests.hub.hubkit import TestKiosk

    def make(commune: str = "Xã Tân Lập", **kw) -> TestKiosk:
        kiosk = TestKiosk(**kw)
        answer = kiosk.enroll(hub.base_url, new_code(commune))
        assert answer.status_code == 200, answer.text
        return kiosk

    return make
