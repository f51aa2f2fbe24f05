"""`check`: one pass over a company's live page, against a real local site."""
import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from monitor.check import check_all, check_company
from monitor.config import load_config
from monitor.errors import NotFound
from monitor.store import open_db, versions
from sites import Reply, make_pdf, policy_page, site, write_config  # noqa: F401  (site is a fixture)

CLOUDFLARE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="challenge-body-text">Checking if the site connection is secure</div>
<script src="https://challenges.cloudflare.com/turnstile/v0/api.js"></script></body></html>"""


@pytest.fixture
def setup(tmp_path, site):
    """(config, db) for company 'acme' at /privacy on the local site."""
    def make(**company):
        path = write_config(tmp_path, site, companies={"acme": {"url": site.url("/privacy"), **company}},
                            fetch={"timeout": 1})
        config = load_config(path)
        return config, open_db(config.database)
    return make


def rows(db, sql, args=()):
    return list(db.query(sql, args))


def test_first_check_stores_the_raw_snapshot_and_a_version(setup, site):
    site.route("/privacy", Reply(policy_page()))
    config, db = setup()
    result = check_company(config, db, "acme")
    [snap] = rows(db, "SELECT * FROM snapshots")
    assert (result.outcome, snap["source"], snap["http_status"]) == ("changed", "live", 200)
    stored = (config.snapshots / snap["path"]).read_bytes()
    assert stored == policy_page().encode() and hashlib.sha256(stored).hexdigest() == snap["sha256"]
    [version] = versions(db, "acme")
    assert "at least 30 days before changes" in version.text and version.id == result.version_id


def test_unchanged_page_adds_no_version(setup, site):
    site.route("/privacy", Reply(policy_page()))
    config, db = setup()
    check_company(config, db, "acme")
    again = check_company(config, db, "acme")
    assert again.outcome == "unchanged" and len(versions(db, "acme")) == 1


def test_changed_page_is_a_new_version_compared_with_the_previous_one(setup, site):
    site.route("/privacy", Reply(policy_page(notice_days=30)), Reply(policy_page(notice_days=7)))
    config, db = setup()
    first, second = check_company(config, db, "acme"), check_company(config, db, "acme")
    [comparison] = rows(db, "SELECT * FROM comparisons")
    assert (second.outcome, comparison["old_version_id"], comparison["new_version_id"]) == \
        ("changed", first.version_id, second.version_id)
    assert second.comparison_id == comparison["id"]
    assert rows(db, "SELECT outcome, comparison_id FROM checks ORDER BY id")[-1] == \
        {"outcome": "changed", "comparison_id": comparison["id"]}


def test_material_change_records_one_alert(setup, site):
    site.route("/privacy", Reply(policy_page(notice_days=30)), Reply(policy_page(notice_days=7)))
    config, db = setup()
    check_company(config, db, "acme")
    second = check_company(config, db, "acme")
    alerts = rows(db, "SELECT kind, comparison_id FROM alerts")
    assert second.material and alerts == [{"kind": "material", "comparison_id": second.comparison_id}]


def test_conditional_get_304_is_unchanged_without_a_snapshot(setup, site):
    site.route("/privacy", Reply(policy_page(), etag='"v1"'))
    config, db = setup()
    check_company(config, db, "acme")
    again = check_company(config, db, "acme")
    assert site.requests[-1].headers["If-None-Match"] == '"v1"'
    assert again.outcome == "unchanged" and len(rows(db, "SELECT id FROM snapshots")) == 1


def test_bot_challenge_is_a_failed_check_never_a_version(setup, site):
    site.route("/privacy", Reply(CLOUDFLARE, status=403))
    config, db = setup()
    result = check_company(config, db, "acme")
    assert (result.outcome, "challenge" in result.reason) == ("failed", True)
    assert versions(db, "acme") == [] and rows(db, "SELECT id FROM snapshots") == []
    company = rows(db, "SELECT last_outcome, last_error, consecutive_failures FROM companies")[0]
    assert (company["last_outcome"], company["consecutive_failures"]) == ("failed", 1)
    assert company["last_error"] == result.reason


def test_challenge_after_a_good_version_keeps_the_version(setup, site):
    site.route("/privacy", Reply(policy_page()), Reply(CLOUDFLARE, status=403))
    config, db = setup()
    check_company(config, db, "acme")
    failed = check_company(config, db, "acme")
    assert not failed.ok and failed.transient and len(versions(db, "acme")) == 1


def test_empty_page_is_a_failed_check(setup, site):
    site.route("/privacy", Reply(""))
    config, db = setup()
    result = check_company(config, db, "acme")
    assert result.outcome == "failed" and "empty" in result.reason and versions(db, "acme") == []


def test_not_found_is_a_permanent_failed_check(setup, site):
    config, db = setup()
    result = check_company(config, db, "acme")
    assert (result.outcome, result.transient, "404" in result.reason) == ("failed", False, True)


def test_non_utf8_page_is_decoded_by_its_declared_charset(setup, site):
    page = policy_page(extra="<p>Données personnelles conservées à Genève.</p>").encode("cp1252")
    site.route("/privacy", Reply(page, content_type="text/html; charset=windows-1252"))
    config, db = setup()
    check_company(config, db, "acme")
    [version] = versions(db, "acme")
    assert "Données personnelles conservées à Genève." in version.text


def test_pdf_policy_is_extracted_to_text(setup, site):
    pdf = make_pdf(["Privacy Policy", "We keep account data for two years after closure.",
                    "We will notify you 30 days before changes take effect."] * 8)
    site.route("/privacy", Reply(pdf, content_type="application/pdf"))
    config, db = setup()
    result = check_company(config, db, "acme")
    [version] = versions(db, "acme")
    assert result.outcome == "changed" and "notify you 30 days before changes" in version.text
    assert rows(db, "SELECT content_type FROM snapshots")[0]["content_type"] == "application/pdf"


def test_redirect_is_followed_and_the_final_url_kept(setup, site):
    site.route("/privacy", Reply(status=301, headers={"Location": "/legal/privacy"}))
    site.route("/legal/privacy", Reply(policy_page()))
    config, db = setup()
    check_company(config, db, "acme")
    [snap] = rows(db, "SELECT url, final_url FROM snapshots")
    assert snap == {"url": site.url("/privacy"), "final_url": site.url("/legal/privacy")}


def test_429_with_retry_after_is_waited_out(setup, site):
    site.route("/privacy", Reply("slow down", status=429, headers={"Retry-After": "1"}), Reply(policy_page()))
    config, db = setup()
    started = time.monotonic()
    result = check_company(config, db, "acme")
    assert result.outcome == "changed" and time.monotonic() - started >= 1.0 and site.hits("/privacy") == 2


def test_429_asking_for_a_long_wait_fails_at_once_and_says_how_long(setup, site):
    site.route("/privacy", Reply("slow down", status=429, headers={"Retry-After": "3600"}))
    config, db = setup()
    result = check_company(config, db, "acme")
    assert (result.outcome, result.transient, result.retry_after, site.hits("/privacy")) == ("failed", True, 3600, 1)


def test_timeout_is_a_transient_failed_check(setup, site):
    site.route("/privacy", Reply(policy_page(), delay=3))
    config, db = setup()
    result = check_company(config, db, "acme")
    assert (result.outcome, result.transient) == ("failed", True) and "1 s" in result.reason
    assert rows(db, "SELECT outcome, transient FROM checks") == [{"outcome": "failed", "transient": 1}]


def test_selector_keeps_only_the_policy_element(setup, site):
    site.route("/privacy", Reply(policy_page(sidebar="<p>Read our latest blog post about widgets.</p>")))
    config, db = setup(selector="#policy")
    check_company(config, db, "acme")
    [version] = versions(db, "acme")
    assert "blog post" not in version.text and "Data retention" in version.text


def test_failures_in_a_row_raise_a_failing_alert_then_a_recovered_one(setup, site):
    site.route("/privacy", Reply("gone", status=404), Reply("gone", status=404), Reply("gone", status=404),
               Reply(policy_page()))
    config, db = setup()
    results = [check_company(config, db, "acme") for _ in range(4)]
    assert [r.ok for r in results] == [False, False, False, True]
    assert [r["kind"] for r in rows(db, "SELECT kind FROM alerts ORDER BY id")] == ["failing", "recovered"]
    assert rows(db, "SELECT consecutive_failures FROM companies")[0]["consecutive_failures"] == 0


def test_check_all_refuses_an_unknown_company_before_fetching(setup, site):
    config, db = setup()
    with pytest.raises(NotFound):
        check_all(config, db, ["acme", "nope"])
    assert site.requests == []


def policymon(config_path, *args, **kw):
    return subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(config_path), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_cli_check_prints_a_line_per_company_and_exits_1_on_failure(tmp_path, site):
    site.route("/privacy", Reply(policy_page()))
    path = write_config(tmp_path, site, companies={"acme": site.url("/privacy"), "gone": site.url("/gone")})
    out, err = policymon(path, "check").communicate(timeout=60)
    lines = out.splitlines()
    assert lines[0] == "acme: first version #1" and lines[1].startswith("gone: FAILED: HTTP 404")


def test_cli_check_never_promises_a_retry_it_will_not_make(tmp_path, site):
    site.route("/busy", Reply("slow down", status=429, headers={"Retry-After": "3600"}))
    path = write_config(tmp_path, site, companies={"busy": site.url("/busy")})
    proc = policymon(path, "check")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1 and out.startswith("busy: FAILED:")
    assert "will retry" not in out and out.rstrip().endswith("asks to wait 3600 s; try again later")


def test_cli_check_of_an_unknown_company_is_one_line(tmp_path, site):
    path = write_config(tmp_path, site, companies={"acme": site.url("/privacy")})
    proc = policymon(path, "check", "nope")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and err.count("\n") == 1 and "unknown company 'nope'" in err


def test_check_killed_mid_fetch_stores_nothing_and_the_next_run_completes(tmp_path, site):
    site.route("/privacy", Reply(policy_page(), delay=2), Reply(policy_page()))
    path = write_config(tmp_path, site, companies={"acme": site.url("/privacy")})
    proc = policymon(path, "check")
    deadline = time.monotonic() + 20
    while site.hits("/privacy") == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = open_db(load_config(path).database)
    assert rows(db, "SELECT id FROM snapshots") == [] and versions(db, "acme") == []
    assert policymon(path, "check").wait(timeout=60) == 0
    assert len(versions(db, "acme")) == 1 and len(rows(db, "SELECT id FROM checks")) == 1
