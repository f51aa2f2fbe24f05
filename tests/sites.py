"""A real HTTP server on 127.0.0.1 that plays company sites and the Wayback Machine.

Use the `site` fixture (import it into a test module: `from sites import site`):

    site.route("/privacy", Reply("<h1>Privacy</h1>..."))          # one answer, repeated
    site.route("/p", Reply(status=503), Reply("ok"))              # answers in order, last repeats
    site.route("/old", Reply(status=301, headers={"Location": "/new"}))
    site.url("/privacy"); site.hits("/privacy"); site.requests[-1].headers["User-Agent"]

    site.wayback.add("https://acme.test/privacy", "20200101000000", b"<html>...")
    site.wayback.add(..., revisit=True) / statuscode="404"        # rows a client must drop
    site.wayback.page_size = 2                                    # resume keys after 2 rows
    site.wayback.throttle(times=1, retry_after=2)                 # next CDX call answers 429
    site.wayback.capture_delay = 0.5                              # slow `id_` downloads
    site.wayback.downloads["20200101000000"]                      # how often a capture was fetched

`write_config(tmp_path, site, companies={...})` writes a config.toml pointing [wayback] at it.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

HTML = "text/html; charset=utf-8"


@dataclass
class Reply:
    """One answer. `delay` holds back the status line (to go past a client's read timeout);
    `etag` / `last_modified` make a matching conditional request answer 304."""
    body: bytes | str = b""
    status: int = 200
    content_type: str | None = HTML
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None

    @property
    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict
    headers: dict


def digest(body: bytes) -> str:
    """The Archive's payload digest: base32 of the SHA-1."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _urlkey(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = ",".join(reversed((parts.hostname or "").removeprefix("www.").split(".")))
    return f"{host}){parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


@dataclass
class ArchivedCapture:
    original: str
    timestamp: str
    body: bytes
    mimetype: str = "text/html"
    statuscode: str = "200"
    digest: str = ""

    def row(self) -> list[str]:
        return [_urlkey(self.original), self.timestamp, self.original, self.mimetype, self.statuscode,
                self.digest, str(len(self.body))]


class Wayback:
    """The CDX API (`/cdx/search/cdx`, JSON rows in the real format) and `id_` captures."""

    def __init__(self, site: Site):
        self.site = site
        self.captures: list[ArchivedCapture] = []
        self.page_size = 1000            # the server's own cap per CDX answer
        self.honour_filters = True       # False: serve revisits, non-200 rows and adjacent duplicates
        self.capture_delay = 0.0
        self.cdx_delay = 0.0
        self.cdx_queries: list[dict] = []
        self.cdx_times: list[float] = []
        self.downloads: Counter = Counter()
        self.broken: set[str] = set()     # capture timestamps whose download answers 503
        self._throttle: list[str | None] = []

    @property
    def endpoint(self) -> str:
        return self.site.url("")

    def add(self, original: str, timestamp: str, body: bytes | str = b"", *, mimetype: str = "text/html",
            statuscode: str = "200", revisit: bool = False, digest_of: bytes | None = None) -> ArchivedCapture:
        """Archive a capture. A revisit row carries the digest of `digest_of` (an earlier body) and
        no body of its own, as the real index does."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        capture = ArchivedCapture(original=original, timestamp=timestamp, body=data,
                                  mimetype="warc/revisit" if revisit else mimetype,
                                  statuscode="-" if revisit else statuscode,
                                  digest=digest(digest_of if digest_of is not None else data))
        self.captures.append(capture)
        self.captures.sort(key=lambda c: c.timestamp)
        return capture

    def throttle(self, times: int = 1, retry_after: float | None = None) -> None:
        """The next `times` CDX requests answer 429 (with Retry-After if given)."""
        self._throttle.extend([None if retry_after is None else str(retry_after)] * times)

    def cdx(self, query: dict) -> Reply:
        self.cdx_queries.append(query)
        self.cdx_times.append(time.monotonic())
        if self._throttle:
            retry_after = self._throttle.pop(0)
            return Reply("Too Many Requests", status=429, content_type="text/plain",
                         headers={"Retry-After": retry_after} if retry_after else {})
        url = query.get("url", "")
        start = query.get("from", "").ljust(14, "0")
        end = query.get("to", "").ljust(14, "9") if query.get("to") else "9" * 14
        rows = [c for c in self.captures if c.original == url and start <= c.timestamp <= end]
        if self.honour_filters:
            if query.get("filter") == "statuscode:200":
                rows = [c for c in rows if c.statuscode == "200"]
            if query.get("collapse") == "digest":
                rows = [c for i, c in enumerate(rows) if i == 0 or rows[i - 1].digest != c.digest]
        offset = int(query["resumeKey"].rsplit("!", 1)[1]) if query.get("resumeKey") else 0
        limit = min(int(query.get("limit", self.page_size)), self.page_size)
        page = rows[offset:offset + limit]
        out: list[list[str]] = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
        out += [c.row() for c in page]
        if query.get("showResumeKey") == "true" and offset + limit < len(rows):
            nxt = rows[offset + limit]
            out += [[], [f"{urllib.parse.quote(_urlkey(url))}+{nxt.timestamp}!{offset + limit}"]]
        if not page and offset == 0:
            return Reply("[]", content_type="application/json", delay=self.cdx_delay)
        return Reply(json.dumps(out), content_type="application/json", delay=self.cdx_delay)

    def capture(self, timestamp: str, original: str) -> Reply:
        match = next((c for c in self.captures if c.timestamp == timestamp and c.original == original
                      and c.mimetype != "warc/revisit"), None)
        if match is None:
            return Reply("not in archive", status=404, content_type="text/plain")
        if timestamp in self.broken:
            return Reply("try later", status=503, content_type="text/plain")
        self.downloads[timestamp] += 1
        return Reply(match.body, content_type=match.mimetype, delay=self.capture_delay)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    wbufsize = -1                   # headers and body leave in one write (no delayed-ACK stalls)
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        site: Site = self.server.site
        parts = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        with site.lock:
            site.requests.append(Request("GET", parts.path, query, dict(self.headers.items())))
            site.counts[parts.path] += 1
        capture = re.match(r"^/web/(\d{1,14})id_/(.+)$", self.path)
        if parts.path == "/cdx/search/cdx":
            reply = site.wayback.cdx(query)
        elif capture:
            reply = site.wayback.capture(capture.group(1), capture.group(2))
        else:
            reply = site.next_reply(parts.path)
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        status, data = reply.status, reply.data
        if (reply.etag and self.headers.get("If-None-Match") == reply.etag) or \
                (reply.last_modified and self.headers.get("If-Modified-Since") == reply.last_modified):
            status, data = 304, b""
        try:
            self.send_response(status)
            if reply.content_type and status != 304:
                self.send_header("Content-Type", reply.content_type)
            if reply.etag:
                self.send_header("ETag", reply.etag)
            if reply.last_modified:
                self.send_header("Last-Modified", reply.last_modified)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Site:
    """The server. Routes not configured answer 404."""

    def __init__(self):
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        self.wayback = Wayback(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.site = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> Site:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, *replies: Reply) -> None:
        with self.lock:
            self.routes[path] = list(replies)

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            replies = self.routes.get(path)
            if not replies:
                return Reply("Not Found", status=404, content_type="text/plain")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> int:
        return self.counts[path]


@pytest.fixture
def site():
    server = Site().start()
    try:
        yield server
    finally:
        server.stop()


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def write_config(directory: Path, site: Site | None = None, *, companies: dict[str, str | dict],
                 **tables: dict) -> Path:
    """config.toml in `directory` with storage beside it, [wayback] at `site`, and `companies`
    (slug → url, or slug → {"url": ..., "selector": ..., "documents": {"cookies": url or {...}}});
    extra tables as keyword arguments."""
    sections = {"storage": {"database": "policymon.db", "snapshots": "snapshots"}}
    if site is not None:
        sections["wayback"] = {"endpoint": site.wayback.endpoint}
    for name, values in tables.items():
        sections.setdefault(name, {}).update(values)
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        lines.append("")
    for slug, spec in companies.items():
        spec = {"url": spec} if isinstance(spec, str) else dict(spec)
        documents = spec.pop("documents", {})
        lines.append(f"[companies.{slug}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in spec.items()]
        lines.append("")
        for doctype, doc in documents.items():
            doc = {"url": doc} if isinstance(doc, str) else doc
            lines.append(f"[companies.{slug}.documents.{doctype}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in doc.items()]
            lines.append("")
    path = Path(directory) / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def policy_page(notice_days: int = 30, *, retention: str = "two years", sidebar: str = "",
                extra: str = "") -> str:
    """A plausible privacy policy page; vary the arguments to make versions that differ."""
    return f"""<!doctype html><html><head><title>Privacy Policy | Acme</title></head><body>
<nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
<div id="policy"><h1>Privacy Policy</h1>
<h2>Information we collect</h2>
<p>We collect the name, e-mail address and billing details you give us when you create an account,
and the pages you visit when you use our service, so that we can provide and improve it.</p>
<h2>How we share information</h2>
<p>We share personal information with service providers who process it on our behalf under contract,
and with authorities when the law requires it. We do not sell personal information.</p>
<h2>Data retention</h2>
<p>We keep account information for {retention} after you close your account, then delete it.</p>
<h2>Your rights</h2>
<p>You may access, correct or delete your personal information by writing to privacy@acme.test.</p>
<h2>Changes to this policy</h2>
<p>We will notify you by e-mail at least {notice_days} days before changes to this policy take effect.</p>
{extra}</div>
<div id="sidebar">{sidebar}</div>
</body></html>"""


def make_pdf(lines: list[str]) -> bytes:
    """A small valid PDF showing `lines` in Helvetica, one line each (for PDF policy tests)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({esc(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
