"""The HTML report: one self-contained, script-free page with every policy string escaped."""
import re

from monitor.report import render
from monitor.model import Comparison
from reportcases import HOSTILE, OLD_URL, Page, hostile_comparison, sample_comparison, section_pair

WAYBACK_CAPTURE = f"https://web.archive.org/web/20190301100000/{OLD_URL}"


def test_policy_markup_is_escaped_everywhere():
    html = render(hostile_comparison(), "html")
    page = Page(html)
    assert "<script" not in html.lower() and not page.named("script")
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert html.count(escaped) >= 7     # title, company, summary, section, values, evidence, diff
    assert "AT&amp;T" in html and "AT&T" not in html
    assert page.all_text.count(HOSTILE) >= 7


def test_page_loads_nothing_from_outside():
    html = render(sample_comparison(), "html")
    page = Page(html)
    assert not any("src" in attrs for _, attrs in page.tags)
    assert not page.named("link") and not page.named("script") and not page.named("iframe")
    assert "url(" not in html and "@import" not in html and "@font-face" not in html


def test_content_security_policy_forbids_scripts_and_requests():
    meta = [m for m in Page(render(sample_comparison(), "html")).named("meta")
            if m.get("http-equiv") == "Content-Security-Policy"]
    assert meta and meta[0]["content"].startswith("default-src 'none';")
    assert "script-src" not in meta[0]["content"]


def test_only_links_are_anchors_in_the_page_and_the_capture_pages():
    page = Page(render(sample_comparison(), "html"))
    hrefs = [a["href"] for a in page.named("a")]
    external = {h for h in hrefs if not h.startswith("#")}
    assert external == {WAYBACK_CAPTURE, OLD_URL}        # old from Wayback, new from the live page
    assert {h[1:] for h in hrefs if h.startswith("#")} <= page.ids


def test_header_names_company_dates_and_sources():
    html = render(sample_comparison(), "html")
    header = html[html.index("<header>"):html.index("</header>")]
    assert "<h1>acme</h1>" in header
    assert '<time datetime="2019-03-01T10:00:00Z">2019-03-01</time>' in header
    assert f'<a href="{WAYBACK_CAPTURE}" rel="noopener noreferrer external">Wayback Machine</a>' in header
    assert ">live page</a>" in header


def test_each_finding_links_to_its_section():
    comparison = sample_comparison()
    html = render(comparison, "html")
    page = Page(html)
    panel = html[html.index('id="findings"'):html.index('id="sections-h"')]
    for finding in comparison.findings:
        target = re.search(rf'<a href="#([^"]+)">{re.escape(finding.summary)}</a>', panel)
        assert target and target.group(1) in page.ids
        section_html = html[html.index(f'id="{target.group(1)}"'):]
        assert finding.section in section_html[:section_html.index("</h3>")]


def test_findings_panel_lists_material_before_minor_with_severity_badges():
    html = render(sample_comparison(), "html")
    panel = html[html.index('id="findings"'):html.index('id="sections-h"')]
    badges = re.findall(r'<span class="badge sev-(\w+)">', panel)
    assert badges == ["high", "medium", "low"]
    assert panel.index("Material") < panel.index("Minor")
    assert "at least 30 days before a material change</blockquote>" in panel


def cells(html: str, role: str) -> list[str]:
    return re.findall(rf'<div class="cell {role} text">(.*?)</div>', html, re.S)


def test_changed_section_shows_old_and_new_side_by_side_with_highlights():
    html = render(sample_comparison(), "html")
    section = html[html.index('class="change st-changed"'):]
    section = section[:section.index("</section>")]
    old, new = cells(section, "old"), cells(section, "new")
    assert len(old) == len(new) == 1
    assert "at least <del>30</del> days" in old[0] and "<ins>" not in old[0]
    assert "at least <ins>7</ins> days" in new[0] and "<del>" not in new[0]


def test_paragraphs_line_up_and_far_unchanged_ones_fold():
    paragraphs = [f"Paragraph {n} stays the same." for n in range(6)]
    diff = (("=", "\n\n".join(paragraphs[:5]) + "\n\nWe keep data for "), ("-", "30 days"), ("+", "3 years"),
            ("=", ".\n\n" + paragraphs[5]))
    base = sample_comparison()
    change = section_pair("changed", "Retention", "Retention", diff)
    html = render(Comparison(base.old, base.new, (change,), (), "acme"), "html")
    rows = re.findall(r'<div class="row( same)?">(.*?)</div></div>', html, re.S)
    assert len(rows) == 7 and [bool(same) for same, _ in rows] == [True] * 5 + [False, True]
    assert [len(cells(row, "old")) for _, row in rows] == [1] * 7         # each row pairs old with new
    fold = html[html.index('<details class="fold">'):html.index("</details>")]
    assert "<summary>4 unchanged paragraphs</summary>" in fold
    assert "Paragraph 3" in fold and "Paragraph 4" not in fold and "Paragraph 5" not in fold


def test_unchanged_moved_and_renamed_sections_are_labelled_and_folded():
    page = Page(render(sample_comparison(), "html"))
    folded = [a["class"] for a in page.named("details")]
    assert folded == ["change st-unchanged", "change st-moved", "change st-renamed"]
    assert not [a for a in page.named("details") if "open" in a]


def test_added_and_removed_sections_say_which_side_is_missing():
    html = render(sample_comparison(), "html")
    added = html[html.index('class="change st-added"'):]
    assert "not in the old version" in added[:added.index("</section>")]
    removed = html[html.index('class="change st-removed"'):]
    assert "not in the new version" in removed[:removed.index("</section>")]


def test_stylesheet_stacks_columns_on_phones_and_prints_cleanly():
    html = render(sample_comparison(), "html")
    style = html[html.index("<style>"):html.index("</style>")]
    phone = style[style.index("@media (max-width"):]
    assert ".row { grid-template-columns: minmax(0, 1fr); }" in phone
    assert "@media print" in style
    assert 'name="viewport"' in html


def test_a_run_of_unchanged_sections_folds_into_one_line_naming_them():
    base = sample_comparison()
    same = tuple(section_pair("unchanged", t, t, (("=", f"{t} text."),)) for t in ("A", "B", "C", "D"))
    html = render(Comparison(base.old, base.new, same + base.changes[1:], (), "acme"), "html")
    group = html[html.index('<details class="group">'):]
    assert group.count('<details class="change st-unchanged"') == 4
    assert "4 sections <span class=\"note\">A · B · C · and 1 more</span>" in group
    assert html.count('<details class="group">') == 1
