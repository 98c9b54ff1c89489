"""Typed hub errors: each carries the protocol's error code and HTTP status.

The HTTP layer answers them as `{"error": code, "detail": sentence}` (PROTOCOL.md); the command
line prints the sentence on one line. Details are English, as the protocol says: they are read
by technicians and logs, never by learners.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class HubError(KioskError):
    """A refused request or failed operation, with a one-sentence reason.

    Each kind below differs only by its HTTP status and default error code, given as data in
    its class line: `class NotFound(HubError, status=404, code="not_found")`.
    """

    status = 400
    default_code = "bad_request"

    def __init_subclass__(cls, *, status: int, code: str, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.status, cls.default_code = status, code

    def __init__(self, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code


class BadRequest(HubError, status=400, code="bad_request"):
    """The request is malformed or asks for something impossible."""


class Unauthorized(HubError, status=401, code="unauthorized"):
    """The kiosk's credentials are missing or unknown."""


class Forbidden(HubError, status=403, code="forbidden"):
    """The kiosk is known but may not do this (codes: code_invalid, wrong_kiosk, ...)."""


class NotFound(HubError, status=404, code="not_found"):
    """What the request names is not on the hub."""


class Conflict(HubError, status=409, code="kiosk_exists"):
    """Another kiosk already holds this id."""


class TooLarge(HubError, status=413, code="too_large"):
    """The request body is over the hub's limit."""
