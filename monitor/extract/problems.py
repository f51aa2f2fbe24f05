"""Pages that are not a policy: bot challenges, login and cookie walls, soft errors, empty pages.

A fetch that gets one of these must be recorded as a failed fetch with this reason, never as
a new version. Every marker below is only trusted on a page with little text of its own:
protection scripts (Cloudflare, Imperva) are also injected into ordinary pages, and a real
policy is long.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from .budget import OverBudget, check_html
from .encoding import binary_kind, decode
from .formats import detect_format
from .markdown import markdown_lines
from .normalise import join_lines

SHORT = 300   # words; far fewer than any real policy, far more than any challenge or wall

_CHALLENGES = (
    ("Cloudflare", re.compile(r"<title>\s*just a moment\.\.\.|cf-chl|cf_chl_opt|challenges\.cloudflare\.com"
                              r"|attention required! \| cloudflare|cf-browser-verification|cf-error-details"
                              r"|checking (?:if the site connection is secure|your browser before accessing)")),
    ("Imperva/Incapsula", re.compile(r"_incapsula_resource|incapsula incident id")),
    ("DataDome", re.compile(r"captcha-delivery\.com|datadome")),
    ("PerimeterX", re.compile(r"px-captcha|_pxappid|perimeterx|press &amp; hold|press & hold")),
    ("Akamai", re.compile(r"errors\.edgesuite\.net|akamai.{0,40}reference #")),
    ("AWS WAF", re.compile(r"awswaf|aws-waf-token")),
    ("Sucuri", re.compile(r"sucuri website firewall|sucuri_cloudproxy")),
    ("CAPTCHA", re.compile(r"verify (?:that )?you are (?:a )?human|are you a robot|unusual traffic from your"
                           r"|g-recaptcha|h-captcha|cf-turnstile")),
)
_LOGIN = re.compile(r"\b(?:sign|log)[ -]?in\b|\blogin\b|\b(?:must|need to) be (?:logged|signed) in\b", re.I)
_COOKIE_WALL = re.compile(r"onetrust|cookiebot|didomi|usercentrics|quantcast|trustarc|consent\.(?:google|yahoo)"
                          r"|guce\.|cookie-?wall|cookie-?consent|before you continue|accept (?:all )?cookies"
                          r"|cookies? (?:settings|preferences)|we use cookies", re.I)
_SOFT_ERROR = re.compile(r"\b(?:404|page not found|not found|page (?:does not|doesn't|could not|cannot|can't)"
                         r" (?:exist|be found)|no longer (?:exists|available)|500 internal server error"
                         r"|internal server error|service (?:temporarily )?unavailable|bad gateway|gateway timeout)\b",
                         re.I)
_NEEDS_JS = re.compile(r"\b(?:enable javascript|javascript is (?:required|disabled)|loading\.\.\.|please wait)", re.I)


_PASSWORD = re.compile("^password$", re.I)


@dataclass(frozen=True)
class _Facts:
    """What the checks read of an HTML page as parsed, before extraction drops its chrome."""
    heads: str                  # the title and first h1/h2 headings
    password: bool              # a password field
    page_words: int             # words of the whole body


def _facts(soup) -> _Facts:
    parts = [soup.title.get_text(" ", strip=True) if soup.title else ""]
    parts += [h.get_text(" ", strip=True) for h in soup.find_all(["h1", "h2"], limit=3)]
    return _Facts(" | ".join(parts), soup.find("input", attrs={"type": _PASSWORD}) is not None,
                  len((soup.body or soup).get_text(" ").split()))


@dataclass
class Seen:
    """What extraction read of a page on its way (extract.read_page), so that the checks read
    the same decoded text and the same parsed tree instead of parsing the page again."""
    text: str | None = None             # the body decoded
    facts: _Facts | None = None         # of the parsed HTML page
    soup: object = None                 # the parsed page, while nothing has changed it
    lines: list[str] | None = None      # its content lines as read without a selector or removal
    pdf_read: bool = False
    pdf_error: str | None = None        # why the PDF reader refused the body

    def parsed(self, soup, *, pristine: bool) -> None:
        """Called by the HTML reader once the page is parsed, before it is cleaned; the tree is
        kept for the checks while extraction cannot have changed it (`pristine`) yet."""
        self.facts, self.soup = _facts(soup), soup if pristine else None

    def read(self, lines: list[str], *, whole: bool) -> None:
        """Called once the page's content lines are read (which changed the tree): they are the
        content the checks read when extraction read the `whole` page (no selector, nothing removed)."""
        self.soup = None
        if whole:
            self.lines = lines


def _html_facts(text: str, seen: Seen | None) -> tuple[_Facts, list[str]]:
    """The page's facts and content lines: those extraction read when it has, else from a parse."""
    if seen is not None and seen.facts is not None and (seen.lines is not None or seen.soup is not None):
        from .htmlpage import soup_lines
        return seen.facts, seen.lines if seen.lines is not None else soup_lines(seen.soup)
    from .lxmlpage import read                  # a page read with a selector or removal: its whole content is not known
    page = read(text)
    if page is not None:
        return page
    from .htmlpage import parse, soup_lines
    soup = parse(text)
    return _facts(soup), soup_lines(soup)


def page_problem(body: bytes | str, content_type: str | None = None, http_status: int | None = None, *,
                 seen: Seen | None = None) -> str | None:
    """A short reason why a fetched page is not a policy, or None when it may be one. `seen`:
    what extraction already read of this body (read_page)."""
    if isinstance(body, str):
        body = body.encode("utf-8", errors="ignore")
    if http_status is not None and http_status >= 400 and not body.strip():
        return f"HTTP {http_status} error"
    if not body.strip():
        return "empty page"
    fmt = detect_format(body, content_type)
    if fmt == "pdf":
        from .pdf import pdf_lines
        try:
            pdf_lines(body)
        except InputError as exc:
            return f"unusable PDF: {exc}"
        return None if http_status is None or http_status < 400 else f"HTTP {http_status} error"
    kind = binary_kind(body)
    if kind:
        return f"binary content ({kind}), not a policy page"
    try:
        text = seen.text if seen is not None and seen.text is not None else decode(body, content_type)
    except InputError:
        return "binary content, not a policy page"
    raw = text.lower()
    heads, password, page_words = "", False, 0
    if fmt == "html":
        try:
            if seen is None or seen.facts is None:     # else extraction has scanned this text
                check_html(text)
        except OverBudget as exc:
            return str(exc)
        facts, lines = _html_facts(text, seen)
        heads, password, page_words = facts.heads, facts.password, facts.page_words
        content = join_lines(lines)
    elif fmt == "markdown":
        content = join_lines(markdown_lines(text))
    else:
        content = join_lines(text.splitlines())
    words = len(content.split())
    if words < SHORT:
        for name, marker in _CHALLENGES:
            if marker.search(raw):
                return f"bot challenge ({name})"
    if http_status is not None and http_status >= 400:
        return f"HTTP {http_status} error"
    first_lines = " | ".join(content.splitlines()[:3])
    if words < SHORT and (password or _LOGIN.search(heads)):
        return "login wall"
    # A wall's own text (dropped from the content as a consent banner) outweighs what is left.
    if words < 100 and page_words - words > words and _COOKIE_WALL.search(raw):
        return "cookie wall"
    error = _SOFT_ERROR.search(heads) or _SOFT_ERROR.search(first_lines) if words < SHORT else None
    if error:
        return f"soft error page ({error.group(0).lower()})"
    if words < 50 and _NEEDS_JS.search(content or raw):
        return "page needs JavaScript (no text without it)"
    if not words:
        return "empty page"
    return None
