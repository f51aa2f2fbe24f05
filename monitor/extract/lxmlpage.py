"""HTML to contract lines on lxml alone: the rules of `htmlpage`, in about a quarter of the time.

Beautiful Soup builds its tree from lxml's parse and markdownify walks that tree in Python; a
9 KiB page costs about 4 ms that way, most of a Wayback backfill's time. This module reads
lxml's own tree with the same rules (`htmlrules`: the choice of content and chrome;
markdownify's whitespace and block handling as `htmlpage._Converter` configures it) and gives
the same lines, byte for byte: tests/test_lxmlpage.py runs both readers over every HTML page
the tests and benchmarks use and thousands of generated ones.

It reads a page whole (no configured selector or removal, which are soupsieve CSS) and
gives up (returns None) on markup it does not mirror: `<pre>` (markdownify keeps its
newlines), `<template>`, `<rt>` and `<rp>` (whose strings Beautiful Soup does not count as
text but markdownify writes), processing instructions, markup nested deeper than `htmlpage`
flattens, a whitespace or control-character string set by the rules, a page without a body,
and tag names markdownify reads as headings past h6 or cannot convert (`soup`). `htmlpage`
reads those pages instead.

Beautiful Soup's tree differs from lxml's in ways the rules can see, mirrored here: a
string made only of ASCII whitespace is one space or newline; strings inside script and
style are not text; a removed element's neighbouring strings stay two strings (a dropped
element stays in the tree as an empty placeholder, to keep them apart).
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from itertools import islice

from lxml import etree

from . import htmlrules as rules
from .markdown import markdown_lines
from .normalise import REMEMBER_CHARS

_DROPPED = "Dropped"            # the placeholder's tag: the parser lowercases every real one
_NOT_TEXT = frozenset({"script", "style"})        # their strings are code, not text
_UNSUPPORTED = frozenset({"pre", "template", "rt", "rp", "soup"})
_ASCII_SPACE = " \n\t\x0c\r"
_BLOCK = frozenset({"p", "blockquote", "article", "div", "section", "ol", "ul", "li", "dl", "dt", "dd",
                    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
_ODD_HEADING = re.compile(r"h\d")   # markdownify reads any name starting so as a heading
_NEWLINES = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_SPACES = re.compile(r"[\t ]+")
_ALL_SPACE = re.compile(r"[\t \r\n]+")
_LINE = re.compile(r"^(.*)", flags=re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_INLINE_MARKS = {"b": "**", "strong": "**", "em": "*", "i": "*", "del": "~~", "s": "~~", "sub": "", "sup": ""}
_CODE = frozenset({"code", "kbd", "samp"})


class _Unsupported(Exception):
    """Markup this reader does not mirror: htmlpage reads the page."""


def parse(text: str):
    """lxml's tree of a page, parsed as Beautiful Soup has lxml parse it (fed whole)."""
    parser = etree.HTMLParser(recover=True)
    parser.feed(text)
    return parser.close()


def read(text: str):
    """(facts for the problem checks, content lines) of a page read whole, or None when the
    page needs `htmlpage`."""
    root = parse(text)
    if root is None:
        return None
    body = next(root.iter("body"), None)
    if body is None or not _supported(root):
        return None
    heads, password = _heads(root)                  # read before cleaning changes the tree
    try:
        words, lines = _remembered(body)
    except _Unsupported:
        return None
    from .problems import _Facts
    return _Facts(heads, password, words), lines


def _supported(root) -> bool:
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            if tag is etree.ProcessingInstruction:
                return False
        elif tag in _UNSUPPORTED or (_ODD_HEADING.match(tag) and tag not in rules.HEADINGS):
            return False
    return True


# Text, as Beautiful Soup's get_text reads it ------------------------------------------------

def _strings(el):
    """The strings under `el` that Beautiful Soup counts as text, in document order."""
    if el.text is not None and el.tag not in _NOT_TEXT:
        yield el.text
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _NOT_TEXT and tag != _DROPPED:
            yield from _strings(child)
        if child.tail is not None:
            yield child.tail


def _text(el, separator: str = "") -> str:
    return separator.join(_strings(el))


def _stripped(el) -> str:
    return " ".join(s for s in (s.strip() for s in _strings(el)) if s)


def _heads(root) -> tuple[str, bool]:
    """The problem checks' title and first headings, and whether the page has a password field."""
    from .problems import _PASSWORD
    title = next(root.iter("title"), None)
    parts = [_stripped(title) if title is not None else ""]
    parts += [_stripped(h) for h in islice(root.iter("h1", "h2"), 3)]
    password = any(_PASSWORD.search(i.get("type")) for i in root.iter("input") if i.get("type") is not None)
    return " | ".join(parts), password


# Choosing and cleaning the content, as htmlpage does -----------------------------------------

def _drop(el) -> None:
    """Beautiful Soup's decompose(), keeping the strings on either side apart."""
    del el[:]
    el.text = None
    el.attrib.clear()
    el.tag = _DROPPED


def _set_string(el, value: str) -> None:
    """Beautiful Soup's `el.string = value`, whose string it keeps as given."""
    if not value.strip(_ASCII_SPACE):
        raise _Unsupported("a string of whitespace set in the tree is not collapsed")
    try:
        el.text = value
    except ValueError:
        raise _Unsupported("lxml keeps no control characters in a string") from None
    del el[:]


def _classes(el) -> list[str]:
    return re.findall(r"\S+", el.get("class") or "")


def _is_consent_banner(el, page_len) -> bool:
    words = " ".join([el.get("id") or "", *_classes(el)])
    if not rules.CONSENT_WORD.search(words) and not rules.CONSENT_VENDOR.search(words):
        return False
    if next(el.iterdescendants("h1", "main", "article"), None) is not None or el.tag in ("main", "article", "body"):
        return False
    size = len(_stripped(el))
    if size > 0.5 * page_len() and size > 1000:
        return False
    if rules.CONSENT_VENDOR.search(words):
        return True
    controls = islice(el.iterdescendants("button", "a", "input"), 20)
    return size < 1500 and any(rules.ACCEPT.search(_text(c, " ") or c.get("value", "")) for c in controls)


def _is_hidden(el) -> bool:
    if el.get("hidden") == "until-found":
        return False
    hidden = ("hidden" in el.attrib or el.get("aria-hidden") == "true"
              or bool(rules.HIDDEN_STYLE.search(el.get("style") or ""))
              or bool(rules.SCREEN_READER.intersection(_classes(el))))
    if not hidden:
        return False
    return not any(len(_stripped(p)) >= 80 for p in islice(el.iterdescendants("p", "li"), 50))


def _is_chrome(el, sectioned: bool) -> bool:
    if el.tag in rules.ALWAYS_DROP or (el.get("role") or "").lower() in rules.CHROME_ROLES:
        return True
    if (el.get("id") or "").startswith(("wm-ipp", "donato")):
        return True
    if el.tag in ("header", "footer"):
        return not sectioned
    if el.tag == "form":
        return len(_stripped(el)) < 2000
    return False


def _prepare(el) -> None:
    if el.get("role") == "heading" and el.tag not in rules.HEADINGS:
        level = el.get("aria-level", "2")
        el.tag = f"h{min(6, max(1, int(level)))}" if str(level).isdigit() else "h2"
    elif el.tag == "time" and el.get("datetime") and not _text(el).strip():
        _set_string(el, el.get("datetime"))
    elif el.get("data-cfemail"):
        _set_string(el, rules.cloudflare_email(el.get("data-cfemail")) or _text(el))


def _clean(body):
    """htmlpage._clean over lxml's tree, in the same order (a banner's test reads the page as
    cleaned so far)."""
    measured: list[int] = []

    def page_len() -> int:
        if not measured:
            measured.append(len(_stripped(body)))
        return measured[0]

    candidates = {"main": [], "role": [], "article": []}
    tables = []
    stack = [(body, 0, False)]
    while stack:
        parent, depth, sectioned = stack.pop()
        for child in list(parent):
            if not isinstance(child.tag, str):
                continue
            if _is_chrome(child, sectioned) or _is_hidden(child) or _is_consent_banner(child, page_len):
                _drop(child)
                continue
            if depth >= rules.MAX_DEPTH:
                raise _Unsupported("markup nested deeper than htmlpage flattens")
            _prepare(child)
            role_main = child.get("role") == "main"
            if child.tag in ("main", "article") or role_main:
                candidates["role" if role_main else child.tag].append(child)
            elif child.tag == "table":
                tables.append(child)
            stack.append((child, depth + 1, sectioned or role_main or child.tag in rules.SECTIONING))
    return candidates, tables


def _is_layout_table(table) -> bool:
    if (table.get("role") or "").lower() in ("presentation", "none") or \
            next(table.iterdescendants("table"), None) is not None:
        return True
    rows = list(table.iterdescendants("tr"))
    if not rows or all(sum(1 for _ in r.iterchildren(*rules.CELLS)) <= 1 for r in rows):
        return True
    return any(next(c.iterdescendants(*rules.HEADINGS), None) is not None or len(_stripped(c)) > 1000
               for c in table.iterdescendants(*rules.CELLS))


def _unwrap_layout_tables(tables) -> None:
    for table in tables:
        if _is_layout_table(table):
            parts = [p for p in table.iterdescendants("thead", "tbody", "tfoot", "tr", "td", "th", "caption")
                     if next(p.iterancestors("table"), None) is table]
            for part in [table, *parts]:
                part.tag = "div"


def _region(body):
    candidates, tables = _clean(body)
    _unwrap_layout_tables(tables)
    total = len(_stripped(body))
    for kind in ("main", "role", "article"):
        if candidates[kind]:
            size, best = max((len(_stripped(el)), n) for n, el in enumerate(candidates[kind]))
            if size >= 0.4 * total:
                return candidates[kind][best]
    return body


def _lines(body) -> list[str]:
    return markdown_lines(_Markdown().tag(_region(body), frozenset()), bold_headings=True, raw_html=False)


_RECENT: OrderedDict[bytes, tuple[int, list[str]]] = OrderedDict()    # sha256 of a body's markup → what it reads to
_RECENT_SIZE = 4
_recent_lock = threading.Lock()


def _remembered(body) -> tuple[int, list[str]]:
    """The body's words (for the problem checks) and content lines, remembered for the last few
    bodies read (up to REMEMBER_CHARS of markup). Both depend on the body's subtree alone, and
    its serialisation is that subtree exactly, so captures that differ only outside the body
    (build stamps, scripts in the head) are read once."""
    markup = etree.tostring(body, with_tail=False)
    key = hashlib.sha256(markup).digest() if len(markup) <= REMEMBER_CHARS else None
    with _recent_lock:
        known = _RECENT.get(key)
        if known is not None:
            _RECENT.move_to_end(key)
            return known[0], list(known[1])
    words, lines = len(_text(body, " ").split()), _lines(body)     # words before cleaning changes the tree
    if key is not None:
        with _recent_lock:
            _RECENT[key] = words, lines
            if len(_RECENT) > _RECENT_SIZE:
                _RECENT.popitem(last=False)
    return words, list(lines)


# markdownify, as htmlpage._Converter configures it -------------------------------------------

def _string(text: str) -> str:
    """A string as Beautiful Soup keeps it: one made only of ASCII spaces becomes one."""
    if text.strip(_ASCII_SPACE):
        return text
    return "\n" if "\n" in text else " "


def _name(node) -> str | None:
    """An element's name for markdownify's whitespace rules; None for strings and comments."""
    if node is None or isinstance(node, str) or not isinstance(node.tag, str):
        return None
    return node.tag


def _is_block(node) -> bool:
    return _name(node) in _BLOCK


def _next_content(el):
    """The next sibling that is an element or a string with more than whitespace."""
    if el.tail is not None and el.tail.strip():
        return el.tail
    for sibling in el.itersiblings():
        if isinstance(sibling.tag, str) and sibling.tag != _DROPPED:
            return sibling
        if sibling.tail is not None and sibling.tail.strip():
            return sibling.tail
    return None


class _Markdown:
    """markdownify's process_tag and the conversions htmlpage's converter uses."""

    def tag(self, node, context: frozenset) -> str:
        name = node.tag
        inside = name in _BLOCK
        children = self._children(node)
        below = context | {name}
        if name in rules.HEADINGS or name in rules.CELLS:
            below |= {"_inline"}
        if name in _CODE:
            below |= {"_noformat"}
        strings = []
        last = len(children) - 1
        for i, child in enumerate(children):
            if isinstance(child, str):
                before = children[i - 1] if i else None
                after = children[i + 1] if i < last else None
                if not child.strip() and ((inside and (before is None or after is None))
                                          or _is_block(before) or _is_block(after)):
                    continue
                out = self.text(child, below, before, after, inside)
            elif isinstance(child.tag, str):
                out = self.tag(child, below)
            else:
                continue                                   # a comment
            if out:
                strings.append(out)
        pieces = [""]
        for piece in strings:
            content = piece.strip("\n")
            leading = piece[:len(piece) - len(piece.lstrip("\n"))]
            trailing = piece[len(piece.rstrip("\n")):] if content else ""
            if pieces[-1] and leading:
                leading = "\n" * min(2, max(len(pieces.pop()), len(leading)))
            pieces += [leading, content, trailing]
        text = "".join(pieces)
        convert = _CONVERT.get(name)
        return convert(self, node, text, context) if convert else text

    @staticmethod
    def _children(node) -> list:
        """Beautiful Soup's children: strings (as it keeps them), elements and comments."""
        out = [] if node.text is None else [_string(node.text)]
        for child in node:
            if child.tag != _DROPPED:
                out.append(child)
            if child.tail is not None:
                out.append(_string(child.tail))
        return out

    @staticmethod
    def text(text: str, context, before, after, inside: bool) -> str:
        if "\n" in text or "\r" in text:
            text = _NEWLINES.sub("\n", text)
        if "\t" in text or "  " in text:
            text = _SPACES.sub(" ", text)
        if "_noformat" not in context:
            for char, stand_in in rules.MARKDOWN_PUNCTUATION:
                if char in text:
                    text = text.replace(char, stand_in)
        if _is_block(before) or (inside and before is None):
            text = text.lstrip(" \t\r\n")
        if _is_block(after) or (inside and after is None):
            text = text.rstrip()
        return text

    def inline(self, el, text, context):
        if "_noformat" in context:
            return text
        mark = _INLINE_MARKS[el.tag]
        prefix, suffix, text = _chomp(text)
        return f"{prefix}{mark}{text}{mark}{suffix}" if text else ""

    def code(self, el, text, context):
        if "_noformat" in context:
            return text
        prefix, suffix, text = _chomp(text)
        if not text:
            return ""
        ticks = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
        if ticks:
            text = f" {text} "
        return f"{prefix}{'`' * (ticks + 1)}{text}{'`' * (ticks + 1)}{suffix}"

    def blockquote(self, el, text, context):
        text = (text or "").strip(" \t\r\n")
        if "_inline" in context:
            return " " + text + " "
        if not text:
            return "\n"
        return "\n" + _LINE.sub(lambda m: "> " + m.group(1) if m.group(1) else ">", text) + "\n\n"

    def br(self, el, text, context):
        if "_inline" in context:
            return text + " " if text else " "
        return "  \n" + text

    def div(self, el, text, context):
        if "_inline" in context:
            return " " + text.strip() + " "
        text = text.strip()
        return f"\n\n{text}\n\n" if text else ""

    def paragraph(self, el, text, context):
        if "_inline" in context:
            return " " + text.strip(" \t\r\n") + " "
        text = text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""

    def heading(self, el, text, context):
        if "_inline" in context:
            return text
        return f"\n\n{'#' * int(el.tag[1])} {_ALL_SPACE.sub(' ', text.strip())}\n\n"

    def rule(self, el, text, context):
        return "\n\n---\n\n"

    def listing(self, el, text, context):
        following = _next_content(el)
        before_paragraph = following is not None and _name(following) not in ("ul", "ol")
        if "li" in context:
            return "\n" + text.rstrip()
        return "\n\n" + text + ("\n" if before_paragraph else "")

    def item(self, el, text, context):
        if "td" in context or "th" in context:
            return " " + " ".join(text.split()) + "; "
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.getparent()
        if parent is not None and parent.tag == "ol":
            start = parent.get("start")
            first = int(start) if start and str(start).isnumeric() else 1
            bullet = f"{first + sum(1 for _ in el.itersiblings('li', preceding=True))}. "
        else:
            bullet = "- "
        indent = " " * len(bullet)
        text = _LINE.sub(lambda m: indent + m.group(1) if m.group(1) else "", text)
        return bullet + text[len(bullet):] + "\n"

    def quote(self, el, text, context):
        return '"' + text + '"'

    def table(self, el, text, context):
        return "\n\n" + text.strip() + "\n\n"

    def caption(self, el, text, context):
        return text.strip() + "\n\n"

    def figcaption(self, el, text, context):
        return "\n\n" + text.strip() + "\n\n"

    def cell(self, el, text, context):
        return " ".join(text.replace(rules.CELL_END, " ").split()).rstrip(";") + rules.CELL_END

    def row(self, el, text, context):
        cells = [c.strip() for c in text.split(rules.CELL_END)[:-1] if c.strip()]
        return "\n\n" + " | ".join(cells) + "\n\n" if cells else ""

    def nothing(self, el, text, context):
        return ""


def _chomp(text: str) -> tuple[str, str, str]:
    return (" " if text and text[0] == " " else "", " " if text and text[-1] == " " else "", text.strip())


_CONVERT = {
    **dict.fromkeys(_INLINE_MARKS, _Markdown.inline), **dict.fromkeys(_CODE, _Markdown.code),
    **dict.fromkeys(("div", "article", "section", "dl"), _Markdown.div),
    **dict.fromkeys(("p", "dt", "dd"), _Markdown.paragraph), **dict.fromkeys(rules.HEADINGS, _Markdown.heading),
    **dict.fromkeys(("ul", "ol", "list"), _Markdown.listing), **dict.fromkeys(rules.CELLS, _Markdown.cell),
    **dict.fromkeys(("script", "style"), _Markdown.nothing),
    "blockquote": _Markdown.blockquote, "br": _Markdown.br, "hr": _Markdown.rule, "li": _Markdown.item,
    "q": _Markdown.quote, "table": _Markdown.table, "caption": _Markdown.caption,
    "figcaption": _Markdown.figcaption, "tr": _Markdown.row,
}
# markdownify also converts these, to nothing htmlpage keeps: links and images are stripped,
# video is dropped as chrome, pre and soup (which markdownify cannot convert) are left to htmlpage.
NOT_CONVERTED = frozenset({"a", "img", "video", "pre", "soup"})
CONVERTED = frozenset(_CONVERT)
