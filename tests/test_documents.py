"""Several documents per company: a privacy policy, a cookie policy, terms… each checked,
versioned, compared and alerted on its own, and a store from before documents keeps working."""
import json
import shutil
import sqlite3

import pytest

from cli import assert_one_line_error, policymon
from conftest import CORPUS
from monitor.config import load_config, parse_config
from monitor.errors import ConfigError
from monitor.store import open_db
from monitor.store.db import MIGRATIONS
from receiver import receiver  # noqa: F401  (fixture)
from served import ARBITRATION, COOKIES, COURTS, TERMS
from sites import Reply, policy_page, site, write_config  # noqa: F401  (site is a fixture)

def parse(text: str, tmp_path):
    import tomllib
    return parse_config(tomllib.loads(text), tmp_path / "config.toml")


def test_a_company_lists_documents_beside_its_privacy_policy(tmp_path):
    config = parse("""
[companies.acme]
url = "https://acme.example/privacy"
name = "Acme"
interval = "1d"
wayback = false
[companies.acme.documents.cookies]
url = "https://acme.example/cookies"
selector = "main"
remove = ".toc"
[companies.acme.documents.terms]
url = "https://acme.example/terms"
interval = "7d"
wayback = true
""", tmp_path)
    assert list(config.documents) == ["acme", "acme/cookies", "acme/terms"]
    assert config.company("acme").documents == ("acme", "acme/cookies", "acme/terms")
    cookies, terms = config.document("acme/cookies"), config.document("acme/terms")
    assert (cookies.company, cookies.doctype, cookies.name, cookies.remove) == ("acme", "cookies", "Acme", ".toc")
    assert (cookies.interval, cookies.wayback) == (86400, False)          # the company's, by default
    assert (terms.interval, terms.wayback) == (7 * 86400, True)           # its own
    assert config.document("acme") is config.document("acme/privacy") is config.documents["acme"]
    assert [d.key for d in config.documents_of("acme")] == ["acme", "acme/cookies", "acme/terms"]
    assert [d.key for d in config.documents_of("acme/terms")] == ["acme/terms"]


def test_a_company_may_list_only_documents(tmp_path):
    config = parse("""
[companies.acme.documents.privacy]
url = "https://acme.example/privacy"
[companies.acme.documents.terms]
url = "https://acme.example/terms"
""", tmp_path)
    assert list(config.documents) == ["acme", "acme/terms"]
    config = parse('[companies.acme.documents.terms]\nurl = "https://acme.example/terms"\n', tmp_path)
    with pytest.raises(Exception, match="acme has no privacy policy url.*acme/terms"):
        config.document("acme")


@pytest.mark.parametrize("text, fragment", [
    ('[companies.acme]\nurl = "https://a.example/p"\n[companies.acme.documents.privacy]\nurl = "https://a.example/q"\n',
     "repeats the privacy policy"),
    ('[companies.acme.documents.Cookies]\nurl = "https://a.example/c"\n', "a document type uses lowercase"),
    ('[companies.acme.documents.cookies]\nurl = "https://a.example/c"\nselecter = "main"\n',
     "unknown key companies.acme.documents.cookies.selecter; did you mean selector?"),
    ('[companies.acme.documents.cookies]\nselector = "main"\n', "companies.acme.documents.cookies.url is missing"),
    ('[companies.acme]\nname = "Acme"\n', "companies.acme.url is missing"),
    ('[companies.acme]\nselector = "main"\n[companies.acme.documents.terms]\nurl = "https://a.example/t"\n',
     "companies.acme.selector applies to the privacy policy"),
    ('[companies.acme]\nurl = "https://a.example/p"\ndocuments = "cookies"\n', "companies.acme.documents must be tables"),
])
def test_bad_document_tables_are_one_clear_error(tmp_path, text, fragment):
    with pytest.raises(ConfigError, match=None) as caught:
        parse(text, tmp_path)
    assert fragment in str(caught.value)


def test_unknown_document_names_the_known_ones(tmp_path):
    path = write_config(tmp_path, companies={"acme": {"url": "https://a.example/p", "documents": {
        "cookies": "https://a.example/c"}}})
    result = policymon("diff", "acme/terms", config=path)
    assert_one_line_error(result, "acme has no document 'terms'", "[companies.acme.documents.terms]",
                          "acme, acme/cookies")


@pytest.fixture
def three(tmp_path, site, receiver):
    """acme with a privacy policy, a cookie policy and terms on the local site, alerting to a webhook."""
    site.route("/privacy", Reply(policy_page(30)))
    site.route("/cookies", Reply(COOKIES.format(days=30)))
    site.route("/terms", Reply(TERMS.format(disputes=COURTS)))
    return write_config(tmp_path, site, companies={"acme": {"url": site.url("/privacy"), "wayback": False, "documents": {
        "cookies": site.url("/cookies"), "terms": {"url": site.url("/terms"), "selector": "main"}}}},
        alerts={"min_severity": "low"}, webhook={"url": receiver.url})


def test_three_documents_are_checked_compared_and_alerted_each_on_its_own(three, site, receiver):
    first = policymon("check", "acme", config=three)
    assert first.code == 0, first.err
    assert first.out.splitlines() == ["acme: first version #1", "acme/cookies: first version #2",
                                      "acme/terms: first version #3"]
    site.route("/cookies", Reply(COOKIES.format(days=3)))
    site.route("/terms", Reply(TERMS.format(disputes=ARBITRATION)))
    second = policymon("check", "acme", config=three)
    assert second.code == 0, second.err
    assert "acme: unchanged" in second.out
    assert "acme/cookies: new version #4 with material changes; 1 alert(s) recorded" in second.out
    assert "acme/terms: new version #5 with material changes; 1 alert(s) recorded" in second.out

    alerts = json.loads(policymon("alerts", "--format", "json", config=three).out)
    assert sorted((a["company"], a["document"]) for a in alerts) == [("acme", "cookies"), ("acme", "terms")]
    assert {a["key"].split(":")[1] for a in alerts} == {"acme/cookies", "acme/terms"}
    cookies = next(a for a in alerts if a["document"] == "cookies")
    assert cookies["subject"].startswith("[policymon] acme/cookies: ")
    assert cookies["payload"]["report"].endswith("diff acme/cookies --from 2 --to 4")
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert sorted((b["company"], b["document"]) for b in bodies) == [("acme", "cookies"), ("acme", "terms")]
    only_terms = json.loads(policymon("alerts", "--company", "acme/terms", "--format", "json", config=three).out)
    assert [a["document"] for a in only_terms] == ["terms"]

    report = json.loads(policymon("diff", "acme/terms", "--format", "json", config=three).out)
    assert (report["company"], report["document"], report["material"]) == ("acme", "terms", True)
    assert {f["category"] for f in report["findings"] if f["material"]} >= {"disputes"}
    history = json.loads(policymon("history", "acme/cookies", "--format", "json", config=three).out)
    assert (history["company"], history["document"], len(history["versions"])) == ("acme", "cookies", 2)
    assert_one_line_error(policymon("diff", "acme", config=three), "'acme' has only one version")

    one = policymon("check", "acme/cookies", config=three)
    assert one.out.splitlines() == ["acme/cookies: unchanged"]
    status = json.loads(policymon("status", "--format", "json", config=three).out)
    assert [(c["company"], c["document"]) for c in status["companies"]] == [
        ("acme", "privacy"), ("acme", "cookies"), ("acme", "terms")]


def test_a_document_s_remove_selector_drops_parts_of_its_page(tmp_path, site):
    site.route("/cookies", Reply(COOKIES.format(days=30).replace("<h2>Changes", "<nav class=toc>Contents</nav>"
                                                                                "<h2>Changes")))
    path = write_config(tmp_path, site, companies={"acme": {"documents": {
        "cookies": {"url": site.url("/cookies"), "selector": "main", "remove": ".toc"}}}})
    assert policymon("check", "acme", config=path).code == 0
    config = load_config(path)
    text = open_db(config.database).execute("SELECT text FROM texts").fetchone()[0]
    assert "Cookies we use" in text and "Contents" not in text


@pytest.fixture
def old_store(tmp_path, site):
    """The store tests/data/old-store holds (written before documents existed), with a config
    for its company: acme's privacy policy on the local site, plus a cookie policy."""
    shutil.copytree(CORPUS / "old-store", tmp_path / "data")
    site.route("/privacy.html", Reply(policy_page(7, retention="five years")))
    site.route("/cookies", Reply(COOKIES.format(days=30)))
    return write_config(tmp_path, site, companies={"acme": {
        "url": site.url("/privacy.html"), "selector": "#policy", "wayback": False,
        "documents": {"cookies": site.url("/cookies")}}},
        storage={"database": "data/policymon.db", "snapshots": "data/snapshots"}, alerts={"min_severity": "low"})


def _rows(path, table):
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]


def test_a_store_from_before_documents_is_read_as_it_is(old_store, tmp_path):
    """Read-only commands work on it unmigrated (a read-only file cannot be migrated)."""
    history = json.loads(policymon("history", "acme", "--format", "json", config=old_store).out)
    assert (history["company"], history["document"], len(history["versions"])) == ("acme", "privacy", 2)
    report = json.loads(policymon("diff", "acme", "--format", "json", config=old_store).out)
    assert report["material"] and report["document"] == "privacy"
    alerts = json.loads(policymon("alerts", "--format", "json", config=old_store).out)
    assert [(a["kind"], a["company"], a["document"]) for a in alerts] == [
        ("recovered", "acme", "privacy"), ("failing", "acme", "privacy"), ("material", "acme", "privacy")]


def test_a_store_from_before_documents_migrates_without_loss_and_goes_on(old_store, tmp_path):
    db_path = tmp_path / "data" / "policymon.db"
    before = {t: _rows(db_path, t) for t in ("companies", "snapshots", "versions", "comparisons", "findings",
                                             "checks", "alerts", "deliveries")}
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == 3
    result = policymon("check", "acme", config=old_store)
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == ["acme: unchanged", "acme/cookies: first version #3"]
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    for table, rows in before.items():
        after = _rows(db_path, table)
        kept = [{k: r[k] for k in rows[0]} for r in after[:len(rows)]] if rows else []
        if table == "companies":      # the privacy policy's row, its status and URL updated by this check
            moved = ("last_checked_at", "last_outcome", "url")
            kept, rows = ([{k: v for k, v in r.items() if k not in moved} for r in side] for side in (kept, rows))
        assert kept == rows, table
    [acme, cookies] = _rows(db_path, "companies")
    assert acme["slug"] == "acme" and cookies["slug"] == "acme/cookies"
    assert acme["last_success_at"] is not None        # filled from the old checks, then by this one
    # The old alerts are neither repeated nor lost; the recovered streak goes on from its count.
    assert [a["key"] for a in _rows(db_path, "alerts")] == [a["key"] for a in before["alerts"]]
    history = json.loads(policymon("history", "acme", "--format", "json", config=old_store).out)
    assert [v["version_id"] for v in history["versions"]] == [1, 2]
    # Each finding's rule, which the old schema had only in the comparison's report, is filled in.
    [report] = [json.loads(c["report"]) for c in before["comparisons"]]
    stored = [(f["category"], f["rule"]) for f in _rows(db_path, "findings")[:len(before["findings"])]]
    assert sorted(stored) == sorted((f["category"], f["rule"]) for f in report["findings"])
    assert all(rule for _, rule in stored)
