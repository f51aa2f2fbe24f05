"""The timeline: every version of a company with what changed since the one before."""
import json

import pytest

from monitor.errors import InputError
from monitor.model import Finding
from monitor.report import HistoryRow, render_history
from reportcases import HOSTILE, OLD_URL, Page, contact_finding, notice_finding, sharing_finding
from reportschema import valid_history


def rows() -> list[HistoryRow]:
    return [
        HistoryRow("2019-03-01T10:00:00Z", "wayback", OLD_URL, size=12345, version_id=1, sha256="a1" * 32),
        HistoryRow("2021-05-02T00:00:00Z", "wayback", OLD_URL, size=12900, sections_changed=1,
                   findings=(contact_finding(),), report="acme-1-2.html", version_id=2, sha256="b2" * 32),
        HistoryRow("2024-06-01T08:00:00Z", "live", OLD_URL, size=14001, sections_changed=3,
                   findings=(notice_finding(), sharing_finding()), report="acme-2-3.html", version_id=3,
                   sha256="c3" * 32),
    ]


def test_text_lists_one_line_per_version_with_id_hash_date_source_size_and_changes():
    lines = render_history("acme", rows(), "text").splitlines()
    assert lines[0] == "acme: 3 versions from 2019-03-01 to 2024-06-01; 1 version with material findings"
    version_lines = [l for l in lines if l.startswith("#")]
    assert len(version_lines) == 3
    first, second, third = version_lines
    assert first.split() == ["#1", "a1a1a1a1", "2019-03-01", "Wayback", "Machine", "12,345", "chars", "first",
                             "version"]
    assert second.endswith("1 section changed")                 # a minor finding is not a headline
    assert third.endswith("3 sections changed; 2 material findings")


def test_text_lists_material_findings_and_report_under_their_version():
    out = render_history("acme", rows(), "text")
    tail = out[out.index("2024-06-01  "):]
    assert "\n" + " " * len("#3  c3c3c3c3  ") + " " * 12 + "HIGH   notice" in tail     # under its version
    assert "HIGH   notice, weaker — Advance notice" in tail and "MEDIUM sharing, weaker" in tail
    assert "report: acme-2-3.html" in tail
    assert "contact" not in out


def test_json_gives_each_version_with_capture_link_and_material_findings():
    doc = valid_history(json.loads(render_history("acme", rows(), "json")))
    assert doc["company"] == "acme" and [v["version_id"] for v in doc["versions"]] == [1, 2, 3]
    assert doc["versions"][0]["sha256"] == "a1" * 32
    first, second, third = doc["versions"]
    assert first["capture_url"] == f"https://web.archive.org/web/20190301100000/{OLD_URL}"
    assert first["sections_changed"] is None and second["material"] is False and second["findings"] == []
    assert [f["category"] for f in third["findings"]] == ["notice", "sharing"]
    assert third["report"] == "acme-2-3.html" and third["size"] == 14001


def test_html_draws_one_row_per_version_linking_each_report():
    page = Page(render_history("acme", rows(), "html"))
    versions = [a for a in page.named("li") if a.get("class", "").startswith("entry")]
    assert [v["id"] for v in versions] == ["v1", "v2", "v3"]
    assert [v["class"] for v in versions] == ["entry", "entry", "entry material"]
    reports = [a["href"] for a in page.named("a") if a.get("class") == "report"]
    assert reports == ["acme-1-2.html", "acme-2-3.html"]


def test_html_links_wayback_versions_to_their_capture_pages():
    page = Page(render_history("acme", rows(), "html"))
    hrefs = [a["href"] for a in page.named("a")]
    assert f"https://web.archive.org/web/20210502000000/{OLD_URL}" in hrefs


def test_html_escapes_policy_strings_and_refuses_script_links():
    bad = HistoryRow("2024-01-01T00:00:00Z", "file", size=1, sections_changed=1,
                     findings=(Finding("sharing", True, "high", "weaker", HOSTILE),),
                     report="javascript:alert(1)")
    html = render_history("acme " + HOSTILE, [bad], "html")
    page = Page(html)
    assert not page.named("script") and "<script" not in html
    assert not [a for a in page.named("a") if a.get("href", "").startswith("javascript:")]
    assert page.all_text.count(HOSTILE) >= 2


def test_empty_history_says_so():
    assert render_history("acme", [], "text").strip() == "acme: no versions stored"


def test_unknown_history_format_is_an_input_error():
    with pytest.raises(InputError, match="text, json, html"):
        render_history("acme", rows(), "markdown")
