"""Hub storage: the tables, the engine for SQLite or PostgreSQL, transactions, the hub's key.

SQLAlchemy Core only. A SQLite file in the data folder by default (WAL, synchronous=FULL, so an
answered batch survives a crash or a power cut; writes take the lock up front with BEGIN
IMMEDIATE, so two writers queue instead of failing), or PostgreSQL through psycopg for a
province, where several hub processes may share one database. Tables are created idempotently
at start under a PostgreSQL advisory lock, so hub processes starting together do not race.
The hub's identity (id and Ed25519 key pair that signs receipts) lives in the database itself,
made once by whichever process starts first: every process of one hub has the same identity.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
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


def _sqlite_setup(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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


def one_of(connection: Connection, column: sa.Column, values: list[str]) -> Any:
    """`column IN (values)`; on PostgreSQL `= ANY(:array)`, one parameter instead of a
    thousand, which psycopg would otherwise parse again for every batch."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


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
