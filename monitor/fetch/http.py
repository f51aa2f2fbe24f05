"""One careful HTTP GET for every fetch: deadlines, redirects, size cap, retries and rate limits.

Live pages and the Wayback Machine are fetched through `get()`, so both honour the same
rules: one total deadline per attempt over connect, headers and body (`monitor.net`, so a
server that drips bytes is cut off on time), redirects followed only where `Redirects`
allows, retries with exponential backoff on 5xx answers and connection errors, `Retry-After`
on 429, and a byte cap enforced while streaming. Every failure is a FetchError whose
`transient` flag says whether trying later may help.
"""
from __future__ import annotations

import ipaddress
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

import requests
from requests.structures import CaseInsensitiveDict

from .. import net
from ..errors import FetchError

CHUNK = 64 * 1024
MAX_REDIRECTS = 10
_REDIRECT_STATUS = (301, 302, 303, 307, 308)
_sessions: dict[str, requests.Session] = {}
_sessions_lock = threading.Lock()


class RateLimited(FetchError):
    """A 429 whose Retry-After is longer than this call may wait; try again after `retry_after` s."""
    transient = True

    def __init__(self, message: str, retry_after: float):
        super().__init__(message, reason="rate limited")
        self.retry_after = retry_after


def session(user_agent: str) -> requests.Session:
    """The process-wide session for this User-Agent, so connections are pooled and reused."""
    with _sessions_lock:
        s = _sessions.get(user_agent)
        if s is None:
            s = _sessions[user_agent] = net.session(user_agent)
        return s


class _Pause:
    """The moment until which every limiter sharing it holds back (after a 429)."""

    def __init__(self):
        self.until = 0.0
        self.lock = threading.Lock()
        self.sent = 0               # requests let through, by every limiter sharing it
        self.throttled = 0          # 429 answers they met


class RateLimiter:
    """At most `per_minute` requests in any 60 s window, and a pause of at least `pause` s
    for everyone sharing it after a 429 (the Archive blocks clients that ignore 429s)."""

    def __init__(self, per_minute: int | None = None, *, pause: float = 60.0,
                 clock=time.monotonic, sleep=time.sleep, _shared: _Pause | None = None):
        self.per_minute = per_minute
        self.pause = pause
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()
        self._shared = _shared or _Pause()

    def unmetered(self) -> RateLimiter:
        """A limiter with no per-minute budget that still honours this one's 429 pauses."""
        return RateLimiter(None, pause=self.pause, clock=self._clock, sleep=self._sleep, _shared=self._shared)

    def acquire(self) -> None:
        """Block until a request may be sent, then count it."""
        while True:
            with self._shared.lock:
                now = self._clock()
                wait = self._shared.until - now
                if self.per_minute:
                    while self._sent and self._sent[0] <= now - 60:
                        self._sent.popleft()
                    if len(self._sent) >= self.per_minute:
                        wait = max(wait, self._sent[0] + 60 - now)
                if wait <= 0:
                    self._sent.append(now)
                    self._shared.sent += 1
                    return
            self._sleep(wait)

    def counts(self) -> tuple[int, int]:
        """(requests sent, 429s met) so far by every limiter sharing this one's pauses."""
        with self._shared.lock:
            return self._shared.sent, self._shared.throttled

    def throttled(self) -> None:
        with self._shared.lock:
            self._shared.throttled += 1

    def back_off(self, seconds: float | None) -> float:
        """Pause every request for max(seconds, pause); returns the pause applied."""
        pause = max(seconds or 0.0, self.pause)
        with self._shared.lock:
            self._shared.until = max(self._shared.until, self._clock() + pause)
        return pause


@dataclass(frozen=True)
class Response:
    url: str
    final_url: str
    status: int
    headers: CaseInsensitiveDict
    body: bytes
    redirects: tuple[str, ...] = ()     # every URL that answered with a redirect, in order

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


@lru_cache(maxsize=1)
def _suffixes():
    from publicsuffixlist import PublicSuffixList      # the list ships inside the package
    return PublicSuffixList()


def _site(host: str) -> str:
    """A host's registrable domain ('www.acme.co.uk' → 'acme.co.uk'); an IP address or a
    one-label name ('localhost') is its own."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    return _suffixes().privatesuffix(host) or host if "." in host else host


def _port(parts: urllib.parse.SplitResult) -> int | None:
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None


@dataclass(frozen=True)
class Redirects:
    """Where a fetch of a configured URL may be redirected: http(s) only, on the same
    registrable domain (`same="site"`) or the very same host (`same="host"`, for the
    archive), on the URL's own port or the scheme's default, or to a host in `allow` (a
    listed domain covers its subdomains). A redirect hop may reach a loopback, private or
    link-local address only when the configured URL itself does."""
    same: str = "site"
    allow: tuple[str, ...] = ()

    def problem(self, origin: str, target: str) -> str | None:
        """Why `target` is refused as a redirect from `origin`, or None."""
        o, t = urllib.parse.urlsplit(origin), urllib.parse.urlsplit(target)
        if t.scheme not in ("http", "https") or not t.hostname:
            return "which is not an http(s) URL"
        host = t.hostname.lower().rstrip(".")
        listed = any(host == a or host.endswith("." + a) for a in self.allow)
        if not listed:
            same = host == (o.hostname or "").lower().rstrip(".") if self.same == "host" \
                else _site(host) == _site(o.hostname or "")
            if not same:
                return f"on another {'host' if self.same == 'host' else 'site'} than {o.hostname}"
            if _port(t) not in (_port(o), 80 if t.scheme == "http" else 443):
                return f"on another port ({_port(t)}) than {o.hostname}'s"
        return None


def _read_body(resp: requests.Response, url: str, max_bytes: int) -> bytes:
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{url} is {int(length):,} bytes, over the {max_bytes:,}-byte cap; raise "
                         f"[fetch] max_bytes if this really is the policy", reason="too large")
    chunks, size = [], 0
    for chunk in resp.iter_content(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url} is over the {max_bytes:,}-byte cap; raise [fetch] max_bytes if this "
                             f"really is the policy", reason="too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _refused(url: str, target: str, why: str) -> FetchError:
    return FetchError(f"{url} redirected to {target}, {why}; refused (configure the final address, or add its "
                      f"host to [fetch] redirect_hosts if it really serves the policy)", reason="redirect refused")


def _attempt(url: str, *, user_agent: str, timeout: float, max_bytes: int,
             headers: dict | None, redirects: Redirects) -> Response:
    """One GET of `url` and its redirects, all within `timeout` seconds."""
    chain: list[str] = []
    origin_peers: list[str] = []
    current = url
    with net.Deadline(timeout, guard=origin_peers.append) as deadline:
        try:
            while True:
                resp = session(user_agent).get(current, headers=headers, stream=True, allow_redirects=False,
                                               timeout=(min(deadline.remaining(), 10.0) or 0.001, timeout))
                location = resp.headers.get("Location") if resp.status_code in _REDIRECT_STATUS else None
                if location is None:
                    try:
                        body = _read_body(resp, url, max_bytes)
                    finally:
                        resp.close()
                    if deadline.expired:    # cut off mid-headers, the answer can even look complete
                        raise requests.exceptions.ConnectionError("deadline")
                    return Response(url=url, final_url=current, status=resp.status_code, headers=resp.headers,
                                    body=body, redirects=tuple(chain))
                resp.close()
                target = urllib.parse.urljoin(current, location.strip())
                if len(chain) >= MAX_REDIRECTS or target in (*chain, current):
                    raise FetchError(f"{url} redirects in a loop; check the URL in a browser and configure the "
                                     f"final address", reason="redirect loop")
                why = redirects.problem(url, target)
                if why:
                    raise _refused(url, target, why)
                chain.append(current)
                current = target
                deadline.guard = _internal_guard(url, target, any(map(net.internal_address, origin_peers)))
        except requests.exceptions.RequestException as e:
            raise _failure(url, timeout, e, deadline.expired) from None


def _internal_guard(url: str, target: str, origin_internal: bool):
    def guard(peer: str) -> None:
        if net.internal_address(peer) and not origin_internal:
            raise _refused(url, target, f"which reaches the internal address {peer}")
    return guard


def _failure(url: str, timeout: float, e: requests.exceptions.RequestException, expired: bool) -> FetchError:
    """The FetchError for a requests exception (the deadline's expiry first: it breaks the connection)."""
    if expired or isinstance(e, requests.exceptions.ReadTimeout):
        return FetchError(f"{url}: no complete answer within {timeout:g} s; the site is too slow, try later or "
                          f"raise [fetch] timeout", transient=True, reason="timeout")
    if isinstance(e, (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                      requests.exceptions.InvalidURL)):
        return FetchError(f"{url} is not a fetchable http(s) URL ({e}); fix it in config.toml", reason="bad url")
    if isinstance(e, requests.exceptions.SSLError):
        return FetchError(f"{url}: the TLS certificate could not be verified; check the URL or the site's "
                          f"certificate", reason="tls error")
    if isinstance(e, requests.exceptions.ConnectTimeout):
        return FetchError(f"{url}: no connection within {min(timeout, 10.0):g} s; the site may be down, try later",
                          transient=True, reason="connect timeout")
    if isinstance(e, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return FetchError(f"{url}: the connection broke while reading the page; try later", transient=True,
                          reason="connection broken")
    return FetchError(f"{url}: connection failed; the site may be down or unreachable, try later",
                      transient=True, reason="connection failed")


def get(url: str, *, user_agent: str, timeout: float = 30.0, max_bytes: int = 10 * 1024 * 1024,
        headers: dict | None = None, retries: int = 2, backoff: float = 1.0,
        limiter: RateLimiter | None = None, max_wait: float = 30.0, sleep=time.sleep,
        redirects: Redirects = Redirects()) -> Response:
    """GET `url` and return the final answer, whatever its status (the caller judges 4xx).
    Each attempt, redirects included, ends within `timeout` seconds.

    5xx answers and connection errors are retried `retries` times, waiting backoff, 2×backoff…;
    after that a 5xx is returned as is. A 429 waits for Retry-After: through `limiter` (which
    pauses everyone sharing it) or, without one, by sleeping when it is at most `max_wait` s —
    a longer wait raises RateLimited so the caller can come back later."""
    attempt = 0
    while True:
        if limiter is not None:
            limiter.acquire()
        try:
            resp = _attempt(url, user_agent=user_agent, timeout=timeout, max_bytes=max_bytes, headers=headers,
                            redirects=redirects)
        except FetchError as e:
            if e.reason not in ("connection failed", "connect timeout", "connection broken") or attempt >= retries:
                raise
            sleep(backoff * 2 ** attempt)
            attempt += 1
            continue
        if resp.status == 429:
            if limiter is not None:
                limiter.throttled()
            wait = retry_after_seconds(resp.headers.get("Retry-After"))
            if attempt >= retries:
                raise RateLimited(f"{url} answered 429 Too Many Requests {attempt + 1} times; try again later",
                                  retry_after=wait or 60.0)
            if limiter is not None:
                limiter.back_off(wait)
            elif wait is not None and wait > max_wait:
                raise RateLimited(f"{url} answered 429 Too Many Requests and asks to wait {wait:.0f} s; "
                                  f"try again later", retry_after=wait)
            else:
                sleep(wait if wait is not None else backoff * 2 ** attempt)
            attempt += 1
            continue
        if resp.status >= 500 and attempt < retries:
            sleep(backoff * 2 ** attempt)
            attempt += 1
            continue
        return resp
