"""PDF to contract lines with pypdf, page by page.

Running headers, footers and page numbers are dropped, hyphenated line breaks joined and
wrapped lines rebuilt into paragraphs; bullets are list markers and go like the others.
"""
from __future__ import annotations

import io
import logging
import re
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from ..errors import InputError
from .normalise import clean_line, unwrap

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.I)
_BULLET = re.compile("^[\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u2219\uf0b7\uf0a7\uf076\uf0d8]\\s*")

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _page_text(page) -> str:
    # Layout mode keeps vertical gaps as blank lines, the best paragraph signal a PDF has;
    # it fails on some unusual fonts, where plain mode still works.
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except Exception:     # noqa: BLE001 - any layout failure falls back to plain mode
        return page.extract_text() or ""


def _page_texts(body: bytes) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("the PDF is password-protected; provide an unprotected copy of the policy")
        return [_page_text(page) for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, RecursionError, OSError) as exc:
        raise InputError(f"the PDF cannot be read ({type(exc).__name__}: {str(exc)[:80]}); "
                         "check that the file is a complete, valid PDF") from None


def pdf_lines(body: bytes) -> list[str]:
    """Paragraph lines of a PDF's text; InputError when there is no text to extract."""
    pages = [[clean_line(line) for line in text.splitlines()] for text in _page_texts(body)]
    filled = [[line for line in page if line] for page in pages]
    if not any(filled):
        raise InputError("the PDF has no extractable text (scanned images?); "
                         "use a text, HTML or text-based PDF version of the policy")
    # Lines repeated at the top or bottom of most pages are running headers and footers.
    edges = Counter(line for page in filled for line in {*page[:2], *page[-2:]})
    repeated = {line for line, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    lines: list[str] = []
    for page in pages:
        filled_at = [n for n, line in enumerate(page) if line]
        edge = {*filled_at[:2], *filled_at[-2:]}
        for n, line in enumerate(page):
            if n in edge and (line in repeated or _PAGE_NUMBER.match(line)):
                continue
            if lines and _BULLET.fullmatch(lines[-1]):      # a bullet alone belongs to the next line
                lines[-1] = "\u2022 " + line
            elif line or (lines and lines[-1]):
                lines.append(_BULLET.sub("\u2022 ", line))
    return [_BULLET.sub("", line) for line in unwrap(lines, pdf=True)]
