"""A real HTTP webhook receiver on 127.0.0.1 that records raw bodies and headers.

Script its answers (`receiver.answer(500, 500)`; after the script it answers 200) and hold
chosen requests open (`receiver.hold(2)`) until `receiver.release()`, to play a slow or
failing endpoint. Import the fixture into a test module: `from receiver import receiver`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

HOLD_MAX = 30.0


@dataclass
class Request:
    path: str
    headers: dict[str, str]         # names lower-cased
    body: bytes
    status: int                     # what the receiver answered (or meant to, if the client left)


class Receiver:
    def __init__(self):
        self.requests: list[Request] = []
        self._script: list[int] = []
        self._held: set[int] = set()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/hooks/policymon"

    def answer(self, *statuses: int) -> None:
        self._script.extend(statuses)

    def hold(self, *numbers: int) -> None:
        """Keep the n-th requests (1-based) waiting for release() before answering."""
        self._held.update(numbers)

    def release(self) -> None:
        self._release.set()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    status = receiver._script.pop(0) if receiver._script else 200
                    receiver.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                     body, status))
                    number = len(receiver.requests)
                if number in receiver._held:
                    receiver._release.wait(HOLD_MAX)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass                # the client gave up (timeout, or it was killed)

            def log_message(self, *args):
                pass

        return Handler

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()
