"""Enrollment: the technician types a hub's one-time code; the kiosk gets a hub, a token, a key.

Online (`enroll_online`): the kiosk makes its id and Ed25519 key (kept before anything is
sent, so a retry presents the same identity), probes the hub, posts `/v1/enroll` and keeps the
token and the hub's public key (pinned: receipts must be signed by it). When the hub cannot be
reached the code is kept: the sync worker enrolls as soon as the hub answers, and the next
stick file carries the code too. Through the stick (`enroll_by_stick`): the code is kept and
travels in the next `kiosk sync export` file; the first receipt the kiosk accepts completes
the enrollment and pins the hub's key (`usb`). A kiosk enrolled that way has no token; it
enrolls online with a new code when a network appears (the hub accepts the same kiosk id with
the same key again).
"""

from __future__ import annotations

import logging
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from kiosk import __version__
from kiosk.i18n import _
from kiosk.store import Store, SyncState
from kiosk.store.db import now_iso
from kiosk.sync.client import HubClient, RetryPolicy, normalize_url
from kiosk.sync.errors import (
    AlreadyEnrolledError,
    EnrollError,
    HubUnreachableError,
    ProtocolError,
    SyncError,
)
from kiosk.sync.identity import KioskKey, ensure_key, unb64

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True)
class EnrollResult:
    kiosk_id: str
    online: bool  # False: the code waits for the network or the stick
    hub_url: str | None = None
    hub_id: str | None = None
    commune: str | None = None


def normalize_code(code: str) -> str:
    """`XXXX-XXXX` from what the technician typed (dashes, spaces and case ignored)."""
    letters = "".join(code.split()).replace("-", "").upper()
    if len(letters) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in letters):
        raise EnrollError(_("{code} is not an enrollment code (8 letters and digits, like "
                            "ABCD-2345).").format(code=code.strip() or "''"))
    return f"{letters[:4]}-{letters[4:]}"


def _prepare(store: Store, data_dir: Path, code: str, url: str | None, name: str | None,
             commune: str | None) -> tuple[SyncState, KioskKey]:
    state = store.sync_state()
    if state.token:
        raise AlreadyEnrolledError(_("This kiosk is already enrolled with the hub {hub}.").format(
            hub=state.hub_url or state.hub_id or "?"))
    key = ensure_key(data_dir)
    state = store.update_sync_state(
        kiosk_id=state.kiosk_id or str(uuid.uuid4()),
        enroll_code=code,
        hub_url=url or state.hub_url,
        name=name if name is not None else (state.name or socket.gethostname()),
        commune=commune if commune is not None else state.commune,
    )
    return state, key


def enroll_by_stick(store: Store, data_dir: Path, code: str, *, name: str | None = None,
                    commune: str | None = None) -> EnrollResult:
    """Keep the code for the next stick file; the first receipt completes the enrollment."""
    state, _key = _prepare(store, data_dir, normalize_code(code), None, name, commune)
    assert state.kiosk_id is not None
    log.info("kiosk %s will enroll through the stick", state.kiosk_id)
    return EnrollResult(state.kiosk_id, online=False)


def enroll_online(store: Store, data_dir: Path, url: str, code: str, *, name: str | None = None,
                  commune: str | None = None, retry: RetryPolicy | None = None) -> EnrollResult:
    """Enroll now; HubUnreachableError (with the code kept for later) when the hub is away."""
    code = normalize_code(code)
    url = normalize_url(url)
    state, key = _prepare(store, data_dir, code, url, name, commune)
    with HubClient(url, retry=retry) as client:
        return complete_pending(store, state, key, client)


def complete_pending(store: Store, state: SyncState, key: KioskKey, client: HubClient,
                     ) -> EnrollResult:
    """Send the kept code to the hub behind `client`; used at once and by the sync worker."""
    assert state.kiosk_id is not None and state.enroll_code is not None
    try:
        client.health()
        response = client.enroll({
            "code": state.enroll_code, "kiosk_id": state.kiosk_id, "public_key": key.public_b64,
            "name": state.name or "", "commune": state.commune or "",
            "kiosk_version": __version__})
    except HubUnreachableError as error:
        raise HubUnreachableError(_("{reason} The code is kept: the kiosk will enroll when the "
                                    "hub answers, or through the stick.").format(
                                        reason=error.user_message)) from error
    if response.status_code != 200:
        raise _refusal(store, response.status_code, _code_of(response))
    try:
        answer = response.json()
    except ValueError:
        answer = None
    hub_key = unb64(answer.get("hub_public_key"), 32) if isinstance(answer, dict) else None
    if not isinstance(answer, dict) or answer.get("kiosk_id") != state.kiosk_id \
            or not isinstance(answer.get("token"), str) or not answer["token"] \
            or not isinstance(answer.get("hub_id"), str) or hub_key is None:
        raise ProtocolError(_("The hub's answer to the enrollment is not valid."))
    commune = answer.get("commune") if isinstance(answer.get("commune"), str) else state.commune
    store.update_sync_state(
        token=answer["token"], hub_id=answer["hub_id"], hub_public_key=answer["hub_public_key"],
        hub_url=client.base_url, commune=commune, enrolled=now_iso(), enrolled_via="online",
        enroll_code=None, last_error=None, failures=0, next_attempt=None)
    log.info("kiosk %s enrolled with hub %s at %s", state.kiosk_id, answer["hub_id"],
             client.base_url)
    return EnrollResult(state.kiosk_id, True, client.base_url, answer["hub_id"], commune)


def _code_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def _refusal(store: Store, status: int, code: str) -> SyncError:
    messages = {
        "code_invalid": _("The hub does not know this code. Check it, or ask for a new one."),
        "code_used": _("This code was already used. Ask the hub for a new code."),
        "code_expired": _("This code has expired. Ask the hub for a new code."),
        "kiosk_exists": _("The hub already knows this kiosk with another key. Ask the hub's "
                          "administrator."),
    }
    message = messages.get(code) or _("The hub refused the enrollment ({code}).").format(
        code=code or f"HTTP {status}")
    # The code will not work again: forget it, so nothing keeps sending it.
    store.update_sync_state(enroll_code=None, last_error=message, last_error_at=now_iso())
    log.warning("enrollment refused: HTTP %s %s", status, code)
    return EnrollError(message)
