"""The hub: the commune or province server that kiosks sync with (DESIGN.md §9).

It enrolls kiosks with one-time codes, stores their signed event batches idempotently (online
through `/v1/events`, offline from USB files), serves the lesson bundle catalog and downloads,
and turns the events into reports and a dashboard page for commune and province staff. The
wire format is kiosk/sync/PROTOCOL.md. Storage is SQLAlchemy Core on a SQLite file or a shared
PostgreSQL database; no request depends on state kept inside one process, so several hub
processes can serve the same database. This package never imports Qt.
"""
