"""Fixtures for the kiosk-side sync tests: a real kiosk data folder, a real hub on loopback.

The hub is the real one (kiosk/hub: FastAPI on uvicorn, `ThreadHub` from tests/hub/hubkit.py) on
a SQLite file, or on the machine's PostgreSQL in its own schema for the tests that run on both
back ends (`hub_db`). Events are made through the store's public calls, as the lesson screens
make them. Messages are checked in English (the UI catalog is switched off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk import config
from kiosk.store import Store, open_store
from kiosk.sync.client import RetryPolicy
from tests.hub.hubkit import ThreadHub

# Retries without long waits: the behaviour is the same, the suite stays fast.
QUICK = RetryPolicy(attempts=6, initial=0.01, maximum=0.05, jitter=0.01)


@pytest.fixture(autouse=True)
def _messages_in_english(english_messages: None) -> None:
    """Messages are checked in English here (see tests/conftest.py)."""


@pytest.fixture
def kiosk_store(data_dir: Path) -> Iterator[Store]:
    store = open_store(config.database_path(data_dir))
    yield store
    store.close()


EventMaker = Callable[[int], list[str]]


def add_events(store: Store, count: int, lesson: str = "qr-payment") -> list[str]:
    """Make about `count` real outbox events by finishing lesson steps; return their ids."""
    before = {event.id for event in store.pending_events(1_000_000)}
    learner = store.guest().id
    steps = 8
    made = 0
    round_ = 0
    while made < count:
        lesson_id = f"{lesson}-{round_}"
        store.start_lesson(learner, lesson_id, 1, steps)
        made += 1
        for index in range(steps):
            if made >= count:
                break
            progress = store.complete_step(learner, lesson_id, 1, f"s{index}", index, steps)
            made += 2 if progress.completed_at else 1
        round_ += 1
    return [event.id for event in store.pending_events(1_000_000) if event.id not in before]


@pytest.fixture
def hub_bundles(tmp_path: Path) -> Path:
    folder = tmp_path / "hub-bundles"
    folder.mkdir()
    return folder


@pytest.fixture
def hub_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hub' / 'hub.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_db(request: pytest.FixtureRequest, hub_sqlite_url: str) -> str:
    """A fresh hub database on each back end (`pg_url`: tests/conftest.py)."""
    if request.param == "sqlite":
        return hub_sqlite_url
    return request.getfixturevalue("pg_url")


@pytest.fixture
def hub(hub_sqlite_url: str, hub_bundles: Path) -> Iterator[ThreadHub]:
    with ThreadHub(hub_sqlite_url, hub_bundles) as running:
        yield running


def new_code(hub: ThreadHub, commune: str = "Xã Tân Lập", **options: object) -> str:
    from kiosk.hub.enroll import create_code

    return create_code(hub.engine, commune, **options)  # type: ignore[arg-type]


def hub_event_count(engine: object) -> int:
    """What the hub's report counts (each event once, however it arrived)."""
    from kiosk.hub.report import build_report

    return int(build_report(engine, {})["events"])  # type: ignore[arg-type]


def hub_event_ids(engine: object) -> list[str]:
    import sqlalchemy as sa

    from kiosk.hub.storage import events

    with engine.connect() as connection:  # type: ignore[attr-defined]
        return [row[0] for row in connection.execute(sa.select(events.c.event_id))]
