"""Sync push speed: 100 000 events from a kiosk's outbox to a local hub, per database back end.

A kiosk data folder gets the events through the store's own `add_event` (UUIDv7 id, HLC
stamp, JSON payload), in a few large transactions so that filling it takes seconds. A real
hub runs in its own process (`kiosk hub serve --port 0`), on a SQLite file and, when the
machine's PostgreSQL answers (127.0.0.1:5432, database `test`), on a fresh schema there. The
kiosk enrolls, then one `sync_once` is timed: probe, signed batches of 1000 over HTTP (one
request at a time, the next batch signed meanwhile), the hub's verify and `INSERT … ON
CONFLICT DO NOTHING`, the acknowledgements written back. The reference, measured in the same
run: the same rows inserted into a fresh hub database of the same back end with one bare
`executemany` INSERT in one transaction (no HTTP, no signature, no conflict check). Figures
are events per second, so the ratio reads "push / bare insert". bench/hub_push.py measures
the hub alone with a scripted client; this one runs the kiosk's own code end to end (outbox
reads, signing, retries, acknowledgements written back). `KIOSK_BENCH_SYNC_EVENTS` changes
the number of events.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, Row

sys.path.insert(0, str(ROOT))

EVENTS = int(os.environ.get("KIOSK_BENCH_SYNC_EVENTS", "100000"))
PG_SERVER = os.environ.get("KIOSK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _fill(data: Path, count: int) -> None:
    from kiosk import config
    from kiosk.store import open_store, outbox
    from kiosk.store.db import open_database, write_transaction

    path = config.database_path(data)
    open_store(path).close()  # create and migrate
    conn = open_database(path)
    learner = str(uuid.uuid4())
    try:
        for start in range(0, count, 10_000):
            with write_transaction(conn):
                for index in range(start, min(count, start + 10_000)):
                    outbox.add_event(conn, outbox.STEP_COMPLETED, {
                        "learner_id": learner, "birth_decade": 1960, "language": "vi",
                        "voice_mode": "off", "lesson_id": "qr-payment", "lesson_version": 1,
                        "steps_total": 8, "attempt": 1 + index // 8, "step_id": f"s{index % 8}",
                        "step_index": index % 8, "topic": "payments"})
    finally:
        conn.close()


def _pg_schema() -> tuple[str, str] | None:
    try:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
    except Exception as error:  # no PostgreSQL here: the SQLite figure alone is printed
        print(f"sync_push: PostgreSQL skipped ({error})", file=sys.stderr)
        return None
    url = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
    return schema, f"{url}?options=-csearch_path%3D{schema}"


def _drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _serve(url: str, work: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "hub", "serve", "--db", url, "--port", "0",
         "--data", str(work / "hub-data")], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("hub listening on "):
        process.kill()
        raise RuntimeError(f"the hub did not start: {line}")
    return process, line.split()[3]


def _push(url: str, work: Path) -> float:
    """Events per second of one whole `sync_once` to a hub on `url`."""
    from kiosk import config
    from kiosk.hub.enroll import create_code
    from kiosk.hub.storage import open_engine
    from kiosk.store import open_store
    from kiosk.sync.engine import sync_once
    from kiosk.sync.enroll import enroll_online

    data = work / "kiosk"
    _fill(data, EVENTS)
    engine = open_engine(url)
    code = create_code(engine, "Bench")
    engine.dispose()
    process, base = _serve(url, work)
    try:
        with open_store(config.database_path(data)) as store:
            enroll_online(store, data, base, code)
            start = time.perf_counter()
            report = sync_once(data, store=store)
            elapsed = time.perf_counter() - start
            if report.acked != EVENTS or store.outbox_counts()[0]:
                raise RuntimeError(f"pushed {report.acked} of {EVENTS} events")
    finally:
        process.terminate()
        process.wait(30)
    return EVENTS / elapsed


def _bare_insert(url: str) -> float:
    """Events per second of one bare executemany INSERT of the same rows, one transaction."""
    import sqlalchemy as sa

    from kiosk.hub.storage import events, open_engine

    engine = open_engine(url)
    kiosk_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    rows = [{"event_id": str(uuid.uuid4()), "kiosk_id": kiosk_id, "seq": index + 1,
             "hlc": f"{1_780_000_000_000 + index:016d}-0000", "type": "step_completed",
             "payload": {"lesson_id": "qr-payment", "step_index": index % 8},
             "created": now, "received": now, "lesson_id": "qr-payment",
             "step_index": index % 8, "language": "vi"} for index in range(EVENTS)]
    try:
        start = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(sa.insert(events), rows)
        return EVENTS / (time.perf_counter() - start)
    finally:
        engine.dispose()


def measure() -> list[Row]:
    rows = []
    backends = [("SQLite", None)]
    pg = _pg_schema()
    if pg is not None:
        backends.append(("PostgreSQL", pg))
    for name, pg_info in backends:
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-sync-") as folder:
            work = Path(folder)
            if pg_info is None:
                push_url = f"sqlite:///{work / 'hub.sqlite3'}"
                bare_url = f"sqlite:///{work / 'bare.sqlite3'}"
                bare_schema = None
            else:
                push_url = pg_info[1]
                bare_schema, bare_url = _pg_schema() or (None, "")
            try:
                pushed = _push(push_url, work)
                bare = _bare_insert(bare_url)
            finally:
                if pg_info is not None:
                    _drop_schema(pg_info[0])
                if bare_schema:
                    _drop_schema(bare_schema)
        rows.append(Row(f"kiosk sync_once, {EVENTS // 1000}k events ({name})", pushed, "events/s",
                        bare, "bare bulk INSERT", "100k in < 5 s"))
    return rows


if __name__ == "__main__":
    from common import print_table

    print_table(measure())
