"""The Wayback client against a local server speaking the real CDX JSON and `id_` capture formats."""
import time

import pytest

from monitor.errors import FetchError, InputError
from monitor.fetch import RateLimiter, WaybackClient
from monitor.fetch.wayback import cdx_timestamp
from sites import Reply, site  # noqa: F401  (site is a fixture)

POLICY = "https://acme.test/privacy"


def client(site, **kw):
    kw.setdefault("user_agent", "policymon-test")
    kw.setdefault("timeout", 2.0)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("cdx_per_minute", None)
    return WaybackClient(site.wayback.endpoint, **kw)


def archive(site, count):
    return [site.wayback.add(POLICY, f"20{10 + i:02d}0101000000", f"<h1>Privacy {i}</h1>") for i in range(count)]


def test_listing_asks_cdx_for_json_200s_collapsed_by_digest_with_resume_keys(site):
    archive(site, 1)
    list(client(site, page_size=50).list_captures(POLICY))
    q = site.wayback.cdx_queries[0]
    assert (q["url"], q["output"], q["filter"], q["collapse"], q["showResumeKey"], q["limit"]) == \
        (POLICY, "json", "statuscode:200", "digest", "true", "50")


def test_listing_follows_resume_keys_across_pages(site):
    archive(site, 5)
    site.wayback.page_size = 2
    captures = list(client(site).list_captures(POLICY))
    assert [c.timestamp for c in captures] == [f"20{10 + i:02d}0101000000" for i in range(5)]
    assert len(site.wayback.cdx_queries) == 3
    assert "resumeKey" in site.wayback.cdx_queries[1]


def test_listing_drops_revisits_and_non_200_rows(site):
    site.wayback.honour_filters = False
    good = site.wayback.add(POLICY, "20200101000000", "<h1>Privacy</h1>")
    site.wayback.add(POLICY, "20200201000000", revisit=True, digest_of=good.body)
    site.wayback.add(POLICY, "20200301000000", "Moved", statuscode="301")
    site.wayback.add(POLICY, "20200401000000", "Missing", statuscode="404")
    captures = list(client(site).list_captures(POLICY))
    assert [(c.timestamp, c.digest) for c in captures] == [("20200101000000", good.digest)]


def test_listing_keeps_a_later_capture_that_returns_to_an_earlier_digest(site):
    a = site.wayback.add(POLICY, "20200101000000", "<h1>A</h1>")
    site.wayback.add(POLICY, "20200201000000", "<h1>B</h1>")
    site.wayback.add(POLICY, "20200301000000", "<h1>A</h1>")
    captures = list(client(site).list_captures(POLICY))
    assert [c.digest for c in captures][::2] == [a.digest, a.digest] and len(captures) == 3


def test_from_and_to_bound_the_listing(site):
    archive(site, 6)
    captures = list(client(site).list_captures(POLICY, start="2012-01-01", end="2013"))
    assert [c.timestamp[:4] for c in captures] == ["2012", "2013"]
    assert (site.wayback.cdx_queries[0]["from"], site.wayback.cdx_queries[0]["to"]) == ("20120101", "2013")


def test_an_empty_history_lists_nothing(site):
    assert list(client(site).list_captures(POLICY)) == []


def test_capture_timestamp_becomes_an_iso_capture_time(site):
    site.wayback.add(POLICY, "20190507123456", "<h1>P</h1>")
    [capture] = client(site).list_captures(POLICY)
    assert capture.captured_at == "2019-05-07T12:34:56Z"


def test_download_fetches_the_raw_id_capture(site):
    body = "<h1>Datenschutz</h1><p>Übermittlung</p>".encode("iso-8859-1")
    site.wayback.add(POLICY, "20200101000000", body)
    c = client(site)
    [capture] = c.list_captures(POLICY)
    resp = c.download(capture)
    assert resp.body == body
    assert site.requests[-1].path == f"/web/20200101000000id_/{POLICY}"


def test_download_of_a_missing_capture_is_a_fetch_error(site):
    archive(site, 1)
    c = client(site)
    [capture] = c.list_captures(POLICY)
    site.wayback.captures.clear()
    with pytest.raises(FetchError) as e:
        c.download(capture)
    assert e.value.reason == "capture http 404"


def test_cdx_429_pauses_for_at_least_the_configured_back_off(site):
    archive(site, 1)
    site.wayback.throttle(times=1)               # no Retry-After at all
    captures = list(client(site, pause_429=0.6).list_captures(POLICY))
    times = site.wayback.cdx_times
    assert len(captures) == 1 and len(times) == 2 and times[1] - times[0] >= 0.6


def test_cdx_429_honours_a_retry_after_longer_than_the_back_off(site):
    archive(site, 1)
    site.wayback.throttle(times=1, retry_after=1)
    list(client(site, pause_429=0.1).list_captures(POLICY))
    times = site.wayback.cdx_times
    assert times[1] - times[0] >= 1.0


def test_cdx_429_that_persists_is_a_transient_failure(site):
    archive(site, 1)
    site.wayback.throttle(times=5)
    with pytest.raises(FetchError) as e:
        list(client(site, pause_429=0.05, retries=2).list_captures(POLICY))
    assert (e.value.reason, e.value.transient, len(site.wayback.cdx_queries)) == ("rate limited", True, 3)


def test_slow_cdx_answer_past_the_timeout_is_a_transient_failure(site):
    archive(site, 1)
    site.wayback.cdx_delay = 3
    started = time.monotonic()
    with pytest.raises(FetchError) as e:
        list(client(site, timeout=0.5).list_captures(POLICY))
    assert (e.value.reason, e.value.transient) == ("timeout", True) and time.monotonic() - started < 2.5


def test_cdx_server_error_is_a_transient_failure(site):
    endpoint = site.url("/down")
    site.route("/down/cdx/search/cdx", Reply("busy", status=503))
    with pytest.raises(FetchError) as e:
        list(WaybackClient(endpoint, user_agent="t", backoff=0.01).list_captures(POLICY))
    assert (e.value.reason, e.value.transient) == ("cdx http 503", True)


def test_cdx_html_instead_of_json_is_a_transient_failure(site):
    site.route("/html/cdx/search/cdx", Reply("<html>maintenance</html>"))
    with pytest.raises(FetchError) as e:
        list(WaybackClient(site.url("/html"), user_agent="t").list_captures(POLICY))
    assert (e.value.reason, e.value.transient) == ("cdx not json", True)


def test_rate_limiter_allows_at_most_n_requests_in_any_minute():
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    sent = []
    for _ in range(7):
        limiter.acquire()
        sent.append(now[0])
    assert sent == [0, 0, 0, 60, 60, 60, 120]


def test_rate_limiter_back_off_holds_every_request_sharing_it():
    now = [0.0]
    limiter = RateLimiter(None, pause=60, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    downloads = limiter.unmetered()
    limiter.back_off(5)                          # shorter than the minimum pause
    downloads.acquire()
    assert now[0] == 60


def test_dates_become_cdx_timestamps_and_junk_is_refused():
    assert [cdx_timestamp("2019"), cdx_timestamp("2019-05"), cdx_timestamp("2019-05-07")] == \
        ["2019", "201905", "20190507"]
    with pytest.raises(InputError):
        cdx_timestamp("May 2019", "--from")
