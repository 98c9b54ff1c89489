"""Typed errors of the store, each with a plain-language message for the person at the kiosk.

The UI and the command line print `str(error)` (also available as `user_message`, which the CLI
looks for); the technical detail (SQLite's own message, the file path) goes to the log. Every
failure of the store surfaces as a `StoreError` or one of its subclasses, never as a bare
`sqlite3` exception, so callers need only one `except`.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class StoreError(KioskError):
    """The store could not do what was asked; the message says why in plain words."""


class DamagedDatabaseError(StoreError):
    """The database file is not SQLite, is not the kiosk's, or is damaged."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer kiosk; this one refuses to touch it."""


class UnknownLearnerError(StoreError):
    """No learner card has the given id."""
