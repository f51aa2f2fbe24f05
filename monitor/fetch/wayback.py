"""A small Wayback Machine client: CDX listing and raw (`id_`) capture downloads.

Written on `requests` rather than waybackpy, which sets no timeouts, ignores HTTP status (a
429 surfaces as a JSON parse error) and hard-codes the public host in its pagination, so it
can neither honour `[wayback] endpoint` nor stay politely under the Archive's limits.
"""
from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from ..errors import FetchError, InputError
from . import http

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_ARCHIVE_ONLY = http.Redirects(same="host")      # the Archive redirects between its own captures only
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def cdx_timestamp(value: str | None, name: str = "date") -> str | None:
    """'2019', '2019-05' or '2019-05-01' (or CDX digits) → the CDX prefix form '20190501'."""
    if not value:
        return None
    v = value.strip()
    if re.fullmatch(r"\d{4,14}", v):
        return v
    m = _DATE.match(v)
    if not m:
        raise InputError(f"{name} {value!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    return "".join(g for g in m.groups() if g)


@dataclass(frozen=True)
class Capture:
    """One row of a CDX listing."""
    timestamp: str                       # 14 digits, UTC
    original: str
    digest: str
    mimetype: str | None = None
    statuscode: str | None = None
    length: int | None = None
    invalid: str | None = None           # why the row cannot be a capture (bad timestamp or URL)

    @property
    def captured_at(self) -> str:
        t = self.timestamp.ljust(14, "0")
        return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"

    @property
    def usable(self) -> bool:
        """A real 200 capture with its own body (a revisit only points at an earlier one)."""
        return self.statuscode == "200" and self.mimetype != "warc/revisit" and bool(self.digest)


def _row_problem(timestamp: str, original: str) -> str | None:
    """Why a CDX row cannot be stored as a capture, or None: a timestamp must be a real UTC
    moment written in 14 digits, the original an http(s) URL."""
    if not re.fullmatch(r"\d{14}", timestamp):
        return f"timestamp {timestamp[:40]!r} is not 14 digits"
    try:
        datetime.strptime(timestamp, "%Y%m%d%H%M%S")
    except ValueError:
        return f"timestamp {timestamp!r} is not a real date and time"
    if not re.match(r"^https?://[^\s/]", original) or any(c.isspace() for c in original):
        return f"original {original[:80]!r} is not an http(s) URL"
    return None


class WaybackClient:
    """Lists and downloads captures from `endpoint`, at most `cdx_per_minute` CDX requests a
    minute, pausing every request for at least `pause_429` s after a 429."""

    def __init__(self, endpoint: str, *, user_agent: str, timeout: float = 30.0,
                 max_bytes: int = 10 * 1024 * 1024, cdx_per_minute: int | None = 30,
                 pause_429: float = 60.0, page_size: int = 1000, retries: int = 2, backoff: float = 1.0,
                 sleep=time.sleep):
        self.endpoint = endpoint.rstrip("/")
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.page_size = page_size
        self.retries, self.backoff = retries, backoff
        self._sleep = sleep
        self.cdx_limiter = http.RateLimiter(cdx_per_minute, pause=pause_429, sleep=sleep)
        self.capture_limiter = self.cdx_limiter.unmetered()

    @classmethod
    def from_config(cls, config, **overrides) -> WaybackClient:
        options = dict(user_agent=config.user_agent, timeout=config.fetch_timeout,
                       max_bytes=config.max_page_bytes, cdx_per_minute=config.wayback_cdx_per_minute)
        options.update(overrides)
        return cls(config.wayback_endpoint, **options)

    def _get(self, url: str, limiter: http.RateLimiter) -> http.Response:
        return http.get(url, user_agent=self.user_agent, timeout=self.timeout, max_bytes=self.max_bytes,
                        retries=self.retries, backoff=self.backoff, limiter=limiter, sleep=self._sleep,
                        redirects=_ARCHIVE_ONLY)

    def _cdx_page(self, params: dict) -> tuple[list[Capture], str | None]:
        url = f"{self.endpoint}/cdx/search/cdx?{urllib.parse.urlencode(params)}"
        try:
            resp = self._get(url, self.cdx_limiter)
        except FetchError as e:
            raise FetchError(f"the Wayback CDX API at {self.endpoint} could not list {params['url']} ({e.reason}); "
                             f"try again later or check [wayback] endpoint", transient=e.transient,
                             reason=e.reason) from None
        if resp.status != 200:
            raise FetchError(f"the Wayback CDX API answered HTTP {resp.status} for {params['url']}; "
                             f"try again later or check [wayback] endpoint",
                             transient=resp.status >= 500 or resp.status == 408, reason=f"cdx http {resp.status}")
        text = resp.body.decode("utf-8", errors="replace").strip()
        where = f"for {params['url']}; it may be overloaded or not a CDX server, try again later or check " \
                f"[wayback] endpoint"
        if not text:
            raise FetchError(f"the Wayback CDX API answered an empty body {where}", transient=True,
                             reason="cdx empty")
        try:
            rows = json.loads(text)
        except ValueError:
            raise FetchError(f"the Wayback CDX API did not answer JSON {where}", transient=True,
                             reason="cdx not json") from None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            what = "a JSON object" if isinstance(rows, dict) else "JSON of another shape"
            raise FetchError(f"the Wayback CDX API answered {what}, not the documented list of rows, {where}",
                             transient=True, reason="cdx format")
        if not rows:
            return [], None
        header, rows = rows[0], rows[1:]
        resume = None
        if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
            resume, rows = rows[-1][0], rows[:-2]
        index = {name: header.index(name) for name in CDX_FIELDS if name in header}
        if "timestamp" not in index or "original" not in index:
            raise FetchError("the Wayback CDX API answered rows without timestamp/original columns; check "
                             "[wayback] endpoint", reason="cdx format")
        captures = []
        for row in rows:
            if len(row) != len(header) or not all(isinstance(v, str) for v in row):
                captures.append(Capture(timestamp="", original="", digest="", invalid="malformed row"))
                continue
            field = {name: row[i] for name, i in index.items()}
            length = field.get("length", "")
            captures.append(Capture(timestamp=field["timestamp"], original=field["original"],
                                    digest=field.get("digest", ""), mimetype=field.get("mimetype"),
                                    statuscode=field.get("statuscode"),
                                    length=int(length) if str(length).isdigit() else None,
                                    invalid=_row_problem(field["timestamp"], field["original"])))
        if resume is not None and not isinstance(resume, str):
            raise FetchError(f"the Wayback CDX API answered a resume key that is not text {where}",
                             transient=True, reason="cdx format")
        return captures, resume

    def list_captures(self, url: str, *, start: str | None = None, end: str | None = None) -> Iterator[Capture]:
        """Every usable capture of `url` in capture order, page by page (revisits and non-200
        rows dropped). Captures with a digest seen before are still listed: a page that went
        back to an earlier text is part of the history, even if its bytes need no download.
        Rows that cannot be a capture are listed with `invalid` set, for the caller to count.
        An answer that is not the documented list of rows raises FetchError: an archive that
        answers nonsense must not pass for one with no captures."""
        params = {"url": url, "output": "json", "filter": "statuscode:200", "collapse": "digest",
                  "showResumeKey": "true", "limit": str(self.page_size)}
        if start:
            params["from"] = cdx_timestamp(start, "--from")
        if end:
            params["to"] = cdx_timestamp(end, "--to")
        seen_keys = set()
        while True:
            captures, resume = self._cdx_page(params)
            yield from (c for c in captures if c.invalid or c.usable)
            if not resume:
                return
            if resume in seen_keys:
                raise FetchError(f"the Wayback CDX API repeated resume key {resume!r} for {url}; stopping "
                                 f"to avoid a loop, try again later", transient=True, reason="cdx resume loop")
            seen_keys.add(resume)
            params["resumeKey"] = resume

    def capture_url(self, capture: Capture) -> str:
        return f"{self.endpoint}/web/{capture.timestamp}id_/{capture.original}"

    def download(self, capture: Capture) -> http.Response:
        """The capture's raw archived bytes (the `id_` form adds no Wayback toolbar or rewriting)."""
        resp = self._get(self.capture_url(capture), self.capture_limiter)
        if resp.status != 200:
            raise FetchError(f"the Wayback Machine answered HTTP {resp.status} for the {capture.captured_at} "
                             f"capture of {capture.original}; try again later",
                             transient=resp.status >= 500 or resp.status in (404, 408),
                             reason=f"capture http {resp.status}")
        return resp
