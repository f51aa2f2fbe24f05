"""`policymon import-declarations`: Open Terms Archive service declarations, written here in
OTA's published format, become companies and documents that `policymon check` watches on local
copies of their pages."""
import json
import sqlite3

import pytest

from cli import assert_one_line_error, policymon
from monitor.config import load_config
from sites import Reply, policy_page, site, write_config  # noqa: F401  (site is a fixture)

TERMS_PAGE = """<html><body><header>Acme Cloud</header><div class="terms"><h1>Terms of Service</h1>
<nav class="toc">Contents: Disputes, Changes</nav>
<h2>Disputes</h2><p>You may bring any claim in the courts of your place of residence.</p>
<h2>Changes</h2><p>We will notify you at least 30 days before changes take effect.</p></div>
<footer>© Acme</footer></body></html>"""
COOKIES_PAGE = """<html><body><div id="app"><h1>Cookie Policy</h1><p>We use strictly necessary cookies only,
to keep you signed in; we never use advertising cookies.</p></div></body></html>"""
USER_CONFIG = """# My policymon config: comments like this one must survive an import.
[storage]
database = "policymon.db"   # beside this file
snapshots = "snapshots"

[wayback]
enabled = false

# Watched by hand since 2023.
[companies.initech]
url = "{initech}"
"""


def declarations(folder, site):
    """Three services in OTA's format (`terms`, and the older `documents`), with what policymon
    cannot do: a range selector, a filter, a page that needs a browser, a combined document."""
    folder.mkdir()
    (folder / "Acme Cloud.json").write_text(json.dumps({
        "name": "Acme Cloud",
        "terms": {
            "Privacy Policy": {"fetch": site.url("/acme/privacy"), "select": "#policy", "remove": "#sidebar"},
            "Terms of Service": {"fetch": site.url("/acme/terms"),
                                 "select": [".terms", {"startBefore": "h1", "endBefore": "footer"}],
                                 "remove": [".toc", {"startAfter": "#x", "endBefore": "#y"}],
                                 "filter": ["removeSessionTokens"]},
            "Cookies Policy": {"fetch": site.url("/acme/cookies"), "select": "#app", "executeClientScripts": True},
            "Community Guidelines": {"combine": [{"fetch": site.url("/acme/rules-1")},
                                                 {"fetch": site.url("/acme/rules-2")}], "select": "main"},
        }}, indent=2), encoding="utf-8")
    (folder / "Globex.json").write_text(json.dumps({
        "name": "Globex Corporation",
        "documents": {"Privacy Policy": {"fetch": site.url("/globex/privacy"), "select": ["#policy"]}}}),
        encoding="utf-8")
    (folder / "Initech.json").write_text(json.dumps({
        "name": "Initech",
        "terms": {"Privacy Policy": {"fetch": site.url("/initech/privacy"), "select": "main"},
                  "Terms of Service": {"fetch": site.url("/initech/terms"), "select": ".terms"}}}),
        encoding="utf-8")
    (folder / "Globex.history.json").write_text(json.dumps({"Privacy Policy": []}), encoding="utf-8")
    return folder


@pytest.fixture
def imported(tmp_path, site):
    for path, body in (("/acme/privacy", policy_page()), ("/acme/terms", TERMS_PAGE),
                       ("/acme/cookies", COOKIES_PAGE), ("/globex/privacy", policy_page(14)),
                       ("/initech/privacy", policy_page(7)), ("/initech/terms", TERMS_PAGE)):
        site.route(path, Reply(body))
    config = tmp_path / "config.toml"
    config.write_text(USER_CONFIG.format(initech=site.url("/initech/privacy")), encoding="utf-8")
    result = policymon("import-declarations", declarations(tmp_path / "declarations", site), config=config)
    return config, result


def test_declarations_become_companies_and_documents(imported):
    config_path, result = imported
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == ["acme-cloud: privacy, terms-of-service, cookies-policy",
                                           "globex: privacy", "initech: terms-of-service"]
    config = load_config(config_path)
    assert list(config.company("acme-cloud").documents) == ["acme-cloud", "acme-cloud/terms-of-service",
                                                            "acme-cloud/cookies-policy"]
    acme, terms = config.document("acme-cloud"), config.document("acme-cloud/terms-of-service")
    assert (acme.name, acme.selector, acme.remove) == ("Acme Cloud", "#policy", "#sidebar")
    assert (terms.selector, terms.remove) == (".terms", ".toc")
    assert config.document("globex").selector == "#policy" and config.company("globex").name == "Globex Corporation"
    assert config.document("initech/terms-of-service").selector == ".terms"


def test_what_cannot_be_honoured_is_said_and_written_beside_the_document(imported):
    config_path, result = imported
    err = result.err
    assert "not imported: acme-cloud: Community Guidelines: it combines 2 pages into one document" in err
    assert "cannot honour: acme-cloud/terms-of-service: select range" in err
    assert "cannot honour: acme-cloud/terms-of-service: filter removeSessionTokens" in err
    assert "cannot honour: acme-cloud/cookies-policy: executeClientScripts: the page needs a browser" in err
    text = config_path.read_text(encoding="utf-8")
    assert "# Terms of Service: filter removeSessionTokens (OTA's JavaScript functions) is not run" in text


def test_the_users_config_is_kept_as_it_was_and_existing_documents_are_left_alone(imported, site):
    config_path, result = imported
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith(USER_CONFIG.format(initech=site.url("/initech/privacy")))
    assert "policymon: initech is already in" in result.err            # its privacy policy: kept
    assert text.count("[companies.initech]") == 1


def test_check_runs_against_the_imported_documents(imported):
    config_path, _ = imported
    result = policymon("check", config=config_path)
    lines = sorted(result.out.splitlines())
    assert lines == ["acme-cloud/cookies-policy: first version #2", "acme-cloud/terms-of-service: first version #3",
                     "acme-cloud: first version #1", "globex: first version #4", "initech/terms-of-service: first "
                     "version #6", "initech: first version #5"], result.err
    with sqlite3.connect(config_path.parent / "policymon.db") as conn:
        texts = dict(conn.execute("SELECT v.company, t.text FROM versions v JOIN texts t ON t.sha256 = v.sha256"))
    assert "Contents:" not in texts["acme-cloud/terms-of-service"] and "Disputes" in texts["acme-cloud/terms-of-service"]
    assert "Acme Cloud" not in texts["acme-cloud/terms-of-service"]       # the header outside .terms
    assert "Widget" not in texts["acme-cloud"]


def test_a_second_import_adds_nothing(imported):
    config_path, result = imported
    folder = config_path.parent / "declarations"
    before = config_path.read_text(encoding="utf-8")
    again = policymon("import-declarations", folder, config=config_path)
    assert again.code == 0 and again.out.strip() == "nothing to import"
    assert config_path.read_text(encoding="utf-8") == before


def test_dry_run_prints_the_tables_and_writes_nothing(tmp_path, site):
    path = write_config(tmp_path, companies={})
    before = path.read_text(encoding="utf-8")
    result = policymon("import-declarations", "--dry-run", declarations(tmp_path / "d", site) / "Globex.json",
                       config=path)
    assert result.code == 0 and '[companies.globex]\nname = "Globex Corporation"' in result.out
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "is not valid JSON"),
    ('{"name": "X"}', "is not an Open Terms Archive service declaration"),
])
def test_a_file_that_is_not_a_declaration_is_one_line(tmp_path, content, fragment):
    path = write_config(tmp_path, companies={})
    bad = tmp_path / "Bad.json"
    bad.write_text(content, encoding="utf-8")
    assert_one_line_error(policymon("import-declarations", bad, config=path), str(bad), fragment)


def test_a_missing_path_is_one_line(tmp_path):
    path = write_config(tmp_path, companies={})
    assert_one_line_error(policymon("import-declarations", tmp_path / "nope", config=path), "not found")
