"""Which format a body is in: PDF, HTML, Markdown or plain text, judged by content first.

A name or Content-Type only breaks ties: servers send HTML as text/plain, and a .txt file may
well be Markdown.
"""
from __future__ import annotations

import codecs
import re

_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*(?:<!doctype\s+html|<html)"
                         r"|(?:<!--.*?-->\s*)+<(?:!doctype|html|head|body))", re.I | re.S)
_HTML_TAG = re.compile(r"<(?:html|head|body|div|p|meta|title|table|article|main|section|span|h[1-6]|ul|ol"
                       r"|li|script|style|link|br|a\s)[\s>/]", re.I)
_MD_SIGNALS = (
    re.compile(r"^#{1,6}[ \t]+\S", re.M),                         # ATX heading
    re.compile(r"\S[ \t]*\n(?:=+|-{2,})[ \t]*$", re.M),           # setext underline
    re.compile(r"!?\[[^\]\n]+\]\([^)\s]+\)"),                     # link or image
    re.compile(r"(\*\*|__)\S[^*\n]*?\S\1"),                      # strong emphasis
    re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M),            # table delimiter row
    re.compile(r"^```", re.M),                                     # fenced code
)
_MARKDOWN_NAMES = (".md", ".markdown", ".mdown", ".mkd")
_HTML_NAMES = (".html", ".htm", ".xhtml")


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def sniff(text: str, content_type: str | None, filename: str | None) -> str:
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


def is_pdf(body: bytes | str) -> bool:
    head = body[:64].lstrip(b"\x00\t\n\r \xef\xbb\xbf" if isinstance(body, bytes) else "\x00\t\n\r \ufeff")
    return head.startswith(b"%PDF-" if isinstance(body, bytes) else "%PDF-")


def detect_format(body: bytes | str, content_type: str | None = None, filename: str | None = None) -> str:
    """"html", "markdown", "text" or "pdf", judged by the content before the name or header."""
    if is_pdf(body):
        return "pdf"
    text = body if isinstance(body, str) else _head_text(body)
    return sniff(text, content_type, filename)
