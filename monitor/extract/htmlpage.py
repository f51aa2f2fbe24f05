"""HTML to contract lines: pick the policy's own content, drop site chrome, then markdownify.

Explicit rules, applied in this order: a configured CSS selector, else `main`, `[role=main]`
or `article` when it holds most of the page's text, else `body`. Inside it, navigation,
site header/footer, asides, scripts, forms, cookie/consent banners and hidden elements go.
`role=heading` becomes a real heading; an empty `<time>` shows its datetime; layout tables
are unwrapped and data tables become one line per row, cells joined with " | ".
"""
from __future__ import annotations

from collections.abc import Callable

import soupsieve
from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter

from ..errors import InputError
from .htmlrules import (ACCEPT, ALWAYS_DROP, CELL_END, CELLS, CHROME_ROLES, CONSENT_VENDOR, CONSENT_WORD,
                        HEADINGS, HIDDEN_STYLE, MARKDOWN_PUNCTUATION, MAX_DEPTH, SCREEN_READER, SECTIONING,
                        cloudflare_email)
from .markdown import markdown_lines


class _Converter(MarkdownConverter):
    """markdownify with table rows as " | " lines and definition lists as paragraphs.

    Text is escaped by swapping Markdown punctuation for private stand-ins (restored by
    `markdown_lines`), so no character of the page can read as Markdown; a few
    `str.replace` calls are much faster than markdownify's regular expressions.
    """

    def escape(self, text, parent_tags):
        for char, stand_in in MARKDOWN_PUNCTUATION:
            if char in text:
                text = text.replace(char, stand_in)
        return text

    def convert_td(self, el, text, parent_tags):
        return " ".join(text.replace(CELL_END, " ").split()).rstrip(";") + CELL_END

    convert_th = convert_td

    def convert_tr(self, el, text, parent_tags):
        cells = [c.strip() for c in text.split(CELL_END)[:-1] if c.strip()]
        return "\n\n" + " | ".join(cells) + "\n\n" if cells else ""

    def convert_li(self, el, text, parent_tags):
        if "td" in parent_tags or "th" in parent_tags:
            return " " + " ".join(text.split()) + "; "
        return super().convert_li(el, text, parent_tags)

    def convert_dt(self, el, text, parent_tags):
        return self.convert_p(el, text, parent_tags)

    convert_dd = convert_dt


_CONVERTER = _Converter(heading_style=ATX, strip=["a", "img"], bullets="-")


def parse(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")


def _text_len(el: Tag) -> int:
    return len(el.get_text(" ", strip=True))


def _attr_words(el: Tag) -> str:
    classes = el.get("class") or []
    return " ".join([el.get("id") or "", *(classes if isinstance(classes, list) else [classes])])


def _is_consent_banner(el: Tag, page_len: Callable[[], int]) -> bool:
    words = _attr_words(el)
    if not CONSENT_WORD.search(words) and not CONSENT_VENDOR.search(words):
        return False
    if el.find(["h1", "main", "article"]) or el.name in ("main", "article", "body"):
        return False
    size = _text_len(el)
    if size > 0.5 * page_len() and size > 1000:
        return False                      # the page's own content (a cookie policy, say)
    if CONSENT_VENDOR.search(words):
        return True
    controls = el.find_all(["button", "a", "input"], limit=20)
    return size < 1500 and any(ACCEPT.search(c.get_text(" ") or c.get("value", "")) for c in controls)


def _is_hidden(el: Tag) -> bool:
    if el.get("hidden") == "until-found":
        return False                      # collapsed but findable: part of the page
    hidden = (el.has_attr("hidden") or el.get("aria-hidden") == "true"
              or bool(HIDDEN_STYLE.search(el.get("style") or ""))
              or bool(SCREEN_READER.intersection(el.get("class") or ())))
    if not hidden:
        return False
    # A collapsed accordion panel of the policy holds real paragraphs; menus, icons, modals
    # and screen-reader hints do not.
    return not any(len(p.get_text(" ", strip=True)) >= 80 for p in el.find_all(["p", "li"], limit=50))


def _is_chrome(el: Tag, sectioned: bool) -> bool:
    if el.name in ALWAYS_DROP or (el.get("role") or "").lower() in CHROME_ROLES:
        return True
    if (el.get("id") or "").startswith(("wm-ipp", "donato")):
        return True                       # the Wayback Machine's toolbar in a saved capture
    if el.name in ("header", "footer"):
        # Site chrome only outside sectioning content: an article's or a section's own
        # header holds its title and date.
        return not sectioned
    if el.name == "form":
        return _text_len(el) < 2000      # a whole page wrapped in a <form> (ASP.NET) is content
    return False


def _prepare(el: Tag) -> None:
    if el.get("role") == "heading" and el.name not in HEADINGS:
        level = el.get("aria-level", "2")
        el.name = f"h{min(6, max(1, int(level)))}" if str(level).isdigit() else "h2"
    elif el.name == "time" and el.get("datetime") and not el.get_text(strip=True):
        el.string = el["datetime"]
    elif el.get("data-cfemail"):
        el.string = cloudflare_email(el["data-cfemail"]) or el.get_text()


def _clean(roots: list[Tag], *, chosen: bool) -> tuple[dict[str, list[Tag]], list[Tag]]:
    """Drop what is not policy text under `roots` and prepare the rest, in one walk.

    A `chosen` root (a selector's match) is the page's content, so its own header and footer
    stay. Returns the `main`, `[role=main]` and `article` elements met, and the tables.
    """
    measured: list[int] = []

    def page_len() -> int:                # measured once, and only if a banner is suspected
        if not measured:
            measured.append(sum(map(_text_len, roots)))
        return measured[0]

    candidates: dict[str, list[Tag]] = {"main": [], "role": [], "article": []}
    tables: list[Tag] = []
    stack = [(root, 0, chosen) for root in roots]
    while stack:                          # depth-first, never entering a dropped element
        parent, depth, sectioned = stack.pop()
        for child in list(parent.children):
            if not isinstance(child, Tag):
                continue
            if _is_chrome(child, sectioned) or _is_hidden(child) or _is_consent_banner(child, page_len):
                child.decompose()
                continue
            if depth >= MAX_DEPTH:       # markdownify recurses: flatten absurdly deep markup
                text = child.get_text(" ", strip=True)
                child.clear()
                child.string = text
                continue
            _prepare(child)
            role_main = child.get("role") == "main"
            if child.name in ("main", "article") or role_main:
                candidates["role" if role_main else child.name].append(child)
            elif child.name == "table":
                tables.append(child)
            stack.append((child, depth + 1, sectioned or role_main or child.name in SECTIONING))
    return candidates, tables


def _is_layout_table(table: Tag) -> bool:
    if (table.get("role") or "").lower() in ("presentation", "none") or table.find("table"):
        return True
    rows = table.find_all("tr")
    if not rows or all(len(r.find_all(CELLS, recursive=False)) <= 1 for r in rows):
        return True
    return any(c.find(HEADINGS) or _text_len(c) > 1000 for c in table.find_all(CELLS))


def _unwrap_layout_tables(tables: list[Tag]) -> None:
    for table in tables:
        if _is_layout_table(table):
            parts = [p for p in table.find_all(["thead", "tbody", "tfoot", "tr", "td", "th", "caption"])
                     if p.find_parent("table") is table]
            for part in [table, *parts]:
                part.name = "div"


def _select(soup: BeautifulSoup, selector: str, key: str) -> list[Tag]:
    try:
        return soup.select(selector)
    except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError) as exc:
        raise InputError(f"CSS selector {selector!r} is not valid ({str(exc).splitlines()[0]}); "
                         f"fix the company's {key} in config.toml") from None


def _regions(soup: BeautifulSoup, selector: str | None, remove: str | None = None) -> list[Tag]:
    for el in _select(soup, remove, "remove") if remove else ():
        el.decompose()
    if selector:
        found = _select(soup, selector, "selector")
        ids = {id(el) for el in found}
        found = [el for el in found if not any(id(p) in ids for p in el.parents)]
        if not found:
            raise InputError(f"CSS selector {selector!r} matches nothing on the page; fix or remove "
                             "the company's selector in config.toml")
        for root in found:
            _prepare(root)
        _unwrap_layout_tables(_clean(found, chosen=True)[1])
        return found
    body = soup.body or soup
    candidates, tables = _clean([body], chosen=False)
    _unwrap_layout_tables(tables)
    total = _text_len(body)
    for kind in ("main", "role", "article"):
        if candidates[kind]:
            sizes = [(_text_len(el), n) for n, el in enumerate(candidates[kind])]
            size, best = max(sizes)
            if size >= 0.4 * total:
                return [candidates[kind][best]]
    return [body]


def html_lines(text: str, selector: str | None = None, remove: str | None = None, seen=None) -> list[str]:
    """Contract lines (not yet cleaned) of an HTML page's policy content. `seen`
    (problems.Seen) keeps what the problem checks need of the tree, so they do not parse it
    again."""
    soup = parse(text)
    if seen is None:
        return soup_lines(soup, selector, remove)
    seen.parsed(soup, pristine=remove is None)      # `remove` changes the tree before anything can fail
    lines = soup_lines(soup, selector, remove)
    seen.read(lines, whole=selector is None and remove is None)
    return lines


def soup_lines(soup: BeautifulSoup, selector: str | None = None, remove: str | None = None) -> list[str]:
    markdown = [_CONVERTER.process_tag(region, parent_tags=set()) for region in _regions(soup, selector, remove)]
    return markdown_lines("\n\n".join(markdown), bold_headings=True, raw_html=False)
