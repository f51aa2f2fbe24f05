"""Extract: a snapshot's raw bytes in, a version's normalised text out.

`extract` handles HTML, Markdown, plain text and PDF in any common encoding and returns text
in the contract described in `normalise`; `detect_format` says which of those a body is (by
its content first, its name and Content-Type second); `page_problem` tells a fetched page
that is not a policy at all (bot challenge, login or cookie wall, soft error, empty page),
so it becomes a failed fetch instead of a new version; `read_page` does both from one parse.

The HTML and PDF readers are imported when a body needs them, so comparing two Markdown or
text files never loads bs4, lxml or markdownify, and a page lxml alone can read (most) never
loads bs4 or markdownify.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import sha256_text
from .budget import OverBudget, check_chars, check_html
from .encoding import decode
from .formats import detect_format, is_pdf, sniff
from .markdown import markdown_lines
from .normalise import clean_line, join_lines, unwrap

if TYPE_CHECKING:
    from .problems import Seen

__all__ = ["extract", "read_page", "Page", "detect_format", "page_problem", "OverBudget"]

MAX_BYTES = 10 * 1024 * 1024


def extract(body: bytes | str, content_type: str | None = None, *, filename: str | None = None,
            selector: str | None = None, remove: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """Normalised text of a snapshot (see `normalise` for the contract).

    `selector` (CSS) picks the policy's element on an HTML page and `remove` (CSS) drops parts of
    it first; other formats ignore both.
    Raises InputError for empty, binary, oversized or text-less input and for a selector
    that matches nothing; OverBudget (an InputError) for input over an extraction budget.
    """
    return _extract(body, content_type, filename, selector, remove, max_bytes, None)


def _extract(body: bytes | str, content_type: str | None, filename: str | None, selector: str | None,
             remove: str | None, max_bytes: int, seen: Seen | None) -> str:
    """extract(), noting in `seen` what it read on the way (the decoded text, the parsed page)."""
    if isinstance(body, str):
        encoded = body.encode("utf-8", errors="ignore")        # drops lone surrogates
        body, size = encoded.decode("utf-8"), len(encoded)
    else:
        size = len(body)
    if size > max_bytes:
        raise InputError(f"the input is {size:,} bytes, over the {max_bytes:,}-byte limit; "
                         "point at the policy itself or raise the size limit")
    if not body or not body.strip():
        raise InputError("the input is empty; check the file or URL points at the policy")
    if is_pdf(body):
        if isinstance(body, str):
            raise InputError("the input is a PDF read as text; pass the PDF's raw bytes")
        from .pdf import pdf_lines
        try:
            lines = pdf_lines(body)
        except InputError as e:
            if seen is not None and not isinstance(e, OverBudget):
                seen.pdf_error = str(e)
            raise
        if seen is not None:
            seen.pdf_read = True
        fmt = "pdf"
    else:
        text = body if isinstance(body, str) else decode(body, content_type)
        if seen is not None:
            seen.text = text
        fmt = sniff(text, content_type, filename)
        if fmt == "html":
            check_html(text)
            lines = _html_lines(text, selector, remove, seen)
        elif fmt == "markdown":
            lines = markdown_lines(text)
        else:
            lines = unwrap([clean_line(line) for line in text.splitlines()])
    out = join_lines(lines)
    check_chars(len(out))
    if not out:
        raise InputError(f"no text found in the {fmt} input; "
                         "check that it is the policy page (it may need JavaScript or a selector)")
    return out


def _html_lines(text: str, selector: str | None, remove: str | None, seen: Seen | None) -> list[str]:
    """An HTML page's content lines: read with lxml alone when the page is read whole and its
    markup allows (lxmlpage), else with Beautiful Soup and markdownify (htmlpage)."""
    if selector is None and remove is None:
        from .lxmlpage import read
        page = read(text)
        if page is not None:
            if seen is not None:
                seen.facts, seen.lines = page
            return page[1]
    from .htmlpage import html_lines
    return html_lines(text, selector, remove, seen)


def __getattr__(name: str):
    if name == "page_problem":          # loaded on first use: comparing files never judges a page
        from .problems import page_problem
        return page_problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Page:
    """A fetched page read once: the policy's text, or why the page is not a policy."""
    text: str | None
    problem: str | None = None


def read_page(body: bytes, content_type: str | None = None, *, status: int | None = None,
              selector: str | None = None, remove: str | None = None, max_bytes: int = MAX_BYTES,
              known: frozenset[str] | set[str] = frozenset()) -> Page:
    """Extract a fetched page and judge it (page_problem) from one parse: the checks read the
    tree and the text extraction read. A text in `known` (sha256 of texts already accepted as
    the policy) is not judged again: a challenge or error page never extracts to a real
    policy's text. A PDF that extracted is a policy document unless the status is an error,
    and a page over an extraction budget is refused without being judged."""
    from .problems import Seen, page_problem
    seen = Seen()
    try:
        text = _extract(body, content_type, None, selector, remove, max_bytes, seen)
    except OverBudget as e:
        return Page(None, str(e))
    except InputError as e:
        if seen.pdf_error is not None:  # the PDF reader refused it: reading it again says the same
            return Page(None, f"unusable PDF: {seen.pdf_error}")
        if seen.pdf_read:
            return Page(None, f"HTTP {status} error" if (status or 200) >= 400 else str(e))
        return Page(None, page_problem(body, content_type, status, seen=seen) or str(e))
    if seen.pdf_read:
        return Page(text) if (status or 200) < 400 else Page(None, f"HTTP {status} error")
    if sha256_text(text) in known:
        return Page(text)
    problem = page_problem(body, content_type, status, seen=seen)
    return Page(None, problem) if problem else Page(text)
