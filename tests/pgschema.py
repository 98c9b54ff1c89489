"""A fresh schema on the machine's real PostgreSQL for one test (the `pg_url` fixture).

PostgreSQL is the server on 127.0.0.1:5432 (user postgres, database test, trust auth;
`build/setup-test.sh` installs and starts it; `KIOSK_TEST_PG` names another). Each test gets its
own schema, named at random and dropped afterwards, through the URL's `search_path` option:
parallel runs (`pytest -n 2`, two checkouts) never see each other's tables. Without PostgreSQL
the test is skipped with the reason, except in CI (`CI=true`), where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

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


def fresh_schema_url() -> Iterator[str]:
    """Yield a SQLAlchemy URL whose tables live in a new, empty schema; drop it afterwards."""
    import psycopg

    reason = _pg_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
