"""Typed errors of sync, each with a plain message for the technician (`user_message`).

The command line prints `kiosk: <message>`; the technician screen shows the same words
translated; the status keeps the last one (`last_error`). Details go to the log.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class SyncError(KioskError):
    """Sync could not do what was asked; the message says why in plain words."""


class NotEnrolledError(SyncError):
    """The kiosk has no hub yet (or no token to use the network with)."""


class AlreadyEnrolledError(SyncError):
    """The kiosk already has a hub and a token."""


class EnrollError(SyncError):
    """The hub refused the enrollment (bad, used or expired code; another kiosk's id)."""


class HubUnreachableError(SyncError):
    """No answer from the hub: no network, hub down, or the connection kept breaking."""


class HubRefusedError(SyncError):
    """The hub refused this kiosk's credentials or signature (401/403)."""


class ProtocolError(SyncError):
    """The hub answered something PROTOCOL.md does not allow."""


class SyncFileError(SyncError):
    """A stick file (events or receipt) is unreadable, damaged, forged or not for this kiosk."""


class SyncBusyError(SyncError):
    """Another sync pass (the worker, or `kiosk sync now`) is running on this data folder."""
