"""read_page: a fetched page is parsed once, and extraction and the problem checks (challenges,
walls, soft errors, empty pages) read the same tree, with the answers they gave apart."""
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.extract import OverBudget, extract, htmlpage, lxmlpage, page_problem, read_page
from monitor.model import sha256_text
from test_extract import make_pdf, policy_pdf

EXTRACT = Path(__file__).parent / "data" / "extract"
PAGES = sorted(p.name for p in EXTRACT.glob("*.html"))
POLICY = (EXTRACT / "policy_page.html").read_bytes()


def two_reads(body: bytes, content_type: str | None, status: int | None, selector: str | None = None,
              known: frozenset[str] = frozenset()) -> tuple[str | None, str | None]:
    """What a check made of a page before read_page: extract, then page_problem on the raw body."""
    try:
        text = extract(body, content_type, selector=selector)
    except OverBudget as e:
        return None, str(e)
    except InputError as e:
        return None, page_problem(body, content_type, status) or str(e)
    if sha256_text(text) not in known and not (body.startswith(b"%PDF-") and (status or 200) < 400):
        problem = page_problem(body, content_type, status)
        if problem:
            return None, problem
    return text, None


@pytest.fixture
def parses(monkeypatch):
    """How many times a real HTML parser (lxml's or Beautiful Soup's) runs."""
    count = []
    for reader in (htmlpage, lxmlpage):
        def counted(text, real=reader.parse):
            count.append(1)
            return real(text)
        monkeypatch.setattr(reader, "parse", counted)
    return count


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("status", [200, 403, 500])
def test_one_read_says_what_extraction_and_the_checks_said_apart(name, status):
    body = (EXTRACT / name).read_bytes()
    page = read_page(body, "text/html; charset=utf-8", status=status)
    assert (page.text, page.problem) == two_reads(body, "text/html; charset=utf-8", status)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_parsed_once(name, parses):
    read_page((EXTRACT / name).read_bytes(), "text/html; charset=utf-8", status=200)
    assert len(parses) == 1


def test_a_challenge_is_named_from_the_one_parse(parses):
    page = read_page((EXTRACT / "cloudflare_challenge.html").read_bytes(), "text/html", status=403)
    assert page.text is None and page.problem == "bot challenge (Cloudflare)" and len(parses) == 1


def test_a_known_text_is_not_judged_again():
    text = extract(POLICY, "text/html")
    assert read_page(POLICY, "text/html", status=200, known={sha256_text(text)}) == read_page(POLICY, "text/html")


@pytest.mark.parametrize("selector", ["main", "article", "#nothing-here", "nav", "p:bad("])
def test_with_a_selector_the_answers_are_those_of_two_reads(selector):
    for body in (POLICY, (EXTRACT / "login_wall.html").read_bytes(), (EXTRACT / "soft_404.html").read_bytes()):
        page = read_page(body, "text/html", status=200, selector=selector)
        assert (page.text, page.problem) == two_reads(body, "text/html", 200, selector)


@pytest.mark.parametrize("body,content_type", [
    (b"", "text/html"), (b"  \n", "text/html"), (b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png"),
    (b"Privacy Policy\nWe collect your e-mail address to send receipts.\n", "text/plain"),
    (b"# Privacy\n\nWe never sell data.\n", "text/markdown"),
    (b"<html><body><div>" * 600 + b"deep", "text/html"),
])
@pytest.mark.parametrize("status", [200, 404])
def test_other_bodies_get_the_answers_of_two_reads(body, content_type, status):
    page = read_page(body, content_type, status=status)
    assert (page.text, page.problem) == two_reads(body, content_type, status)


@pytest.mark.parametrize("status", [200, 500])
def test_pdfs_are_read_once_with_the_answers_of_two_reads(status):
    for body in (policy_pdf(60), make_pdf([[]])):
        page = read_page(body, "application/pdf", status=status)
        assert (page.text, page.problem) == two_reads(body, "application/pdf", status)
