"""HTTP to the hub (PROTOCOL.md `/v1`): probe, enroll, push, catalog, resumable downloads.

One `HubClient` per sync pass, over one httpx connection pool. Requests that may be repeated
safely are retried by tenacity with exponential backoff and jitter when the connection fails or
the hub answers 5xx/429: push is idempotent by event id, GETs are, and enrollment is too in
the one case a retry can meet (the same kiosk, key and code again after a lost answer: the hub
answers a fresh token, PROTOCOL.md). After the last attempt the failure comes out as a typed
`SyncError` with a plain message, and the caller (the worker) reschedules the whole pass.
Credentials go only to the hub's own origin. Waits between attempts end early when the
caller's `cancel` event is set.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import tenacity

from kiosk import __version__
from kiosk.i18n import _
from kiosk.sync.errors import HubRefusedError, HubUnreachableError, ProtocolError, SyncError

log = logging.getLogger(__name__)

T = TypeVar("T")

PROBE_TIMEOUT = 3.0
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_ANSWER = 32 * 1024 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently one request is tried (tests use short waits)."""

    attempts: int = 4
    initial: float = 0.5  # seconds before the second attempt, doubling after that
    maximum: float = 8.0
    jitter: float = 0.5


class CancelledError(SyncError):
    """The worker was asked to stop while waiting or downloading."""


class _Retryable(Exception):
    """The hub answered 5xx/429, or a download came out short: worth another attempt."""


def normalize_url(url: str) -> str:
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parsed = httpx.URL(text)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SyncError(_("{url} is not a hub address (like http://192.168.1.10:8765).").format(
            url=url))
    return str(parsed).rstrip("/")


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


class HubClient:
    def __init__(self, base_url: str, kiosk_id: str | None = None, token: str | None = None, *,
                 retry: RetryPolicy | None = None, cancel: threading.Event | None = None,
                 timeout: httpx.Timeout = TIMEOUT) -> None:
        self.base_url = normalize_url(base_url)
        self.retry = retry or RetryPolicy()
        self.cancel = cancel
        self._origin = httpx.URL(self.base_url).copy_with(path="/", query=None, fragment=None)
        self._auth: dict[str, str] = {}
        if kiosk_id and token:
            self._auth = {"X-Kiosk-Id": kiosk_id, "Authorization": f"Bearer {token}"}
        self._http = httpx.Client(timeout=timeout, follow_redirects=False,
                                  headers={"User-Agent": f"kiosk/{__version__}"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # plumbing

    def url(self, path: str) -> httpx.URL:
        return httpx.URL(self.base_url + "/").join(path.lstrip("/"))

    def _headers_for(self, url: httpx.URL) -> dict[str, str]:
        same = url.copy_with(path="/", query=None, fragment=None) == self._origin
        return dict(self._auth) if same else {}

    def _sleep(self, seconds: float) -> None:
        if self.cancel is None:
            threading.Event().wait(seconds)
        elif self.cancel.wait(seconds):
            raise CancelledError(_("Sync was stopped."))

    def _run(self, attempt: Callable[[], T], what: str) -> T:
        """Call `attempt` under the retry policy; translate the last failure for people."""

        def worth_retrying(error: BaseException) -> bool:
            return isinstance(error, _Retryable | httpx.TransportError)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, self.retry.attempts)),
            wait=tenacity.wait_exponential_jitter(
                multiplier=self.retry.initial, max=self.retry.maximum, jitter=self.retry.jitter),
            retry=tenacity.retry_if_exception(worth_retrying),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: log.info(
                "%s: attempt %d failed (%s); trying again", what, state.attempt_number,
                state.outcome.exception() if state.outcome else "?"),
        )
        try:
            return retrying(attempt)
        except httpx.TransportError as error:
            log.info("%s failed: %r", what, error)
            raise HubUnreachableError(_("The hub at {url} cannot be reached ({reason}).").format(
                url=self.base_url, reason=type(error).__name__)) from error
        except _Retryable as error:
            raise HubUnreachableError(_("The hub at {url} has a problem ({reason}); the kiosk "
                                        "will try again later.").format(
                                            url=self.base_url, reason=error)) from error

    def _check(self, response: httpx.Response, what: str) -> None:
        status = response.status_code
        if status in (429,) or status >= 500:
            raise _Retryable(f"HTTP {status}")
        if status in (401, 403):
            code = _error_code(response)
            log.warning("%s refused by the hub: %s %s", what, status, code)
            raise HubRefusedError(_("The hub refused this kiosk ({code}). Enroll it again with a "
                                    "new code.").format(code=code or f"HTTP {status}"))
        if status != 200:
            code = _error_code(response)
            raise ProtocolError(_("The hub answered {what} with an error ({code}).").format(
                what=what, code=code or f"HTTP {status}"))

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if len(response.content) > MAX_ANSWER:
            raise ProtocolError(_("The hub's answer to {what} is too large.").format(what=what))
        try:
            body = response.json()
        except ValueError as error:
            raise ProtocolError(_("The hub's answer to {what} is not valid JSON.").format(
                what=what)) from error
        if not isinstance(body, dict):
            raise ProtocolError(_("The hub's answer to {what} is not valid JSON.").format(
                what=what))
        return body

    # the API

    def health(self) -> dict[str, Any]:
        """Probe: one quick GET /v1/health, no retry; HubUnreachableError when no good answer."""
        try:
            response = self._http.get(self.url("/v1/health"), timeout=PROBE_TIMEOUT)
        except httpx.TransportError as error:
            raise HubUnreachableError(_("The hub at {url} cannot be reached ({reason}).").format(
                url=self.base_url, reason=type(error).__name__)) from error
        body: dict[str, Any] = {}
        if response.status_code == 200:
            try:
                loaded = response.json()
                body = loaded if isinstance(loaded, dict) else {}
            except ValueError:
                body = {}
        if body.get("status") != "ok":
            raise HubUnreachableError(_("The hub at {url} is not ready (HTTP {status}).").format(
                url=self.base_url, status=response.status_code))
        return body

    def enroll(self, request: dict[str, Any]) -> httpx.Response:
        """POST /v1/enroll; the raw answer (the caller reads its error codes)."""

        def attempt() -> httpx.Response:
            response = self._http.post(self.url("/v1/enroll"), json=request)
            if response.status_code >= 500 or response.status_code == 429:
                raise _Retryable(f"HTTP {response.status_code}")
            return response

        return self._run(attempt, "enroll")

    def push(self, wire: dict[str, str]) -> dict[str, Any]:
        """POST /v1/events with one signed batch; the hub's answer."""
        content = json.dumps(wire).encode()
        url = self.url("/v1/events")

        def attempt() -> dict[str, Any]:
            response = self._http.post(url, content=content, headers={
                **self._headers_for(url), "Content-Type": "application/json"})
            self._check(response, "push")
            return self._json(response, "push")

        return self._run(attempt, "push")

    def catalog(self) -> dict[str, Any]:
        url = self.url("/v1/catalog")

        def attempt() -> dict[str, Any]:
            response = self._http.get(url, headers=self._headers_for(url))
            self._check(response, "catalog")
            return self._json(response, "catalog")

        return self._run(attempt, "catalog")

    def download(self, url: str, part: Path, size: int, sha256: str) -> None:
        """Fetch `url` into `part`, resuming from what `part` already holds (HTTP Range).

        Ends with `part` holding `size` bytes; whether they are the right ones is the caller's
        check (sha256, then the bundle's own signature).
        """
        target = self.url(url) if not url.startswith(("http://", "https://")) else httpx.URL(url)
        headers = self._headers_for(target)

        def attempt() -> None:
            have = part.stat().st_size if part.exists() else 0
            if have > size:
                part.unlink()
                have = 0
            if have == size:
                return
            request_headers = {**headers, "Accept-Encoding": "identity"}
            if have:
                request_headers["Range"] = f"bytes={have}-"
            with self._http.stream("GET", target, headers=request_headers) as response:
                if response.status_code == 416:
                    part.unlink(missing_ok=True)
                    raise _Retryable("HTTP 416")
                if response.status_code == 206:
                    start = _range_start(response.headers.get("Content-Range", ""))
                    if start != have:
                        part.unlink(missing_ok=True)
                        raise _Retryable(f"range starts at {start}, not {have}")
                    mode = "ab"
                else:
                    self._check(response, "download")
                    have, mode = 0, "wb"
                etag = response.headers.get("ETag", "").removeprefix("W/").strip('"')
                if etag and etag.lower() != sha256.lower():
                    part.unlink(missing_ok=True)
                    raise ProtocolError(_("The hub changed the bundle while it was "
                                          "downloading; it will be fetched again."))
                part.parent.mkdir(parents=True, exist_ok=True)
                with part.open(mode) as handle:
                    try:
                        # As the bytes arrive (no re-chunking), so a cut keeps what came.
                        for chunk in response.iter_bytes():
                            if self.cancel is not None and self.cancel.is_set():
                                raise CancelledError(_("Sync was stopped."))
                            have += len(chunk)
                            if have > size:
                                raise ProtocolError(_("The hub sent more than the bundle's "
                                                      "size."))
                            handle.write(chunk)
                    finally:
                        handle.flush()
                        os.fsync(handle.fileno())
            if have < size:
                raise _Retryable(f"got {have} of {size} bytes")

        try:
            self._run(attempt, "download")
        except ProtocolError:
            part.unlink(missing_ok=True)
            raise


def _range_start(content_range: str) -> int:
    # "bytes 100-199/200"
    try:
        unit, _sep, rest = content_range.partition(" ")
        if unit.strip() != "bytes":
            return -1
        return int(rest.split("-", 1)[0])
    except ValueError:
        return -1
