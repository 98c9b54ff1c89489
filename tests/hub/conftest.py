"""Hub test fixtures: every database test runs on SQLite and on a real PostgreSQL.

PostgreSQL is the machine's server on 127.0.0.1:5432 (user postgres, database test, trust
auth; `build/setup-test.sh` installs and starts it). Each test gets its own schema, named at
random and dropped afterwards, through the URL's `search_path` option: parallel runs
(`pytest -n 2`, two checkouts) never see each other's tables. Without PostgreSQL the
PostgreSQL half is skipped with the reason, except in CI (`CI=true`), where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.hub.hubkit import ThreadHub

PG_SERVER = os.environ.get("KIOSK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
_pg_problem: list[str | None] = []


def _pg_reason() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per test process)."""
    if not _pg_problem:
        import psycopg

        try:
            with psycopg.connect(PG_SERVER, connect_timeout=5) as connection:
                connection.execute("SELECT 1")
            _pg_problem.append(None)
        except psycopg.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            _pg_problem.append(f"PostgreSQL at {PG_SERVER} is not available ({first}); "
                               "run build/setup-test.sh")
    return _pg_problem[0]


def _pg_schema_url() -> Iterator[str]:
    import psycopg

    reason = _pg_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"hub_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


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
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty hub database URL on each back end."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub' / 'hub.sqlite3'}"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema only (for tests of several hubs on one database)."""
    yield from _pg_schema_url()


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
