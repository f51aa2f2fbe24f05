"""Live fetch against a real local HTTP server: headers, conditional GET, redirects, retries, limits."""
import time

import pytest

from monitor.errors import FetchError
from monitor.fetch import RateLimited, fetch_live
from sites import Reply, Site, site  # noqa: F401  (site is a fixture)

UA = "policymon-test/1.0 (+https://example.org/policymon)"


def fetch(url, **kw):
    kw.setdefault("user_agent", UA)
    kw.setdefault("timeout", 2.0)
    kw.setdefault("backoff", 0.01)
    return fetch_live(url, **kw)


def test_sends_the_descriptive_user_agent(site):
    site.route("/privacy", Reply("<h1>Privacy</h1>"))
    fetch(site.url("/privacy"))
    assert site.requests[-1].headers["User-Agent"] == UA


def test_keeps_raw_bytes_and_content_type(site):
    body = "<h1>Politique de confidentialité</h1><p>Données</p>".encode("cp1252")
    site.route("/fr", Reply(body, content_type="text/html; charset=windows-1252"))
    got = fetch(site.url("/fr"))
    assert (got.body, got.content_type, got.status) == (body, "text/html; charset=windows-1252", 200)


def test_etag_makes_an_unchanged_page_a_304(site):
    site.route("/privacy", Reply("<h1>Privacy</h1>", etag='"v1"'))
    first = fetch(site.url("/privacy"))
    again = fetch(site.url("/privacy"), etag=first.etag)
    assert (first.not_modified, again.not_modified, again.status, again.body) == (False, True, 304, b"")
    assert site.requests[-1].headers["If-None-Match"] == '"v1"'


def test_last_modified_makes_an_unchanged_page_a_304(site):
    stamp = "Wed, 01 May 2024 10:00:00 GMT"
    site.route("/privacy", Reply("<h1>Privacy</h1>", last_modified=stamp))
    first = fetch(site.url("/privacy"))
    again = fetch(site.url("/privacy"), last_modified=first.last_modified)
    assert again.not_modified and again.last_modified == stamp


def test_changed_etag_returns_the_new_page(site):
    site.route("/privacy", Reply("<h1>New</h1>", etag='"v2"'))
    got = fetch(site.url("/privacy"), etag='"v1"')
    assert (got.not_modified, got.body, got.etag) == (False, b"<h1>New</h1>", '"v2"')


def test_redirects_are_followed_and_recorded(site):
    site.route("/privacy", Reply(status=301, headers={"Location": "/legal/privacy"}))
    site.route("/legal/privacy", Reply(status=302, headers={"Location": "/legal/privacy-2024"}))
    site.route("/legal/privacy-2024", Reply("<h1>Privacy</h1>"))
    got = fetch(site.url("/privacy"))
    assert got.final_url == site.url("/legal/privacy-2024")
    assert got.redirects == (site.url("/privacy"), site.url("/legal/privacy"))


def test_redirect_loop_is_a_permanent_failure(site):
    site.route("/a", Reply(status=302, headers={"Location": "/b"}))
    site.route("/b", Reply(status=302, headers={"Location": "/a"}))
    with pytest.raises(FetchError) as e:
        fetch(site.url("/a"))
    assert (e.value.reason, e.value.transient) == ("redirect loop", False)


def test_5xx_is_retried_with_backoff_until_it_succeeds(site):
    site.route("/privacy", Reply(status=503), Reply(status=502), Reply("<h1>Privacy</h1>"))
    got = fetch(site.url("/privacy"), retries=2)
    assert (got.status, site.hits("/privacy")) == (200, 3)


def test_5xx_that_persists_is_returned_after_the_retries(site):
    site.route("/privacy", Reply(status=500))
    got = fetch(site.url("/privacy"), retries=2)
    assert (got.status, site.hits("/privacy")) == (500, 3)


def test_404_is_not_retried(site):
    got = fetch(site.url("/missing"))
    assert (got.status, got.ok, site.hits("/missing")) == (404, False, 1)


def test_refused_connection_is_a_transient_failure():
    closed = Site().start()
    url = closed.url("/privacy")
    closed.stop()
    with pytest.raises(FetchError) as e:
        fetch(url, retries=1)
    assert (e.value.reason, e.value.transient) == ("connection failed", True)


def test_429_waits_for_retry_after_then_fetches(site):
    site.route("/privacy", Reply(status=429, headers={"Retry-After": "1"}), Reply("<h1>Privacy</h1>"))
    started = time.monotonic()
    got = fetch(site.url("/privacy"))
    assert got.status == 200 and time.monotonic() - started >= 1.0
    assert site.hits("/privacy") == 2


def test_429_with_a_long_retry_after_fails_at_once_with_the_wait(site):
    site.route("/privacy", Reply(status=429, headers={"Retry-After": "3600"}))
    with pytest.raises(RateLimited) as e:
        fetch(site.url("/privacy"), max_wait=30)
    assert (e.value.retry_after, e.value.transient, site.hits("/privacy")) == (3600, True, 1)


def test_slow_response_past_the_timeout_is_a_transient_timeout(site):
    site.route("/privacy", Reply("<h1>late</h1>", delay=3))
    started = time.monotonic()
    with pytest.raises(FetchError) as e:
        fetch(site.url("/privacy"), timeout=0.5)
    assert (e.value.reason, e.value.transient) == ("timeout", True)
    assert time.monotonic() - started < 2.5


def test_body_over_the_size_cap_is_refused(site):
    site.route("/huge", Reply(b"x" * 5000))
    with pytest.raises(FetchError) as e:
        fetch(site.url("/huge"), max_bytes=1000)
    assert (e.value.reason, e.value.transient) == ("too large", False)
