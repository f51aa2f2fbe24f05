"""`backfill`: Wayback history into snapshots and versions, each distinct capture downloaded once."""
import hashlib
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from monitor.check import backfill, check_company
from monitor.config import load_config
from monitor.fetch import WaybackClient
from monitor.progress import BackfillProgress
from monitor.store import open_db, versions
from sites import Reply, policy_page, site, write_config  # noqa: F401  (site is a fixture)

POLICY = "https://acme.test/privacy"
A, B, C = policy_page(30), policy_page(14), policy_page(7)


@pytest.fixture
def store(tmp_path, site):
    path = write_config(tmp_path, site, companies={"acme": POLICY}, fetch={"timeout": 2})
    config = load_config(path)
    return config, open_db(config.database)


def run(store, **kw):
    config, db = store
    kw.setdefault("client", WaybackClient.from_config(config, cdx_per_minute=None, backoff=0.01))
    return backfill(config, db, "acme", **kw)


def archive(site, bodies, year=2010):
    return [site.wayback.add(POLICY, f"{year + i}0101000000", body) for i, body in enumerate(bodies)]


def test_downloads_each_distinct_digest_exactly_once(site, store):
    site.wayback.honour_filters = False          # adjacent duplicates too, as some mirrors serve them
    site.wayback.page_size = 3                   # and resume keys across pages
    captures = archive(site, [A, A, B, A, C, C, B, A, C])
    result = run(store)
    distinct = len({c.digest for c in captures})
    assert (result.listed, result.downloaded, sum(site.wayback.downloads.values())) == (9, distinct, distinct)
    assert result.skipped_duplicate == 9 - distinct and result.failed == 0


def test_the_store_is_back_to_full_sync_after_a_backfill(site, store):
    archive(site, [A, B])
    run(store)
    _, db = store
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2      # FULL: later commits wait for the disk


def test_rerun_downloads_nothing(site, store):
    archive(site, [A, B, A, C])
    run(store)
    before = sum(site.wayback.downloads.values())
    again = run(store)
    assert (again.downloaded, again.already_stored, sum(site.wayback.downloads.values())) == (0, 4, before)
    assert again.new_versions == 0


def test_versions_follow_capture_order_including_a_return_to_an_earlier_text(site, store):
    archive(site, [A, A, B, A])
    run(store)
    _, db = store
    history = versions(db, "acme")
    assert [v.captured_at[:4] for v in history] == ["2010", "2012", "2013"]
    assert history[0].text == history[2].text != history[1].text
    assert {v.source for v in history} == {"wayback"}


def test_snapshots_keep_the_raw_archived_bytes(site, store):
    body = A.replace("Privacy Policy</h1>", "Datenschutzerklärung</h1>").encode("iso-8859-1")
    archive(site, [body])
    run(store)
    config, db = store
    [snap] = db.query("SELECT * FROM snapshots")
    assert (config.snapshots / snap["path"]).read_bytes() == body
    assert (snap["source"], snap["url"], snap["captured_at"]) == ("wayback", POLICY, "2010-01-01T00:00:00Z")


def test_revisits_and_non_200_rows_are_neither_downloaded_nor_stored(site, store):
    site.wayback.honour_filters = False
    good = site.wayback.add(POLICY, "20100101000000", A)
    site.wayback.add(POLICY, "20110101000000", revisit=True, digest_of=good.body)
    site.wayback.add(POLICY, "20120101000000", "Moved", statuscode="301")
    result = run(store)
    _, db = store
    assert (result.listed, result.downloaded, list(site.wayback.downloads)) == (1, 1, ["20100101000000"])
    assert db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1


def test_archived_error_page_is_kept_as_a_snapshot_but_never_a_version(site, store):
    site.wayback.add(POLICY, "20100101000000", A)
    site.wayback.add(POLICY, "20110101000000", "<html><head><title>404 Not Found</title></head>"
                                               "<body><h1>Page not found</h1></body></html>")
    result = run(store)
    _, db = store
    assert (result.rejected, len(versions(db, "acme"))) == (1, 1)
    assert run(store).downloaded == 0            # and it is not fetched again


def test_wayback_versions_interleave_with_live_versions(tmp_path, site):
    site.route("/live", Reply(C))
    config = load_config(write_config(tmp_path, site, companies={"acme": site.url("/live")}))
    db = open_db(config.database)
    check_company(config, db, "acme")
    site.wayback.add(site.url("/live"), "20100101000000", A)
    site.wayback.add(site.url("/live"), "20150101000000", B)
    backfill(config, db, "acme", client=WaybackClient.from_config(config, cdx_per_minute=None))
    history = versions(db, "acme")
    assert [v.source for v in history] == ["wayback", "wayback", "live"]
    assert ["at least 30 days" in history[0].text, "at least 14 days" in history[1].text,
            "at least 7 days" in history[2].text] == [True, True, True]


def test_from_and_to_limit_what_is_stored(site, store):
    archive(site, [A, B, C, A])
    result = run(store, start="2011", end="2012-12-31")
    _, db = store
    assert result.listed == 2 and [v.captured_at[:4] for v in versions(db, "acme")] == ["2011", "2012"]


def test_a_failed_download_is_counted_and_fetched_by_the_next_run(site, store):
    archive(site, [A, B])
    site.wayback.broken.add("20110101000000")
    first = run(store)
    site.wayback.broken.clear()
    second = run(store)
    assert (first.failed, first.downloaded, second.downloaded, second.already_stored) == (1, 1, 1, 1)
    assert "503" in first.errors[0]


def test_backfill_records_when_the_archive_was_last_read(site, store):
    archive(site, [A])
    run(store)
    _, db = store
    row = next(db.query("SELECT backfilled_at, wayback_checked_at FROM companies"))
    assert row["backfilled_at"] and row["wayback_checked_at"]


def test_progress_prints_one_final_line_when_not_a_terminal(site, store):
    archive(site, [A, B, A])
    out = io.StringIO()
    progress = BackfillProgress(out)
    result = run(store, progress=progress)
    progress.close()
    assert out.getvalue() == ("acme: 3 listed, 2 downloaded, 1 duplicate, 0 already stored, 0 not a policy, "
                              "0 failed; 3 new versions\n") and result.downloaded == 2


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_redraws_one_line_in_place_on_a_terminal(site, store):
    archive(site, [A, B, C])
    out = Terminal()
    progress = BackfillProgress(out, interval=0)
    run(store, progress=progress)
    progress.close()
    screen = out.getvalue()
    assert screen.count("\r") >= 3 and screen.count("\n") == 1 and screen.endswith("3 new versions\n")
    assert "3 listed, 3 downloaded" in screen.rsplit("\r", 1)[-1]


def policymon(config_path, *args):
    return subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(config_path), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("tables,companies,where", [
    ({"wayback": {"enabled": False}}, {"acme": POLICY}, "[wayback] enabled = false"),
    ({}, {"acme": {"url": POLICY, "wayback": False}}, "[companies.acme] wayback = false"),
])
def test_backfill_with_the_archive_turned_off_asks_nothing_and_says_why(tmp_path, site, tables, companies, where):
    path = write_config(tmp_path, site, companies=companies, **tables)
    proc = policymon(path, "backfill", "acme")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and err.count("\n") == 1 and where in err, err
    assert site.wayback.cdx_queries == []


def iso(timestamp):
    t = timestamp
    return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def stored_timestamps(db):
    return {r["captured_at"] for r in db.query("SELECT captured_at FROM snapshots")}


def test_backfill_killed_midway_leaves_nothing_partial_and_the_rerun_completes(tmp_path, site):
    bodies = [policy_page(days) for days in range(10, 22)]
    captures = archive(site, bodies, year=2000)
    site.wayback.capture_delay = 0.25
    path = write_config(tmp_path, site, companies={"acme": POLICY})
    proc = policymon(path, "backfill", "acme")
    deadline = time.monotonic() + 30
    while sum(site.wayback.downloads.values()) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    config = load_config(path)
    db = open_db(config.database)
    kept = stored_timestamps(db)
    assert 3 <= len(kept) < len(captures)
    for snap in db.query("SELECT path, sha256 FROM snapshots"):
        assert hashlib.sha256((config.snapshots / snap["path"]).read_bytes()).hexdigest() == snap["sha256"]
    assert not list(config.snapshots.rglob(".tmp-*"))
    assert db.execute("SELECT count(*) FROM versions WHERE snapshot_id IS NULL OR snapshot_id NOT IN "
                      "(SELECT id FROM snapshots)").fetchone()[0] == 0
    assert len(versions(db, "acme")) == len(kept)          # every stored capture has its version

    site.wayback.capture_delay = 0
    before = dict(site.wayback.downloads)
    rerun = policymon(path, "backfill", "acme")
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    fetched_again = {ts for ts, n in site.wayback.downloads.items() if n > before.get(ts, 0)}
    assert not {iso(ts) for ts in fetched_again} & kept               # nothing stored is fetched again
    assert stored_timestamps(db) == {iso(c.timestamp) for c in captures}
    assert len(versions(db, "acme")) == len(captures)
    assert f"{len(captures) - len(kept)} downloaded" in err and f"{len(kept)} already stored" in err


def test_archive_requests_and_429s_are_counted_for_metrics(site, store):
    """/metrics is served by another process than the one talking to the Archive: the counts
    go into the store, however the backfill ends."""
    archive(site, [A, B])
    site.wayback.throttle(times=1, retry_after=0.01)
    config, db = store
    client = WaybackClient.from_config(config, cdx_per_minute=None, backoff=0.01, pause_429=0.01)
    backfill(config, db, "acme", client=client)
    counts = dict(db.execute("SELECT name, value FROM counters").fetchall())
    sent = len(site.wayback.cdx_queries) + sum(site.wayback.downloads.values())
    assert counts == {"wayback_requests": sent, "wayback_429s": 1} and sent == 4
    site.wayback.throttle(times=5, retry_after=0.01)             # more than the client's retries: it fails
    with pytest.raises(Exception, match="rate limited"):
        backfill(config, db, "acme", client=client)
    assert dict(db.execute("SELECT name, value FROM counters").fetchall())["wayback_429s"] == 4
