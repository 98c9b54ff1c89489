"""Hub storage: the tables, the engine for SQLite or PostgreSQL, transactions, the hub's key,
and the bulk insert of events.

SQLAlchemy Core, except where it would cost the hub its speed: events go in through the
driver (`insert_new_events`; COPY on PostgreSQL). A SQLite file in the data folder by default
(WAL, synchronous=FULL, so an answered batch survives a crash or a power cut; writes take the
lock up front with BEGIN IMMEDIATE, so two writers queue instead of failing), or PostgreSQL
through psycopg for a province, where several hub processes may share one database. Tables
are created idempotently at start under a PostgreSQL advisory lock, so hub processes starting
together do not race. The hub's identity (id and Ed25519 key pair that signs receipts) lives
in the database itself, made once by whichever process starts first: every process of one hub
has the same identity.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from nacl.signing import SigningKey
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

DEFAULT_DB_NAME = "hub.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA_LOCK = 0x6B696F736B  # pg_advisory_xact_lock key for table creation ("kiosk")
_WRITE = "hub_write"

metadata = sa.MetaData()

hub_identity = sa.Table(
    "hub_identity", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1
    sa.Column("hub_id", sa.String(36), nullable=False),
    sa.Column("secret_key", sa.String(64), nullable=False),  # base64 of the 32-byte seed
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
)

kiosks = sa.Table(
    "kiosks", metadata,
    sa.Column("kiosk_id", sa.String(36), primary_key=True),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=True, index=True),  # sha256 hex
    sa.Column("name", sa.Text, nullable=False, default=""),
    sa.Column("commune", sa.Text, nullable=False, default=""),
    sa.Column("kiosk_version", sa.Text, nullable=False, default=""),
    sa.Column("enrolled", sa.String(40), nullable=False),
    sa.Column("enrolled_by", sa.String(8), nullable=False),  # "online" or "usb"
    sa.Column("flagged", sa.Boolean, nullable=False, default=False),
    sa.Column("flag_reason", sa.Text, nullable=True),
    sa.Column("last_seen", sa.String(40), nullable=True),
)

enroll_codes = sa.Table(
    "enroll_codes", metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("commune", sa.Text, nullable=False, default=""),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("expires", sa.String(40), nullable=False),
    sa.Column("used", sa.String(40), nullable=True),
    sa.Column("used_by", sa.String(36), nullable=True),
)

events = sa.Table(
    "events", metadata,
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("kiosk_id", sa.String(36), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hlc", sa.String(21), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created", sa.Text, nullable=True),  # the kiosk's own clock, as it sent it
    sa.Column("received", sa.String(40), nullable=False),
    # Copied out of the payload at ingest, so reports group in SQL on both back ends.
    sa.Column("learner_id", sa.Text, nullable=True),
    sa.Column("lesson_id", sa.Text, nullable=True),
    sa.Column("attempt", sa.Integer, nullable=True),
    sa.Column("step_index", sa.Integer, nullable=True),
    sa.Column("steps_total", sa.Integer, nullable=True),
    sa.Column("language", sa.Text, nullable=True),
    sa.Column("voice_mode", sa.String(8), nullable=True),  # "on", "off" or NULL (not sent)
    sa.Column("topic", sa.Text, nullable=True),
    sa.Column("birth_decade", sa.Integer, nullable=True),
    sa.Column("correct", sa.Boolean, nullable=True),
    sa.Column("first_try", sa.Boolean, nullable=True),
    # (kiosk_id, seq) → event id: the same seq with another id means a cloned kiosk.
    sa.Index("events_kiosk_seq", "kiosk_id", "seq"),
    sa.Index("events_type_lesson", "type", "lesson_id"),
)


# Rows for `insert_new_events` are tuples in this order (the table's own).
EVENT_COLUMNS = tuple(column.name for column in events.columns)
_PAYLOAD = EVENT_COLUMNS.index("payload")
_SQLITE_IDS = 500  # ids per lookup, below SQLite's smallest limit on parameters (999)

# PostgreSQL: where a batch's rows land first (COPY), one per database session, made when the
# session opens and emptied at every commit (a rollback empties it too).
incoming_events = sa.Table(
    "incoming_events", sa.MetaData(),
    *(sa.Column(column.name, column.type) for column in events.columns),
    prefixes=["TEMPORARY"], postgresql_on_commit="delete_rows")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """UTC ISO 8601 with milliseconds; all stored times use it, so they compare as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def database_url(value: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL for `--db`: SQLite in the data folder by default; plain
    `postgresql://` and `postgres://` URLs use the psycopg (version 3) driver."""
    if not value:
        return f"sqlite:///{data_dir / DEFAULT_DB_NAME}"
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


def describe(url: str) -> str:
    """The URL without its password, for logs and messages."""
    return sa.make_url(url).render_as_string(hide_password=True)


def _wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL. Two hub processes opening a new file at once may both hold a
    shared lock and need an exclusive one; SQLite then answers "locked" at once instead of
    waiting (waiting would deadlock), and the loser drops its lock: so it tries again."""
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.05)


def _sqlite_setup(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        _wal(cursor)
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgresql_setup(engine: Engine) -> None:
    create_incoming = str(sa.schema.CreateTable(incoming_events).compile(dialect=engine.dialect))

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(create_incoming)
        dbapi_connection.commit()


def open_engine(url: str) -> Engine:
    """An engine on `url` with the hub's tables created (if missing) and its identity made."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        _sqlite_setup(engine)
    elif parsed.get_backend_name() == "postgresql":
        engine = sa.create_engine(parsed, pool_pre_ping=True)
        _postgresql_setup(engine)
    else:
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: "
                         "use a SQLite file or postgresql://")
    create_schema(engine)
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    with engine.connect().execution_options(**{_WRITE: True}) as connection:
        with connection.begin():
            yield connection


@contextmanager
def transaction(connection: Connection, write: bool = False) -> Iterator[Connection]:
    """One transaction (a write one like `writing`'s, or a read one) on a connection already
    checked out: a request that reads, works, then writes takes one connection from the pool
    (and pings the server once) instead of two."""
    with connection.execution_options(**{_WRITE: write}).begin():
        yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction, so a report sees one consistent moment."""
    with engine.connect() as connection:
        with connection.begin():
            yield connection


def create_schema(engine: Engine) -> None:
    with writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": _SCHEMA_LOCK})
        metadata.create_all(connection)
    identity(engine)


def insert_ignoring(connection: Connection, table: sa.Table, *key: str) -> Any:
    """`INSERT … ON CONFLICT (key) DO NOTHING` for the connection's dialect (SQLite, PostgreSQL);
    without `key`, any conflict."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=list(key) or None)


# What SQLAlchemy's JSON type would bind, minus the escapes (the same value reads back); one
# encoder made once, as json.dumps with options builds a new one for every call.
_json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def insert_new_events(connection: Connection, rows: list[tuple[Any, ...]]) -> set[str]:
    """Insert event rows (tuples in `EVENT_COLUMNS` order) with `ON CONFLICT (event_id) DO
    NOTHING`; return the ids that were new to the hub. Call it inside a write transaction.

    Both ways go past SQLAlchemy's per-row parameter handling, which cost more than the
    database's own work. PostgreSQL: COPY into `incoming_events`, then one `INSERT … SELECT …
    ON CONFLICT DO NOTHING RETURNING event_id`, whose answer is exactly what was stored, even
    against a concurrent writer. Measured on 100 000 events against the executemany it
    replaced (psycopg pipelines one prepared INSERT per row): half the CPU in the hub and in
    the server; a multi-row VALUES makes psycopg parse 19 000 placeholders per batch instead.
    SQLite: the ids already there, then sqlite3's executemany, which loops in C; the caller's
    BEGIN IMMEDIATE keeps other writers out between the two.
    """
    if not rows:
        return set()
    ids = [row[0] for row in rows]
    prepared = [(*row[:_PAYLOAD], _json_text(row[_PAYLOAD]), *row[_PAYLOAD + 1:])
                for row in rows]
    names = ", ".join(EVENT_COLUMNS)
    if connection.dialect.name == "postgresql":
        return _copy_in(connection, names, prepared)
    known: set[str] = set()
    for start in range(0, len(ids), _SQLITE_IDS):  # plain SQL: no expanding IN to compile
        chunk = ids[start:start + _SQLITE_IDS]
        known.update(event_id for (event_id,) in connection.exec_driver_sql(
            f"SELECT event_id FROM events WHERE event_id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk)))
    marks = ", ".join("?" * len(EVENT_COLUMNS))
    connection.exec_driver_sql(
        f"INSERT INTO events ({names}) VALUES ({marks}) ON CONFLICT (event_id) DO NOTHING",
        prepared)
    return {event_id for event_id in ids if event_id not in known}


def _copy_in(connection: Connection, names: str, rows: list[tuple[Any, ...]]) -> set[str]:
    driver = connection.connection.driver_connection  # psycopg, in this same transaction
    assert driver is not None
    incoming = incoming_events.name
    with driver.cursor() as cursor:
        with cursor.copy(f"COPY {incoming} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO events ({names}) SELECT {names} FROM {incoming} "
                       "ON CONFLICT (event_id) DO NOTHING RETURNING event_id")
        return {event_id for (event_id,) in cursor.fetchall()}


@dataclass(frozen=True)
class HubIdentity:
    hub_id: str
    secret_key: str  # base64 seed: signs receipts
    public_key: str  # base64, what kiosks pin


def _read_identity(connection: Connection) -> HubIdentity | None:
    row = connection.execute(
        sa.select(hub_identity.c.hub_id, hub_identity.c.secret_key, hub_identity.c.public_key)
        .where(hub_identity.c.id == 1)).first()
    return HubIdentity(*row) if row else None


def identity(engine: Engine) -> HubIdentity:
    """The hub's id and key pair, made by the first process that asks (race-free)."""
    with reading(engine) as connection:
        found = _read_identity(connection)
    if found:
        return found
    key = SigningKey.generate()
    with writing(engine) as connection:
        connection.execute(insert_ignoring(connection, hub_identity), {
            "id": 1,
            "hub_id": str(uuid.uuid4()),
            "secret_key": base64.b64encode(bytes(key)).decode("ascii"),
            "public_key": base64.b64encode(bytes(key.verify_key)).decode("ascii"),
            "schema_version": SCHEMA_VERSION,
            "created": iso(utc_now()),
        })
        made = _read_identity(connection)
    assert made is not None
    log.info("hub identity %s", made.hub_id)
    return made
