"""Extract: a snapshot's raw bytes in, a version's normalised text out.

`extract` handles HTML, Markdown, plain text and PDF in any common encoding and returns text
in the contract described in `normalise`; `detect_format` says which of those a body is (by
its content first, its name and Content-Type second); `page_problem` tells a fetched page
that is not a policy at all (bot challenge, login or cookie wall, soft error, empty page),
so it becomes a failed fetch instead of a new version.
"""
from __future__ import annotations

from ..errors import InputError
from .budget import OverBudget, check_chars, check_html
from .encoding import decode
from .formats import detect_format, is_pdf, sniff
from .htmlpage import html_lines
from .markdown import markdown_lines
from .normalise import clean_line, join_lines, unwrap
from .pdf import pdf_lines
from .problems import page_problem

__all__ = ["extract", "detect_format", "page_problem", "OverBudget"]

MAX_BYTES = 10 * 1024 * 1024


def extract(body: bytes | str, content_type: str | None = None, *, filename: str | None = None,
            selector: str | None = None, remove: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """Normalised text of a snapshot (see `normalise` for the contract).

    `selector` (CSS) picks the policy's element on an HTML page and `remove` (CSS) drops parts of
    it first; other formats ignore both.
    Raises InputError for empty, binary, oversized or text-less input and for a selector
    that matches nothing; OverBudget (an InputError) for input over an extraction budget.
    """
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
        lines = pdf_lines(body)
        fmt = "pdf"
    else:
        text = body if isinstance(body, str) else decode(body, content_type)
        fmt = sniff(text, content_type, filename)
        if fmt == "html":
            check_html(text)
            lines = html_lines(text, selector, remove)
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
