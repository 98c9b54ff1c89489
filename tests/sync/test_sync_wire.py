"""The batch a kiosk pushes, built from the payload text the outbox stored, is byte for byte the
canonical batch of PROTOCOL.md (what `make_batch` and `canonical` give from decoded events)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from kiosk import config
from kiosk.store import open_store, outbox
from kiosk.store.db import open_database, write_transaction
from kiosk.sync.identity import canonical
from kiosk.sync.wire import batch_body, make_batch

TRICKY = [
    ("step_completed", {"learner_id": str(uuid.uuid4()), "language": "vi",
                        "note": "Thanh toán bằng mã QR — đúng rồi"}),
    ("quiz_answered", {"text": 'a "quoted" word, a \\ backslash', "a": -0.0,
                       "nested": {"z": [1, 2.5, None, True], "b": {}}}),
    # The text that marks where payloads go, inside a payload and inside a type.
    ("lesson_started", {"trap": '"payload":0,', "payload": 0}),
    ('odd"payload":0,type', {"control": "\x00\x1f\u2028\t", "emoji": "🙂", "big": 2**70}),
    ("lesson_completed", {}),
]


def test_batch_from_stored_payload_text_is_the_canonical_batch(data_dir: Path) -> None:
    path = config.database_path(data_dir)
    open_store(path).close()  # create and migrate
    db = open_database(path)
    try:
        with write_transaction(db):
            for event_type, payload in TRICKY:
                outbox.add_event(db, event_type, payload)
    finally:
        db.close()
    with open_store(path) as store:
        events, rows = store.pending_events(), store.pending_rows()
    kiosk_id, batch_id, stamp = str(uuid.uuid4()), str(uuid.uuid4()), "0001732350000123-0003"
    body = batch_body(kiosk_id, rows, stamp, batch_id=batch_id)
    assert body == canonical(make_batch(kiosk_id, events, stamp, batch_id=batch_id))
    sent = json.loads(body)
    assert [event["payload"] for event in sent["events"]] == [p for _t, p in TRICKY]
    assert [event["type"] for event in sent["events"]] == [t for t, _p in TRICKY]
