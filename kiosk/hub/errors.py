"""Typed hub errors: each carries the protocol's error code and HTTP status.

The HTTP layer answers them as `{"error": code, "detail": sentence}` (PROTOCOL.md); the command
line prints the sentence on one line. Details are English, as the protocol says: they are read
by technicians and logs, never by learners.
"""

from __future__ import annotations


class HubError(Exception):
    """A refused request or failed operation, with a one-sentence reason."""

    status = 400
    default_code = "bad_request"

    def __init__(self, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code

    @property
    def user_message(self) -> str:
        return self.detail


class BadRequest(HubError):
    status = 400
    default_code = "bad_request"


class Unauthorized(HubError):
    status = 401
    default_code = "unauthorized"


class Forbidden(HubError):
    status = 403
    default_code = "forbidden"


class NotFound(HubError):
    status = 404
    default_code = "not_found"


class Conflict(HubError):
    status = 409
    default_code = "kiosk_exists"


class TooLarge(HubError):
    status = 413
    default_code = "too_large"
