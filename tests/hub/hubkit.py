"""Helpers for hub tests: a protocol-speaking test kiosk, and hubs on loopback.

`TestKiosk` does what a kiosk does on the wire (PROTOCOL.md), written here from the document
and not taken from kiosk/sync, so the hub is checked against the contract itself: an Ed25519
key, enrollment, outbox-like events with seq and HLC, canonical signed batches, USB files.
`ThreadHub` runs the real app on real uvicorn in a thread on a free loopback port;
`ProcessHub` runs `python -m kiosk hub serve` as a separate process (to kill it).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from nacl.signing import SigningKey

REPO = Path(__file__).resolve().parents[2]


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def uuid7() -> str:
    import uuid6

    return str(uuid6.uuid7())


@dataclass
class TestKiosk:
    __test__ = False  # not a test class

    kiosk_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    key: SigningKey = field(default_factory=SigningKey.generate)
    token: str | None = None
    seq: int = 0
    physical_ms: int = 1_700_000_000_000
    counter: int = 0
    learner_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def public_key(self) -> str:
        return b64(bytes(self.key.verify_key))

    def headers(self) -> dict[str, str]:
        return {"X-Kiosk-Id": self.kiosk_id, "Authorization": f"Bearer {self.token}"}

    def hlc(self) -> str:
        self.counter += 1
        return f"{self.physical_ms:016d}-{self.counter:04d}"

    def enroll_request(self, code: str, name: str = "Nhà văn hóa", commune: str = "") -> dict:
        return {"code": code, "kiosk_id": self.kiosk_id, "public_key": self.public_key,
                "name": name, "commune": commune, "kiosk_version": "0.1.0"}

    def enroll(self, base_url: str, code: str, **kw: Any) -> httpx.Response:
        answer = httpx.post(f"{base_url}/v1/enroll", json=self.enroll_request(code, **kw))
        if answer.status_code == 200:
            self.token = answer.json()["token"]
        return answer

    def event(self, event_type: str = "step_completed", **payload: Any) -> dict[str, Any]:
        self.seq += 1
        body = {"learner_id": self.learner_id, "birth_decade": 1960, "language": "vi",
                "lesson_id": "qr-payment", "lesson_version": 1, "steps_total": 8,
                "attempt": 1, **payload}
        return {"id": uuid7(), "seq": self.seq, "hlc": self.hlc(), "type": event_type,
                "payload": body, "created": "2026-05-09T07:35:25.123+00:00"}

    def events(self, count: int, **payload: Any) -> list[dict[str, Any]]:
        return [self.event(step_index=i % 8, step_id=f"s{i % 8}", **payload)
                for i in range(count)]

    def batch_body(self, events: list[dict[str, Any]], kiosk_id: str | None = None) -> bytes:
        return canonical({"format": 1, "kiosk_id": kiosk_id or self.kiosk_id,
                          "batch_id": uuid7(), "hlc": self.hlc(), "events": events})

    def wire(self, events: list[dict[str, Any]], signer: SigningKey | None = None,
             kiosk_id: str | None = None) -> dict[str, str]:
        body = self.batch_body(events, kiosk_id)
        signature = (signer or self.key).sign(body).signature
        return {"batch": b64(body), "signature": b64(signature)}

    def push(self, base_url: str, wire: dict[str, str],
             headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(f"{base_url}/v1/events", json=wire,
                          headers=self.headers() if headers is None else headers, timeout=60)

    def usb_file(self, folder: Path, events: list[dict[str, Any]],
                 code: str | None = None, commune: str = "") -> Path:
        wire = self.wire(events)
        data: dict[str, Any] = {"format": "kiosk-sync/1", "kind": "events",
                                "kiosk_id": self.kiosk_id, "public_key": self.public_key,
                                **wire}
        if code is not None:
            data["enroll"] = {"code": code, "name": "Nhà văn hóa thôn", "commune": commune}
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.kiosk_id}-{events[0]['seq']}-{events[-1]['seq']}.ksync"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path


class ThreadHub:
    """The real app on real uvicorn, in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, url: str, bundles: Path | None = None) -> None:
        from kiosk.hub.app import bind, create_app, make_server

        self.app = create_app(url, bundles)
        self.engine = self.app.state.engine
        self.sock = bind("127.0.0.1", 0)
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = make_server(self.app, log_level="warning")
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> ThreadHub:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the hub did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.engine.dispose()


class ProcessHub:
    """`python -m kiosk hub serve` in its own process."""

    def __init__(self, url: str, data: Path, bundles: Path | None = None) -> None:
        args = [sys.executable, "-m", "kiosk", "hub", "serve", "--db", url, "--port", "0",
                "--data", str(data)]
        if bundles is not None:
            args += ["--bundles", str(bundles)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("hub listening on "):
            self.process.kill()
            raise RuntimeError(f"hub did not start: {line}{self.process.stderr.read()}")
        self.base_url = line.split()[3]
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.02)
        raise RuntimeError("hub not answering")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when the power goes."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(20)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(20)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
        return self.process.returncode
