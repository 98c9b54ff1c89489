"""Sync push: 100 000 events from a kiosk to a local hub, against a bare bulk insert.

A hub runs as its own process (`kiosk hub serve` on loopback) on a fresh database: a SQLite
file, then a fresh schema of the PostgreSQL on 127.0.0.1:5432 when one answers. The client
plays the kiosk: it builds each batch of 1000 events (canonical JSON, Ed25519 signature,
base64) and POSTs it over one keep-alive connection, one request at a time, building the next
batch while the hub works on the current one, as the sync worker does; the time covers
building, signing, HTTP, verification, the clone check, the insert with `ON CONFLICT DO
NOTHING` (answering which ids were new) and the commit. The reference, in the same run and the
same kind of database, is the same rows inserted straight with SQLAlchemy Core, 1000 rows per
transaction (the hub's commit pattern), with no HTTP, JSON or signature. Figures are events
per second, so the ratio reads "hub push speed / bare insert speed" (budget DESIGN §10:
100 000 events in < 5 s). `KIOSK_BENCH_EVENTS` changes the count.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, Row

sys.path.insert(0, str(ROOT))

BATCH = 1000
PG_SERVER = os.environ.get("KIOSK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _events(count: int) -> list[dict]:
    import uuid6

    learner = str(uuid.uuid4())
    return [{"id": str(uuid6.uuid7()), "seq": n + 1, "hlc": f"{1_700_000_000_000 + n:016d}-0000",
             "type": "step_completed",
             "payload": {"learner_id": learner, "birth_decade": 1960, "language": "vi",
                         "lesson_id": "qr-payment", "lesson_version": 1, "steps_total": 8,
                         "attempt": 1 + n // 8, "step_id": f"s{n % 8}", "step_index": n % 8,
                         "voice_mode": False},
             "created": "2026-05-09T07:35:25.123+00:00"} for n in range(count)]


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _signed(key, kiosk_id: str, events: list[dict]) -> bytes:
    """One batch as the kiosk sends it: canonical JSON, Ed25519 signature, base64."""
    body = _canonical({"format": 1, "kiosk_id": kiosk_id, "batch_id": str(uuid.uuid4()),
                       "hlc": events[0]["hlc"], "events": events})
    return json.dumps({"batch": base64.b64encode(body).decode(),
                       "signature": base64.b64encode(key.sign(body).signature).decode()}).encode()


def _push(url: str, data: Path, events: list[dict]) -> float:
    """Seconds to push `events` to a fresh hub process on `url` (start-up not counted)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from nacl.signing import SigningKey

    from kiosk.hub.enroll import create_code
    from kiosk.hub.storage import open_engine

    engine = open_engine(url)
    code = create_code(engine)
    engine.dispose()
    hub = subprocess.Popen([sys.executable, "-m", "kiosk", "hub", "serve", "--db", url,
                            "--port", "0", "--data", str(data)], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = hub.stdout.readline() if hub.stdout else ""
        if not line.startswith("hub listening on "):
            raise RuntimeError(f"the hub did not start: {line}")
        base = line.split()[3]
        key, kiosk_id = SigningKey.generate(), str(uuid.uuid4())
        with httpx.Client(base_url=base, timeout=120) as client, \
                ThreadPoolExecutor(max_workers=1) as sender:
            answer = client.post("/v1/enroll", json={
                "code": code, "kiosk_id": kiosk_id, "name": "bench", "commune": "",
                "public_key": base64.b64encode(bytes(key.verify_key)).decode(),
                "kiosk_version": "0"})
            answer.raise_for_status()
            headers = {"X-Kiosk-Id": kiosk_id, "Content-Type": "application/json",
                       "Authorization": f"Bearer {answer.json()['token']}"}

            def post(content: bytes) -> dict:
                answer = client.post("/v1/events", content=content, headers=headers)
                answer.raise_for_status()
                return answer.json()

            start = time.perf_counter()
            in_flight = sender.submit(post, _signed(key, kiosk_id, events[:BATCH]))
            for first in range(0, len(events), BATCH):
                # One request at a time; the next batch is built while the hub works.
                rest = events[first + BATCH:first + 2 * BATCH]
                following = _signed(key, kiosk_id, rest) if rest else None
                stored = in_flight.result()["stored"]
                if following is not None:
                    in_flight = sender.submit(post, following)
                if len(stored) != len(events[first:first + BATCH]):
                    raise RuntimeError("the hub did not store every event")
            return time.perf_counter() - start
    finally:
        hub.terminate()
        hub.wait(30)
        if hub.stdout:
            hub.stdout.close()


def _bare_insert(url: str, events: list[dict]) -> float:
    """Seconds to insert the same rows straight into a fresh hub database."""
    import sqlalchemy as sa

    from kiosk.hub import wire
    from kiosk.hub.ingest import event_row
    from kiosk.hub.storage import events as table
    from kiosk.hub.storage import open_engine, writing

    engine = open_engine(url)
    kiosk_id = str(uuid.uuid4())
    rows = [event_row(kiosk_id, wire.Event(e["id"], e["seq"], e["hlc"], e["type"], e["payload"],
                                           e["created"]), "2026-05-09T07:35:25.123+00:00")
            for e in events]
    start = time.perf_counter()
    for first in range(0, len(rows), BATCH):
        with writing(engine) as connection:
            connection.execute(sa.insert(table), rows[first:first + BATCH])
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def _pg_schema() -> str | None:
    try:
        import psycopg

        name = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
        return name
    except Exception as error:  # no server: the PostgreSQL rows are left out
        print(f"hub_push: PostgreSQL not measured ({error})", file=sys.stderr)
        return None


def _drop(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure() -> list[Row]:
    count = int(os.environ.get("KIOSK_BENCH_EVENTS", "100000"))
    events = _events(count)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        targets = [("SQLite", f"sqlite:///{work / 'push.sqlite3'}",
                    f"sqlite:///{work / 'bare.sqlite3'}", None)]
        schemas = [_pg_schema(), _pg_schema()]
        if all(schemas):
            base = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1)
            targets.append(("PostgreSQL", f"{base}?options=-csearch_path%3D{schemas[0]}",
                            f"{base}?options=-csearch_path%3D{schemas[1]}", schemas))
        try:
            for name, push_url, bare_url, _schemas in targets:
                pushed = _push(push_url, work / "data", events)
                bare = _bare_insert(bare_url, events)
                rows.append(Row(f"sync push {count} events, {name} ({pushed:.2f} s)",
                                count / pushed, "ev/s", count / bare,
                                "bare insert, 1000 rows/txn", "100k in < 5 s"))
        finally:
            for schema in schemas:
                if schema:
                    _drop(schema)
    return rows


if __name__ == "__main__":
    from common import print_table

    print_table(measure())
