"""`reextract`: versions rebuilt from stored snapshots, marked technical, never an alert."""
import subprocess
import sys

from monitor.check import backfill, check_company, reextract
from monitor.config import load_config
from monitor.fetch import WaybackClient
from monitor.store import open_db, versions
from sites import Reply, policy_page, site, write_config  # noqa: F401  (site is a fixture)

POLICY = "https://acme.test/privacy"


def setup(tmp_path, site, url=POLICY, **company):
    config = load_config(write_config(tmp_path, site, companies={"acme": {"url": url, **company}}))
    return config, open_db(config.database)


def with_selector(config, site, selector):
    """The same store, with the company's selector changed in config.toml."""
    spec = {"url": config.document("acme").url}
    if selector:
        spec["selector"] = selector
    return load_config(write_config(config.path.parent, site, companies={"acme": spec}))


def archived(tmp_path, site, *pages, **company):
    """A store holding `pages` as Wayback captures of acme, one a year from 2010."""
    for i, page in enumerate(pages):
        site.wayback.add(POLICY, f"{2010 + i}0101000000", page)
    config, db = setup(tmp_path, site, **company)
    backfill(config, db, "acme", client=WaybackClient.from_config(config, cdx_per_minute=None))
    return config, db


def technical(db):
    return [r["technical"] for r in db.query("SELECT technical FROM versions ORDER BY captured_at, id")]


def test_new_extraction_rewrites_versions_in_place_and_marks_them_technical(tmp_path, site):
    config, db = archived(tmp_path, site, policy_page(30, sidebar="<p>Widget news one</p>"),
                          policy_page(7, sidebar="<p>Widget news two</p>"))
    before = versions(db, "acme")
    result = reextract(with_selector(config, site, "#policy"), db, "acme")
    after = versions(db, "acme")
    assert [v.id for v in after] == [v.id for v in before] and result.versions_changed == 2
    assert not any("Widget news" in v.text for v in after) and technical(db) == [1, 1]


def test_versions_no_longer_distinct_are_removed(tmp_path, site):
    config, db = archived(tmp_path, site, policy_page(sidebar="<p>Widget news one</p>"),
                          policy_page(sidebar="<p>Widget news two</p>"))
    assert len(versions(db, "acme")) == 2
    result = reextract(with_selector(config, site, "#policy"), db, "acme")
    assert (result.versions_removed, len(versions(db, "acme"))) == (1, 1)


def test_a_difference_the_new_extraction_sees_becomes_a_technical_version(tmp_path, site):
    config, db = archived(tmp_path, site, policy_page(sidebar="<p>Widget news one</p>"),
                          policy_page(sidebar="<p>Widget news two</p>"), selector="#policy")
    assert len(versions(db, "acme")) == 1
    result = reextract(with_selector(config, site, None), db, "acme")
    history = versions(db, "acme")
    assert result.versions_added == 1 and "Widget news two" in history[1].text
    assert technical(db)[1] == 1


def live_history(tmp_path, site, *pages):
    """Two live checks of `pages` (the second a material change), recorded with alerts."""
    site.route("/privacy", *(Reply(p) for p in pages))
    config, db = setup(tmp_path, site, url=site.url("/privacy"))
    for _ in pages:
        check_company(config, db, "acme")
    return config, db


def test_reextract_records_no_alert_and_the_next_check_finds_no_change(tmp_path, site):
    page_7 = policy_page(7, sidebar="<p>Widget news two</p>")
    config, db = live_history(tmp_path, site, policy_page(30, sidebar="<p>Widget news one</p>"), page_7)
    alerts = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
    config = with_selector(config, site, "#policy")
    reextract(config, db, "acme")
    assert db.execute("SELECT count(*) FROM alerts").fetchone()[0] == alerts
    site.route("/privacy", Reply(page_7))
    assert check_company(config, db, "acme").outcome == "unchanged"


def test_stale_comparisons_are_recomputed_from_the_new_texts_under_the_same_id(tmp_path, site):
    config, db = live_history(tmp_path, site, policy_page(30, sidebar="<p>Widget news one</p>"),
                              policy_page(7, sidebar="<p>Widget news two</p>"))
    [before] = db.query("SELECT id, report FROM comparisons")
    result = reextract(with_selector(config, site, "#policy"), db, "acme")
    [after] = db.query("SELECT id, report, technical FROM comparisons")
    old, new = versions(db, "acme")
    assert after["id"] == before["id"] and result.comparisons == 1
    assert (new.sha256 in after["report"], new.sha256 in before["report"]) == (True, False)
    assert "Widget news" not in after["report"] and old.sha256 in after["report"]


def test_a_version_that_alerts_or_checks_refer_to_is_kept_though_no_longer_distinct(tmp_path, site):
    config, db = live_history(tmp_path, site, policy_page(sidebar="<p>Widget news one</p>"),
                              policy_page(sidebar="<p>Widget news two</p>"))
    result = reextract(with_selector(config, site, "#policy"), db, "acme")
    first, second = versions(db, "acme")
    assert result.versions_removed == 0 and first.text == second.text and technical(db) == [1, 1]


def test_reextract_fetches_nothing(tmp_path, site):
    config, db = archived(tmp_path, site, policy_page(30), policy_page(7))
    requests = len(site.requests)
    reextract(with_selector(config, site, "#policy"), db)
    assert len(site.requests) == requests


def test_a_second_reextract_changes_nothing(tmp_path, site):
    config, db = archived(tmp_path, site, policy_page(30, sidebar="<p>one</p>"), policy_page(7, sidebar="<p>two</p>"))
    config = with_selector(config, site, "#policy")
    reextract(config, db, "acme")
    again = reextract(config, db, "acme")
    assert (again.versions_changed, again.versions_added, again.versions_removed, again.comparisons) == (0, 0, 0, 0)


def test_interrupted_comparisons_are_completed_by_the_next_run(tmp_path, site):
    config, db = live_history(tmp_path, site, policy_page(30, sidebar="<p>one</p>"),
                              policy_page(7, sidebar="<p>two</p>"))
    config = with_selector(config, site, "#policy")
    reextract(config, db, "acme")
    # As if killed after the versions were rewritten but before the comparison was refreshed:
    db.execute("UPDATE comparisons SET report = json_set(report, '$.new.sha256', 'stale')")
    assert reextract(config, db, "acme").comparisons == 1


def policymon(config_path, *args):
    return subprocess.run([sys.executable, "-m", "monitor.cli", "--config", str(config_path), *args],
                          capture_output=True, text=True, timeout=60)


def test_cli_reextract_reports_what_it_rebuilt(tmp_path, site):
    config, db = archived(tmp_path, site, policy_page(30, sidebar="<p>one</p>"), policy_page(7, sidebar="<p>two</p>"))
    done = policymon(with_selector(config, site, "#policy").path, "reextract", "acme")
    assert done.returncode == 0 and done.stdout.startswith("re-extracted 2 snapshots of 1 companies: "
                                                           "2 versions rewritten")


def test_cli_reextract_of_an_unknown_company_is_one_line(tmp_path, site):
    config, _ = setup(tmp_path, site)
    done = policymon(config.path, "reextract", "nope")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "unknown company 'nope'" in done.stderr
