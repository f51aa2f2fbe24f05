"""lxmlpage reads a page exactly as htmlpage (Beautiful Soup + markdownify) does: the same
content lines and the same facts for the problem checks, byte for byte, on every HTML page
the tests and benchmarks use and on thousands of pages rendered from the repository's
policies in many styles of markup. When it declines a page (None), htmlpage reads it."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from markdownify import MarkdownConverter

from monitor.extract import extract, htmlpage, lxmlpage, read_page
from monitor.extract.encoding import decode
from monitor.extract.problems import _facts
from htmlstyles import rendered_pages

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def reference(text: str):
    """What htmlpage makes of a page read whole: (facts, lines), or the exception it raises."""
    try:
        return _facts(htmlpage.parse(text)), htmlpage.html_lines(text)
    except Exception as e:          # noqa: BLE001 - the same failure is the same answer
        return type(e)


def fast(text: str):
    try:
        return lxmlpage.read(text)
    except Exception as e:          # noqa: BLE001
        return type(e)


def assert_same(text: str) -> bool:
    """True when lxmlpage read the page (and agreed), False when it declined."""
    got = fast(text)
    if got is None:
        return False
    assert got == reference(text), text[:3000]
    return True


# Pages the repository already has ----------------------------------------------------------

def html_files() -> list[Path]:
    return sorted(p for folder in ("tests", "monitor", "benchmarks") for p in (ROOT / folder).rglob("*.htm*"))


_LOOKS_HTML = re.compile(r"<(?:html|body|div|p|main|article|section|h[1-6]|ul|ol|li|table|span|nav|header|footer)"
                         r"[\s>/]", re.I)


def html_literals() -> list[str]:
    """Every string constant in the tests and benchmarks that holds HTML markup."""
    found = set()
    for path in sorted([*(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _LOOKS_HTML.search(node.value):
                found.add(node.value)
    return sorted(found)


@pytest.mark.parametrize("path", html_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_html_file_reads_the_same(path):
    assert_same(decode(path.read_bytes(), "text/html"))


def test_every_html_string_in_the_tests_reads_the_same():
    literals = html_literals()
    assert len(literals) > 50
    read = sum(assert_same(text) for text in literals)
    assert read > 0.8 * len(literals)


def test_the_benchmark_pages_read_the_same():
    from bench_backfill import page
    assert all(assert_same(page(i)) for i in (0, 1, 10, 999))


# Pages rendered from the repository's policies ------------------------------------------

def policy_texts() -> list[tuple[str, str]]:
    paths = sorted([*(ROOT / "tests" / "data").rglob("*.md"), *(ROOT / "tests" / "data").rglob("*.txt"),
                    *(p for p in (ROOT / "monitor" / "bundled_history").rglob("*") if p.is_file()
                      and p.suffix not in (".json", ".html"))])
    return [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def test_markdownify_converts_nothing_lxmlpage_does_not_know():
    names = {n[len("convert_"):] for n in dir(MarkdownConverter) if n.startswith("convert_")}
    assert names - {"soup", "hN", "_document_"} <= lxmlpage.CONVERTED | lxmlpage.NOT_CONVERTED


@pytest.mark.parametrize("part", range(4))
def test_policies_rendered_as_html_read_the_same(part):
    texts = policy_texts()[part::4]
    assert texts
    pages = rendered_pages(texts, per_text=3)
    read = sum(assert_same(page) for _, page in pages)
    assert read > 0.6 * len(pages)          # the rest are declined: <pre>, <template>, ruby


def test_declined_pages_are_read_by_htmlpage():
    page = "<html><body><h1>Policy</h1><pre>  kept\n  as is</pre><p>We collect data.</p></body></html>"
    assert lxmlpage.read(page) is None
    assert extract(page) == "# Policy\nkept\nas is\nWe collect data.\n"
    assert read_page(page.encode()).text == extract(page)


def test_pages_that_differ_only_outside_the_body_are_read_once_and_alike():
    body = "<body><h1>Policy</h1><p>We keep your data for a year.</p><p>Ask us to delete it.</p></body>"
    first = f"<html><head><title>Privacy</title><script src='/app.1.js'></script></head>{body}</html>"
    second = first.replace("Privacy</title>", "Privacy | Acme</title>").replace("app.1", "app.2")
    assert assert_same(first) and assert_same(second)
    (facts_a, lines_a), (facts_b, lines_b) = lxmlpage.read(first), lxmlpage.read(second)
    assert lines_a == lines_b and facts_a.heads != facts_b.heads
    changed = second.replace("a year", "two years")
    assert assert_same(changed) and lxmlpage.read(changed)[1] != lines_a
