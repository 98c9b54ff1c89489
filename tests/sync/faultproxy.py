"""A TCP proxy on loopback that breaks chosen HTTP exchanges, for sync tests.

It sits between the kiosk and a real hub and relays bytes, reading just enough HTTP/1.1
(request line, headers, Content-Length body) to know where each request ends. Faults are queued
and each one strikes the next request whose "METHOD /path" starts with its `match`:

- `cut_request`: forward half of the request, then close both sides (the hub sees a torn body);
- `drop_response`: forward the whole request, and once the hub starts answering (it answers only
  after its commit), close the kiosk's side without passing the answer on;
- `cut_response`: forward the request, pass on only the first `after` bytes of the answer, close;
- `hold`: forward the request and keep the answer back until the test calls `release()` (the
  test kills a process meanwhile);
- `call`: forward the request, then call `action()` (say, kill the hub) and close.

A fault with `skip=N` lets N matching requests through first. `fired` counts the faults that
struck; `requests` lists every "METHOD /path" seen, `heads` their request lines and headers.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Fault:
    kind: str
    match: str = "POST /v1/events"
    after: int = 0
    skip: int = 0  # matching requests let through untouched before this fault strikes
    action: Callable[[], None] | None = None
    struck: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()


class _Conn:
    def __init__(self, proxy: FaultProxy, client: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = socket.create_connection(proxy.upstream, timeout=60)
        self.response_fault: Fault | None = None
        self.lock = threading.Lock()

    def run(self) -> None:
        relay = threading.Thread(target=self._relay, daemon=True)
        relay.start()
        buffer = b""
        try:
            while True:
                head, buffer = self._read_head(buffer)
                if head is None:
                    return
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _sep, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(buffer) < length:
                    chunk = self.client.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                request = head + body
                line = head.split(b"\r\n", 1)[0].decode("latin-1")
                method, path = line.split(" ")[:2]
                fault = self.proxy.take(f"{method} {path}", head.decode("latin-1"))
                if fault is None:
                    self.upstream.sendall(request)
                    continue
                if fault.kind == "cut_request":
                    self.upstream.sendall(request[: len(head) + length // 2])
                    fault.struck.set()
                    return
                if fault.kind in ("drop_response", "cut_response", "hold"):
                    with self.lock:
                        self.response_fault = fault
                    self.upstream.sendall(request)
                    if fault.kind == "hold":
                        fault.struck.set()
                        fault.released.wait(300)
                    else:
                        fault.released.wait(120)  # set by the relay once it has acted
                    return
                if fault.kind == "call":
                    self.upstream.sendall(request)
                    assert fault.action is not None
                    fault.action()
                    fault.struck.set()
                    return
                raise ValueError(f"unknown fault {fault.kind}")
        except OSError:
            return
        finally:
            _close(self.client, self.upstream)

    def _read_head(self, buffer: bytes) -> tuple[bytes | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            chunk = self.client.recv(65536)
            if not chunk:
                return None, buffer
            buffer += chunk
        head, _sep, rest = buffer.partition(b"\r\n\r\n")
        return head + b"\r\n\r\n", rest

    def _relay(self) -> None:
        sent = 0
        try:
            while True:
                data = self.upstream.recv(65536)
                if not data:
                    break
                with self.lock:
                    fault = self.response_fault
                if fault is None or fault.kind == "hold":
                    if fault is not None:
                        fault.released.wait(300)
                        break
                    self.client.sendall(data)
                    continue
                if fault.kind == "drop_response":
                    fault.struck.set()
                    fault.released.set()
                    break
                if fault.kind == "cut_response":
                    room = fault.after - sent
                    if room > 0:
                        self.client.sendall(data[:room])
                        sent += min(room, len(data))
                    if sent >= fault.after:
                        fault.struck.set()
                        fault.released.set()
                        break
        except OSError:
            pass
        finally:
            _close(self.client, self.upstream)


class FaultProxy:
    """Relays 127.0.0.1:<port> to `upstream`, breaking the exchanges it is told to."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.requests: list[str] = []
        self.heads: list[str] = []  # each request's line and headers, as sent
        self.fired = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, kind: str, match: str = "POST /v1/events", **options: object) -> Fault:
        fault = Fault(kind, match, **options)  # type: ignore[arg-type]
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, request: str, head: str = "") -> Fault | None:
        with self._lock:
            self.requests.append(request)
            self.heads.append(head)
            for index, fault in enumerate(self._faults):
                if request.startswith(fault.match):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    self.fired += 1
                    return self._faults.pop(index)
        return None

    def retarget(self, upstream: tuple[str, int]) -> None:
        """Send new connections to another address (a hub restarted on another port)."""
        self.upstream = upstream

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            try:
                conn = _Conn(self, client)
            except OSError:
                _close(client)  # the hub is down: the kiosk sees a dropped connection
                continue
            threading.Thread(target=conn.run, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        _close(self._listener)
