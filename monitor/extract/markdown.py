"""Markdown (written by people, or produced from HTML by markdownify) to contract lines.

Headings (ATX and setext) become "# Title" lines; emphasis and code markers, link targets and
images go; every list item and table row is one line, table cells joined with " | ". List
markers, ordered or not, are dropped: item numbers are presentation, and keeping them would
turn an item inserted at the top of a list into a change on every later item.
"""
from __future__ import annotations

import html
import re

_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
# Punctuation that must not read as Markdown is swapped for plane-15 private-use stand-ins,
# then swapped back once the Markdown is parsed.
HIDE_PUNCTUATION = {ord(c): chr(0xF0000 + ord(c)) for c in _PUNCT}
_SHOW = [(chr(0xF0000 + ord(c)), c) for c in _PUNCT]

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE = re.compile(r"(`+)(.+?)\1")
_BRACKETS = r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
_IMAGE = re.compile(r"!" + _BRACKETS + r"(?:" + _TARGET + r"|\[[^\]]*\])")
_LINK = re.compile(_BRACKETS + r"(?:" + _TARGET + r"|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<(?:mailto:)?([^<>\s]+(?:://|@)[^<>\s]+)>")
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.S)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")

_ATX = re.compile(r"^(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_FENCE = re.compile(r"^(```+|~~~+)")
_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
_QUOTE = re.compile(r"^(?:>\s?)+")
_DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_REFERENCE = re.compile(r"^\[[^\]]+\]:\s*\S+")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def inline(text: str, *, raw_html: bool = True) -> str:
    """Plain text of one Markdown block: markers, link targets and images removed."""
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: m.group(1).translate(HIDE_PUNCTUATION), text)
    if "`" in text:
        text = _CODE.sub(lambda m: m.group(2).strip().translate(HIDE_PUNCTUATION), text)
    if "[" in text:
        text = _IMAGE.sub("", text)
        for _ in range(2):                   # a link inside a link's text
            text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
        if raw_html:
            text = _TAG.sub(" ", text)
    if raw_html and "&" in text:
        text = html.unescape(text)
    if "**" in text or "__" in text:
        for _ in range(2):
            text = _STRONG.sub(r"\2", text)
    if "~~" in text:
        text = _STRIKE.sub(r"\1", text)
    if "*" in text:
        text = _EM_STAR.sub(r"\1", text)
    if "_" in text:
        text = _EM_UNDER.sub(r"\1", text)
    return text


def _is_bold_only(text: str) -> bool:
    """True when every visible character is inside **strong** markers."""
    protected = _ESCAPE.sub("", text)
    protected = _IMAGE.sub("", protected)
    protected = _LINK.sub(r"\1", protected)
    return protected.strip().startswith(("**", "__")) and not _STRONG.sub("", protected).strip()


def _table_row(line: str, raw_html: bool) -> str:
    # Empty cells (layout columns, blank spacers) carry no words: a row is its filled cells.
    cells = (" ".join(inline(c, raw_html=raw_html).split()) for c in _CELL_SPLIT.split(line.strip()))
    return " | ".join(c for c in cells if c)


def markdown_lines(text: str, *, bold_headings: bool = False, raw_html: bool = True) -> list[str]:
    """Blocks of a Markdown text, one per line, headings as '#'-prefixed lines.

    `bold_headings` (for HTML sources) turns a short paragraph that is wholly bold into a
    heading one level below the last real heading. `raw_html` strips inline tags and decodes
    entities (Markdown written by people; markdownify output has neither).
    """
    if raw_html:
        text = re.sub(r"<br\s*/?>", "  \n", text, flags=re.I)
    out: list[str] = []
    block: list[str] = []
    kind = "para"
    last_level = 1
    seen_heading = False

    def flush() -> None:
        nonlocal block
        if not block:
            return
        joined = " ".join(block)
        block = []
        if (bold_headings and kind == "para" and _is_bold_only(joined)):
            title = _show(" ".join(inline(joined, raw_html=raw_html).split()))
            if 0 < len(title) <= 100 and not title.endswith((".", ",", ";")):
                out.append("#" * min(6, last_level + 1 if seen_heading else 2) + " " + title)
                return
        out.append(inline(joined, raw_html=raw_html))

    def heading(level: int, title: str) -> None:
        nonlocal last_level, seen_heading
        title = " ".join(inline(title, raw_html=raw_html).split())
        if title:
            out.append("#" * level + " " + title)
            last_level, seen_heading = level, True

    lines = text.split("\n")
    # Without a single blank line the lines cannot be soft-wrapped paragraphs: each is a block
    # (this is also the shape of extract's own output, which must extract to itself).
    one_per_line = not any(not line.strip() or line[:1].isspace() for line in text.strip().split("\n"))
    fence = None
    in_comment = False
    hard_break = numbered = False
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip("\r")
        i += 1
        line = raw.strip()
        if fence:
            if line.startswith(fence):
                fence = None
            elif line:
                out.append(line)
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if raw_html and line.startswith("<!--") and "-->" not in line:
            flush()
            in_comment = True
            continue
        match = _FENCE.match(line)
        if match:
            flush()
            fence = match.group(1)
            continue
        line = _QUOTE.sub("", line).strip()
        if not line:
            flush()
            hard_break = False
            continue
        if _SETEXT.match(line) and block and not hard_break and (kind == "para" or numbered and len(block) == 1):
            title = " ".join(block)
            block = []
            heading(1 if line[0] == "=" else 2, title)
            continue
        if _RULE.match(line):
            flush()
            continue
        match = _ATX.match(line)
        if match:
            flush()
            heading(len(match.group(1)), match.group(2) or "")
            continue
        if "|" in line and i < len(lines) and _DELIMITER_ROW.match(lines[i].strip()) and "|" in lines[i]:
            flush()
            out.append(_table_row(line, raw_html))
            i += 1
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                out.append(_table_row(lines[i], raw_html))
                i += 1
            continue
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            flush()
            out.append(_table_row(line, raw_html))
            continue
        if _REFERENCE.match(line) and not block:
            continue
        match = _ITEM.match(line)
        if match:
            flush()
            kind = "item"
            numbered = match.group(0)[0].isdigit()      # "5. Data Retention" over "====" is a heading
            line = line[match.end():]
        elif hard_break or not block or one_per_line:
            flush()
            kind = "para"
        hard_break = raw.endswith(("  ", "\\")) and not raw.endswith("\\\\")
        if hard_break and line.endswith("\\"):
            line = line[:-1]
        if line:
            block.append(line)
    flush()
    return _show("\n".join(out)).split("\n") if out else []


def _show(text: str) -> str:
    """Put back the punctuation hidden from the Markdown parser."""
    for stand_in, char in _SHOW:
        if stand_in in text:
            text = text.replace(stand_in, char)
    return text
