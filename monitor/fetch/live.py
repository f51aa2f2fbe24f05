"""Fetch a company's policy page as it is now, conditionally when we know its ETag/Last-Modified."""
from __future__ import annotations

from dataclasses import dataclass

from . import http


@dataclass(frozen=True)
class Fetched:
    """What the site answered. Whether the body is a policy page is for the caller to judge
    (monitor.extract.page_problem): a 403 challenge page says more than its status alone."""
    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str | None = None
    redirects: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False           # 304: unchanged since the ETag/Last-Modified we sent

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def fetch_live(url: str, *, etag: str | None = None, last_modified: str | None = None,
               user_agent: str = "policymon", timeout: float = 30.0, max_bytes: int = 10 * 1024 * 1024,
               retries: int = 2, backoff: float = 1.0, max_wait: float = 30.0,
               redirect_hosts: tuple[str, ...] = ()) -> Fetched:
    """The page at `url`, within `timeout` seconds per attempt; redirects stay on its site (or
    go to `redirect_hosts`), never to an internal address unless `url` is one."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    resp = http.get(url, user_agent=user_agent, timeout=timeout, max_bytes=max_bytes, headers=headers,
                    retries=retries, backoff=backoff, max_wait=max_wait,
                    redirects=http.Redirects(allow=redirect_hosts))
    not_modified = resp.status == 304
    return Fetched(url=url, final_url=resp.final_url, status=resp.status, body=resp.body,
                   content_type=resp.content_type, redirects=resp.redirects,
                   etag=resp.headers.get("ETag") or (etag if not_modified else None),
                   last_modified=resp.headers.get("Last-Modified") or (last_modified if not_modified else None),
                   not_modified=not_modified)
