"""Outgoing connections: a total deadline on each, and a guard on the addresses it reaches.

A socket timeout only bounds each wait for the next bytes, so a server that drips one byte a
second (headers, body, an SMTP greeting or a webhook's answer) holds a connection open for
ever. Code that talks to a server does it inside `with Deadline(seconds) as d:`; every socket
opened or reused under it (HTTP through `session()`, SMTP through `watch`) is shut down when
the time is up, which wakes a blocked read at once, and `d.expired` tells the caller why the
connection broke. One watchdog thread serves every deadline of the process.

The same hook checks the address each HTTP connection reached against the deadline's `guard`,
before anything is sent, so a redirect to a loopback or private address is refused even when
a host name resolves to one (DNS rebinding).
"""
from __future__ import annotations

import heapq
import ipaddress
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()


class Deadline:
    """A point in time after which the sockets used under this deadline are shut down."""

    def __init__(self, seconds: float, guard: Callable[[str], None] | None = None):
        self.at = time.monotonic() + seconds
        self.guard = guard              # called with each peer address; raises to refuse it
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = False

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down if it is still in use when the time is up (at once if it already is)."""
        try:
            dup = socket.socket(fileno=os.dup(sock.fileno()))   # stays valid when TLS wraps `sock`
        except OSError:
            return
        with self._lock:
            if not self._done:
                self._socks.append(dup)
                if not self.expired:
                    return
        _shut(dup)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            socks = list(self._socks)
        for sock in socks:
            _shut(sock)

    def __enter__(self) -> Deadline:
        self._outer = getattr(_local, "deadline", None)
        _local.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc) -> None:
        _local.deadline = self._outer
        with self._lock:
            self._done = True
            socks, self._socks = self._socks, []
        for sock in socks:
            sock.close()


def current() -> Deadline | None:
    return getattr(_local, "deadline", None)


def watch_current(sock: socket.socket) -> None:
    """Put `sock` (opened by a library such as smtplib) under the current deadline, if any."""
    deadline = current()
    if deadline is not None:
        deadline.watch(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watchdog:
    """One thread that expires deadlines in time order."""

    def __init__(self):
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="policymon-deadlines", daemon=True)
                self._thread.start()
            if self._heap[0][2] is deadline:    # else the watchdog wakes earlier anyway
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                at, _, deadline = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            deadline._expire()


_WATCHDOG = _Watchdog()


def internal_address(ip: str) -> bool:
    """Loopback, private, link-local (cloud metadata lives there), shared, reserved or multicast."""
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return not addr.is_global or addr.is_multicast


def _peer(sock: socket.socket) -> str | None:
    try:
        return sock.getpeername()[0]
    except (OSError, IndexError, TypeError):
        return None


def _on_socket(sock: socket.socket, guarded: bool = True) -> None:
    """Put a connection's socket under the current deadline and its address guard."""
    deadline = current()
    if deadline is None:
        return
    if guarded and deadline.guard is not None:
        peer = _peer(sock)
        if peer is not None:
            try:
                deadline.guard(peer)
            except BaseException:
                sock.close()
                raise
    deadline.watch(sock)


class _Watched:
    """urllib3 connection hooks: a new socket right after connect (before TLS), a pooled one
    before each request is sent. Through a proxy the peer is the proxy, so only the deadline
    applies there."""
    guarded = True

    def _new_conn(self):
        sock = super()._new_conn()
        _on_socket(sock, self.guarded)
        return sock

    def request(self, *args, **kwargs):
        if self.sock is not None:
            _on_socket(self.sock, self.guarded)
        return super().request(*args, **kwargs)


def _pools(guarded: bool) -> dict:
    def pool(base_pool, base_conn):
        conn = type(f"Watched{base_conn.__name__}", (_Watched, base_conn), {"guarded": guarded})
        return type(f"Watched{base_pool.__name__}", (base_pool,), {"ConnectionCls": conn})
    return {"http": pool(HTTPConnectionPool, HTTPConnection), "https": pool(HTTPSConnectionPool, HTTPSConnection)}


_DIRECT, _PROXIED = _pools(True), _pools(False)


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _DIRECT

    def proxy_manager_for(self, proxy, **kwargs):
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _PROXIED
        return manager


def session(user_agent: str) -> requests.Session:
    """A requests session whose connections obey the current Deadline and its guard."""
    s = requests.Session()
    s.headers["User-Agent"] = user_agent
    for prefix in ("http://", "https://"):
        s.mount(prefix, _Adapter())
    return s
