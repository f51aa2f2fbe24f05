"""A hostile server on 127.0.0.1 that sends its answer one byte at a time.

`Drip(prefix, drip, every)` accepts connections, reads an HTTP request if `http` is set (head and
Content-Length body), sends `prefix` at once and then `drip` one byte every `every` seconds, so
no single read ever waits long enough for a socket timeout. Use it as a page that drips its
headers or its body, a webhook receiver that drips its answer, or an SMTP server that drips
its greeting.
"""
from __future__ import annotations

import socket
import threading
import time


class Drip:
    def __init__(self, prefix: bytes = b"", drip: bytes = b"x" * 100_000, every: float = 0.5, *, http: bool = True):
        self.prefix, self.drip, self.every, self.http = prefix, drip, every, http
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return self._server.getsockname()[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.http:
                    _read_request(conn)
                conn.sendall(self.prefix)
                for i in range(len(self.drip)):
                    if self._stop.wait(self.every):
                        return
                    conn.sendall(self.drip[i:i + 1])
            except OSError:
                return              # the client gave up: what a deadline is for

    def stop(self) -> None:
        self._stop.set()
        self._server.close()


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        body += chunk


def body_drip(length: int = 100_000, every: float = 0.5) -> Drip:
    """A page that announces `length` bytes with Content-Length, then sends them one at a time."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {length}\r\n\r\n".encode()
    return Drip(head, b"<p>" + b"x" * (length - 3), every)


def header_drip(every: float = 0.5) -> Drip:
    """A page whose headers never end: a status line, then a header one byte at a time."""
    return Drip(b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"a" * 100_000, every)


def greeting_drip(every: float = 0.5) -> Drip:
    """An SMTP server that drips a greeting that never ends."""
    return Drip(b"", b"220" + b"-" * 100_000, every, http=False)


def elapsed(fn) -> tuple[float, object]:
    """(seconds `fn()` took, what it raised or returned)."""
    started = time.monotonic()
    try:
        out = fn()
    except Exception as e:          # noqa: BLE001 - the test looks at what was raised
        out = e
    return time.monotonic() - started, out
