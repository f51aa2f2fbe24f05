"""`policymon serve`: the dashboard, timelines, comparisons, alerts, Atom feeds, JSON API,
/healthz and /metrics, from a real server process over a store real commands filled."""
import html
import json
import re
import shutil
import sqlite3

import feedparser
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cli import assert_one_line_error, policymon
from monitor.report.html import CSP
from reportcases import Page
from reportschema import valid_history, valid_report
from served import Served, served, store  # noqa: F401  (fixtures)


def db_rows(config_path, sql):
    conn = sqlite3.connect(config_path.parent / "policymon.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def material_pairs(config_path) -> set[tuple[str, int, int]]:
    return {(r["company"], r["old_version_id"], r["new_version_id"]) for r in db_rows(
        config_path, "SELECT company, old_version_id, new_version_id FROM comparisons WHERE material = 1 "
                     "AND technical = 0")}


def test_the_store_holds_checked_and_backfilled_material_changes(store):
    assert {key for key, _, _ in material_pairs(store)} == {"acme/cookies", "acme/terms", "globex"}


# -- pages ----------------------------------------------------------------------------------

def test_dashboard_lists_every_document_with_its_last_material_change(served):
    page = served.get("/")
    assert page.status == 200 and page.headers["Content-Security-Policy"] == CSP
    dom = Page(page.text)
    rows = [r for r in dom.named("tr")][1:]
    assert len(rows) == 4                               # acme ×3, globex
    assert "Advance notice of changes shortened from 30 days to 3 days" in page.text
    assert "Acme &lt;Corp&gt;" in page.text and "Acme <Corp>" not in page.text
    assert "failed" in page.text                        # its deliveries gave up
    order = re.findall(r'href="/companies/(\w+)/(\w+)"', page.text)
    assert order[:2] == [("acme", "cookies"), ("acme", "terms")] or order[:2] == [("acme", "terms"), ("acme", "cookies")]
    assert order[2] == ("globex", "privacy")            # backfilled: its change is older


def test_dashboard_filters_by_category_and_severity_with_plain_links(served):
    disputes = served.get("/?category=disputes")
    assert re.findall(r'href="/companies/(\w+)/(\w+)"', disputes.text) == [("acme", "terms")]
    retention = served.get("/?category=retention&severity=medium")
    assert re.findall(r'href="/companies/(\w+)/(\w+)"', retention.text) == [("globex", "privacy")]
    assert 'href="/?category=disputes&amp;severity=high"' in served.get("/?category=disputes").text
    assert "<form" not in disputes.text and "<script" not in disputes.text


def test_dashboard_sorts_by_the_column_asked_for(served):
    by_name = re.findall(r'href="/companies/(\w+)/(\w+)"', served.get("/?sort=company").text)
    assert by_name == [("acme", "privacy"), ("acme", "cookies"), ("acme", "terms"), ("globex", "privacy")]
    checked = re.findall(r'href="/companies/(\w+)/(\w+)"', served.get("/?sort=checked").text)
    assert checked[-1] == ("globex", "privacy")          # never checked live


@pytest.mark.parametrize("query, fragment", [("category=bogus", "unknown category 'bogus'"),
                                             ("severity=urgent", "unknown severity 'urgent'"),
                                             ("sort=size", "unknown sort 'size'")])
def test_bad_query_parameters_are_a_400_naming_the_choices(served, query, fragment):
    page = served.get(f"/?{query}")
    assert page.status == 400 and fragment in html.unescape(page.text)


def test_company_page_is_the_history_timeline_linking_each_comparison(served):
    page = served.get("/companies/globex")
    assert page.status == 200 and "globex" in page.text and page.text == served.get("/companies/globex/privacy").text
    links = re.findall(r'href="(/companies/globex/privacy/compare/\d+-\d+)"', page.text)
    assert len(links) == 2
    assert "https://web.archive.org/web/20190601000000/https://globex.test/privacy" in page.text
    for link in links:
        assert served.get(link).status == 200


def test_comparison_page_is_what_diff_format_html_writes(served, store):
    [(old, new)] = [(o, n) for key, o, n in material_pairs(store) if key == "acme/terms"]
    page = served.get(f"/companies/acme/terms/compare/{old}-{new}")
    diff = policymon("diff", "acme/terms", "--from", old, "--to", new, "--format", "html", config=store)
    assert page.status == 200 and diff.code == 0
    served_body = re.sub(r'<nav class="site">.*?</nav>\n', "", page.text, flags=re.S)
    assert served_body == diff.out
    assert "&lt;script&gt;alert(&#x27;policy&#x27;)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text


def test_unknown_company_document_or_versions_are_404(served):
    assert served.get("/companies/initech").status == 404
    assert "acme has no document 'faq'" in html.unescape(served.get("/companies/acme/faq").text)
    assert served.get("/companies/acme/terms/compare/1-999").status == 404
    assert served.get("/companies/acme/terms/compare/latest").status == 404


def test_alerts_page_shows_each_alert_with_its_delivery_states(served):
    page = served.get("/alerts")
    assert page.status == 200
    assert "[policymon] acme/terms:" in page.text and "[policymon] acme/cookies:" in page.text
    assert "webhook</span> <span class=\"delivery st-failed\">failed</span>" in page.text
    assert "HTTP 500" in page.text
    only = served.get("/alerts?company=acme/cookies").text
    assert "acme/cookies:" in only and "acme/terms:" not in only


# -- feeds ----------------------------------------------------------------------------------

def _feed(served, path):
    answer = served.get(path)
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


def _pairs(feed) -> set[tuple[str, int, int]]:
    out = set()
    for entry in feed.entries:
        company, doctype, old, new = re.search(r"/companies/([^/]+)/([^/]+)/compare/(\d+)-(\d+)$",
                                               entry.link).groups()
        out.add((company if doctype == "privacy" else f"{company}/{doctype}", int(old), int(new)))
    return out


def test_the_feed_holds_exactly_the_material_comparisons(served, store):
    feed = _feed(served, "/feeds/all.atom")
    assert _pairs(feed) == material_pairs(store)
    assert len(feed.entries) == len(material_pairs(store))
    terms = next(e for e in feed.entries if "/acme/terms/" in e.link)
    assert "disputes" in terms.summary and terms.title.startswith("acme terms document: ")
    assert all(e.id.startswith("urn:uuid:") and e.updated and e.published for e in feed.entries)


def test_company_and_document_feeds_hold_their_own_changes(served, store):
    everything = material_pairs(store)
    acme = _feed(served, "/feeds/acme.atom")
    assert _pairs(acme) == {p for p in everything if p[0].startswith("acme")}
    terms = _feed(served, "/feeds/acme/terms.atom")
    assert _pairs(terms) == {p for p in everything if p[0] == "acme/terms"}
    assert _feed(served, "/feeds/acme/privacy.atom").entries == []
    assert served.get("/feeds/initech.atom").status == 404


# -- JSON API -------------------------------------------------------------------------------

def test_api_comparison_is_the_json_report(served, store):
    [(old, new)] = [(o, n) for key, o, n in material_pairs(store) if key == "acme/cookies"]
    report = valid_report(json.loads(served.get(f"/api/documents/acme/cookies/comparisons/{old}-{new}").body))
    diff = json.loads(policymon("diff", "acme/cookies", "--from", old, "--to", new, "--format", "json",
                                config=store).out)
    assert report == diff and (report["company"], report["document"]) == ("acme", "cookies")


def test_api_versions_is_the_history_report_linking_comparisons(served):
    history = valid_history(json.loads(served.get("/api/documents/globex/privacy/versions").body))
    assert (history["company"], history["document"], len(history["versions"])) == ("globex", "privacy", 3)
    for version in history["versions"][1:]:
        assert served.get(version["report"]).status == 200


def test_api_alerts_and_status_answer_what_the_cli_prints(served, store):
    assert json.loads(served.get("/api/alerts").body) == json.loads(
        policymon("alerts", "--format", "json", config=store).out)
    status = json.loads(served.get("/api/status").body)
    cli = json.loads(policymon("status", "--format", "json", config=store).out)
    assert [(c["company"], c["document"], c["outcome"]) for c in status["companies"]] == \
        [(c["company"], c["document"], c["outcome"]) for c in cli["companies"]]
    companies = json.loads(served.get("/api/companies").body)
    assert [(c["company"], [d["document"] for d in c["documents"]]) for c in companies] == [
        ("acme", ["privacy", "cookies", "terms"]), ("globex", ["privacy"])]


def test_openapi_documents_every_api_route(served):
    doc = json.loads(served.get("/api/openapi.json").body)
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/status", "/api/companies", "/api/documents/{company}/{doctype}/versions",
                                 "/api/documents/{company}/{doctype}/comparisons/{pair}", "/api/alerts"}
    for path, item in doc["paths"].items():
        assert item["get"]["summary"] and item["get"]["responses"]["200"]
        if "{" in path:
            assert {p["name"] for p in item["get"]["parameters"]} >= set(re.findall(r"{(\w+)}", path))
    assert served.get("/api/documents/acme/faq/versions").status == 404


# -- operations -----------------------------------------------------------------------------

def test_metrics_parse_and_count_what_the_store_holds(served, store):
    answer = served.get("/metrics")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    checks = {s.labels["outcome"]: s.value for s in families["policymon_checks"].samples
              if s.name == "policymon_checks_total"}
    stored = {r["outcome"]: r["n"] for r in db_rows(store, "SELECT outcome, count(*) AS n FROM checks GROUP BY outcome")}
    assert checks == stored
    versions = {(s.labels["company"], s.labels["document"]): s.value for s in families["policymon_versions"].samples}
    assert versions[("globex", "privacy")] == 3 and versions[("acme", "terms")] == 2
    success = {(s.labels["company"], s.labels["document"]) for s in
               families["policymon_last_success_timestamp_seconds"].samples}
    assert success == {("acme", "privacy"), ("acme", "cookies"), ("acme", "terms")}
    deliveries = {(s.labels["channel"], s.labels["status"]): s.value for s in families["policymon_deliveries"].samples}
    assert deliveries == {("webhook", "failed"): 2}
    alerts = {s.labels["kind"]: s.value for s in families["policymon_alerts"].samples if s.name.endswith("_total")}
    assert alerts == {"material": 2}
    [requests] = families["policymon_wayback_requests"].samples
    assert requests.value >= 4                            # the CDX listing and three captures
    assert families["policymon_documents"].samples[0].value == 4


def test_healthz_says_what_it_knows(served):
    health = json.loads(served.get("/healthz").body)
    assert health["status"] == "ok" and health["daemon"] == {"running": False, "pid": None}
    assert 0 <= health["last_success_age_seconds"] < 3600


def test_pages_answer_while_a_writer_holds_the_database(served, store):
    """WAL: a write transaction in progress (the daemon storing a check) blocks no reader."""
    writer = sqlite3.connect(store.parent / "policymon.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE companies SET last_error = 'being written' WHERE slug = 'globex'")
        assert served.get("/").status == 200 and served.get("/metrics").status == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_healthz_turns_unhealthy_when_the_database_cannot_be_read(store, tmp_path):
    shutil.copytree(store.parent, tmp_path / "copy", ignore=shutil.ignore_patterns("*.lock"))
    config = tmp_path / "copy" / "config.toml"
    server = Served(config)
    try:
        assert server.get("/healthz").status == 200
        database = tmp_path / "copy" / "policymon.db"
        with open(database, "r+b") as f:           # the header overwritten: no longer a database
            f.write(b"this is not a database at all!!" * 4)
        for leftover in (tmp_path / "copy").glob("policymon.db-*"):
            leftover.unlink()
        health = server.get("/healthz")
        assert health.status == 503
        doc = json.loads(health.body)
        assert doc["status"] == "unhealthy" and "not a database" in doc["error"]
        assert server.get("/").status == 503
    finally:
        code, err = server.stop()
    assert code == 0 and "Traceback" not in err, err


def test_serve_without_a_database_is_one_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\ndatabase = "none.db"\n', encoding="utf-8")
    assert_one_line_error(policymon("serve", "--port", "1", config=config), "no database at", "policymon check")
