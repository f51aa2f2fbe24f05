"""The Markdown report, read back through a CommonMark parser as GitHub would render it."""
from markdown_it import MarkdownIt

from monitor.report import render
from monitor.report.markdown import md_escape
from monitor.model import Comparison, Finding
from reportcases import HOSTILE, Page, hostile_comparison, sample_comparison, section_pair


def to_html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_word_changes_render_as_del_and_ins():
    page = to_html(render(sample_comparison(), "markdown"))
    assert "at least <del>30</del><ins>7</ins> days" in page


def test_findings_come_material_first_then_others_and_before_sections():
    out = render(sample_comparison(), "markdown")
    order = [out.index(s) for s in ("### Material findings", "**HIGH**", "**MEDIUM**", "### Other findings",
                                     "**LOW**", "### Sections")]
    assert order == sorted(order)


def test_moved_and_renamed_sections_are_one_line_each():
    out = render(sample_comparison(), "markdown")
    assert "**moved:** Security\n" in out
    assert "**renamed:** Your choices → Your rights and choices\n" in out


def test_policy_text_cannot_inject_markup_or_links():
    page = Page(to_html(render(hostile_comparison(), "markdown")))
    assert not page.named("script") and not page.named("code") and not page.named("em")
    assert not [a for a in page.named("a") if "evil" in a.get("href", "")]
    assert page.all_text.count(HOSTILE) >= 5       # company, finding, values, evidence, section title


def test_policy_lines_that_look_like_lists_or_headings_stay_literal():
    body = "- not a list\n+ nor this\n1. nor a numbered item\n# nor a heading\n=== nor an underline"
    change = section_pair("added", None, "Odd lines", (("=", body + "\n"), ("+", "New words.")))
    base = sample_comparison()
    markdown = render(Comparison(base.old, base.new, (change,), (), "acme"), "markdown", context=100)
    html = to_html(markdown[markdown.index("#### added"):])
    assert [t for t, _ in Page(html).tags] == ["h4", "p", "br", "br", "br", "br", "br", "ins"]


def test_inline_policy_strings_cannot_break_out_of_their_line():
    finding = Finding("rights", True, "high", "weaker", "Line one\n- item\n# heading")
    markdown = render(sample_comparison(findings=[finding]), "markdown")
    assert "Line one - item \\# heading" in markdown


def test_escaping_is_undone_by_the_renderer():
    text = "a_b *c* [d](e) <f> & g\\h `i` ~j~ $k$ |l|"
    assert Page(to_html(md_escape(text))).all_text.strip() == text


def test_capture_link_points_at_the_wayback_machine():
    page = Page(to_html(render(sample_comparison(), "markdown")))
    hrefs = [a["href"] for a in page.named("a")]
    assert "https://web.archive.org/web/20190301100000/https://www.acme.example/privacy" in hrefs
