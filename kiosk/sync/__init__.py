"""Sync: the kiosk's side of the exchange with a hub, online or through a USB stick.

The contract with the hub is PROTOCOL.md beside this file. Modules: `hlc` (timestamps that
never go back), `identity` (the kiosk's Ed25519 key and canonical JSON), `wire` (batches,
stick files, receipts), `client` (HTTP with retries), `enroll`, `engine` (one sync pass: push
events, pull bundles), `worker` (the background thread that repeats it), `usb` (export and
receipts), `status` and `cli`. Nothing here imports Qt, and nothing here runs on the UI
thread: the UI calls `sync_status` for its indicator and starts a `SyncWorker`.
This package's import is kept free of side effects and heavy imports (the store loads `hlc`
at start-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def sync_status(data_dir: Path) -> dict[str, Any]:
    """The technician's view of sync (DESIGN §11 `kiosk sync status --json` shape and more)."""
    from kiosk.sync.status import sync_status as _status

    return _status(data_dir)
