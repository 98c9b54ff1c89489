"""The root of the kiosk's typed errors: each carries a message written for people.

Every package's base error (`BundleError`, `StoreError`, `SpeechError`, `SyncError`, `HubError`,
`LanguagesError`, `AutostartError`) derives from `KioskError`, whose `user_message` is the one
line the command line prints after `kiosk:` and the UI shows; the technical detail goes to the
log (STYLE practice 6). Standard library only: every part of the kiosk may import it.
"""

from __future__ import annotations


class KioskError(Exception):
    """A failure explained in plain words; `str(error)` is already the message for people."""

    @property
    def user_message(self) -> str:
        return str(self)
