"""One careful HTTP GET for every fetch: timeouts, size cap, retries and rate limits in one place.

Live pages and the Wayback Machine are fetched through `get()`, so both honour the same
rules: a connect and a read timeout on every call (plus a whole-response deadline against
servers that trickle), retries with exponential backoff on 5xx answers and connection
errors, `Retry-After` on 429, and a byte cap enforced while streaming. Every failure is a
FetchError whose `transient` flag says whether trying later may help.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import requests
from requests.structures import CaseInsensitiveDict

from ..errors import FetchError

CHUNK = 64 * 1024
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
            s = requests.Session()
            s.headers["User-Agent"] = user_agent
            s.max_redirects = 10
            _sessions[user_agent] = s
        return s


class _Pause:
    """The moment until which every limiter sharing it holds back (after a 429)."""

    def __init__(self):
        self.until = 0.0
        self.lock = threading.Lock()


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
                    return
            self._sleep(wait)

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


def _read_body(resp: requests.Response, url: str, max_bytes: int, deadline: float) -> bytes:
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
        if time.monotonic() > deadline:
            raise FetchError(f"{url} was still sending after the timeout; the server is too slow, "
                             f"try later or raise [fetch] timeout", transient=True, reason="timeout")
        chunks.append(chunk)
    return b"".join(chunks)


def _attempt(url: str, *, user_agent: str, timeout: float, max_bytes: int,
             headers: dict | None) -> Response:
    try:
        resp = session(user_agent).get(url, headers=headers, timeout=(min(timeout, 10.0), timeout),
                                       stream=True, allow_redirects=True)
    except requests.exceptions.TooManyRedirects:
        raise FetchError(f"{url} redirects in a loop; check the URL in a browser and configure the final "
                         f"address", reason="redirect loop") from None
    except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL) as e:
        raise FetchError(f"{url} is not a fetchable http(s) URL ({e}); fix it in config.toml",
                         reason="bad url") from None
    except requests.exceptions.SSLError:
        raise FetchError(f"{url}: the TLS certificate could not be verified; check the URL or the "
                         f"site's certificate", reason="tls error") from None
    except requests.exceptions.ConnectTimeout:
        raise FetchError(f"{url}: no connection within {min(timeout, 10.0):g} s; the site may be down, "
                         f"try later", transient=True, reason="connect timeout") from None
    except requests.exceptions.ReadTimeout:
        raise FetchError(f"{url}: no answer within {timeout:g} s; the site is too slow, try later or "
                         f"raise [fetch] timeout", transient=True, reason="timeout") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(f"{url}: connection failed; the site may be down or unreachable, try later",
                         transient=True, reason="connection failed") from None
    try:
        body = _read_body(resp, url, max_bytes, time.monotonic() + timeout)
    except requests.exceptions.RequestException:
        raise FetchError(f"{url}: the connection broke while reading the page; try later",
                         transient=True, reason="connection broken") from None
    finally:
        resp.close()
    return Response(url=url, final_url=resp.url, status=resp.status_code, headers=resp.headers, body=body,
                    redirects=tuple(r.url for r in resp.history))


def get(url: str, *, user_agent: str, timeout: float = 30.0, max_bytes: int = 10 * 1024 * 1024,
        headers: dict | None = None, retries: int = 2, backoff: float = 1.0,
        limiter: RateLimiter | None = None, max_wait: float = 30.0, sleep=time.sleep) -> Response:
    """GET `url` and return the final answer, whatever its status (the caller judges 4xx).

    5xx answers and connection errors are retried `retries` times, waiting backoff, 2×backoff…;
    after that a 5xx is returned as is. A 429 waits for Retry-After: through `limiter` (which
    pauses everyone sharing it) or, without one, by sleeping when it is at most `max_wait` s —
    a longer wait raises RateLimited so the caller can come back later."""
    attempt = 0
    while True:
        if limiter is not None:
            limiter.acquire()
        try:
            resp = _attempt(url, user_agent=user_agent, timeout=timeout, max_bytes=max_bytes, headers=headers)
        except FetchError as e:
            if e.reason not in ("connection failed", "connect timeout", "connection broken") or attempt >= retries:
                raise
            sleep(backoff * 2 ** attempt)
            attempt += 1
            continue
        if resp.status == 429:
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
