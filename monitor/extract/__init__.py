"""Extract: a snapshot's raw bytes in, a version's normalised text out.

`extract` handles HTML, Markdown, plain text and PDF in any common encoding and returns text
in the contract described in `normalise`; `detect_format` says which of those a body is (by
its content first, its name and Content-Type second); `page_problem` tells a fetched page
that is not a policy at all (bot challenge, login or cookie wall, soft error, empty page),
so it becomes a failed fetch instead of a new version.
"""
from __future__ import annotations

import codecs
import re

from ..errors import InputError
from .encoding import decode
from .htmlpage import html_lines
from .markdown import markdown_lines
from .normalise import clean_line, join_lines, unwrap
from .pdf import pdf_lines
from .problems import page_problem

__all__ = ["extract", "detect_format", "page_problem"]

MAX_BYTES = 10 * 1024 * 1024

_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*(?:<!doctype\s+html|<html)"
                         r"|(?:<!--.*?-->\s*)+<(?:!doctype|html|head|body))", re.I | re.S)
_HTML_TAG = re.compile(r"<(?:html|head|body|div|p|meta|title|table|article|main|section|span|h[1-6]|ul|ol"
                       r"|li|script|style|link|br|a\s)[\s>/]", re.I)
_MD_SIGNALS = (
    re.compile(r"^#{1,6}[ \t]+\S", re.M),                         # ATX heading
    re.compile(r"\S[ \t]*\n(?:=+|-{2,})[ \t]*$", re.M),                # setext underline
    re.compile(r"!?\[[^\]\n]+\]\([^)\s]+\)"),                     # link or image
    re.compile(r"(\*\*|__)\S[^*\n]*?\S\1"),                      # strong emphasis
    re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M),            # table delimiter row
    re.compile(r"^```", re.M),                                     # fenced code
)
_MARKDOWN_NAMES = (".md", ".markdown", ".mdown", ".mkd")
_HTML_NAMES = (".html", ".htm", ".xhtml")


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _sniff(text: str, content_type: str | None, filename: str | None) -> str:
    head = text[:4096].lstrip("\ufeff")
    mime, name = _mime(content_type), str(filename or "").lower()
    if _HTML_START.match(head):
        return "html"
    tags = len(_HTML_TAG.findall(head))
    if _HTML_TAG.match(head.lstrip()) or (head.lstrip().startswith("<") and tags >= 2):
        return "html"
    if (mime in ("text/html", "application/xhtml+xml") or name.endswith(_HTML_NAMES)) and tags:
        return "html"
    sample = text[:50_000]
    hits = [len(p.findall(sample)) for p in _MD_SIGNALS]
    kinds, count = sum(1 for n in hits if n), sum(hits)
    if mime in ("text/markdown", "text/x-markdown") or name.endswith(_MARKDOWN_NAMES):
        return "markdown"
    if mime == "text/plain" or name.endswith(".txt"):
        return "markdown" if kinds >= 2 and count >= 5 else "text"
    return "markdown" if kinds >= 2 or hits[0] >= 2 or hits[1] >= 1 else "text"


def _head_text(body: bytes) -> str:
    head = body[:8192]
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(codec, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _is_pdf(body: bytes | str) -> bool:
    head = body[:64].lstrip(b"\x00\t\n\r \xef\xbb\xbf" if isinstance(body, bytes) else "\x00\t\n\r \ufeff")
    return head.startswith(b"%PDF-" if isinstance(body, bytes) else "%PDF-")


def detect_format(body: bytes | str, content_type: str | None = None, filename: str | None = None) -> str:
    """"html", "markdown", "text" or "pdf", judged by the content before the name or header."""
    if _is_pdf(body):
        return "pdf"
    text = body if isinstance(body, str) else _head_text(body)
    return _sniff(text, content_type, filename)


def extract(body: bytes | str, content_type: str | None = None, *, filename: str | None = None,
            selector: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """Normalised text of a snapshot (see `normalise` for the contract).

    `selector` (CSS) picks the policy's element on an HTML page; other formats ignore it.
    Raises InputError for empty, binary, oversized or text-less input and for a selector
    that matches nothing.
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
    if _is_pdf(body):
        if isinstance(body, str):
            raise InputError("the input is a PDF read as text; pass the PDF's raw bytes")
        lines = pdf_lines(body)
        fmt = "pdf"
    else:
        text = body if isinstance(body, str) else decode(body, content_type)
        fmt = _sniff(text, content_type, filename)
        if fmt == "html":
            lines = html_lines(text, selector)
        elif fmt == "markdown":
            lines = markdown_lines(text)
        else:
            lines = unwrap([clean_line(line) for line in text.splitlines()])
    out = join_lines(lines)
    if not out:
        raise InputError(f"no text found in the {fmt} input; "
                         "check that it is the policy page (it may need JavaScript or a selector)")
    return out
