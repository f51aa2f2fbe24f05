"""Pages that are not a policy: bot challenges, login and cookie walls, soft errors, empty pages.

A fetch that gets one of these must be recorded as a failed fetch with this reason, never as
a new version. Every marker below is only trusted on a page with little text of its own:
protection scripts (Cloudflare, Imperva) are also injected into ordinary pages, and a real
policy is long.
"""
from __future__ import annotations

import re

from ..errors import InputError
from .budget import OverBudget, check_html
from .encoding import binary_kind, decode
from .formats import detect_format
from .htmlpage import parse, soup_lines
from .markdown import markdown_lines
from .normalise import join_lines
from .pdf import pdf_lines

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


def _heads(soup) -> str:
    parts = [soup.title.get_text(" ", strip=True) if soup.title else ""]
    parts += [h.get_text(" ", strip=True) for h in soup.find_all(["h1", "h2"], limit=3)]
    return " | ".join(parts)


def page_problem(body: bytes | str, content_type: str | None = None, http_status: int | None = None) -> str | None:
    """A short reason why a fetched page is not a policy, or None when it may be one."""
    if isinstance(body, str):
        body = body.encode("utf-8", errors="ignore")
    if http_status is not None and http_status >= 400 and not body.strip():
        return f"HTTP {http_status} error"
    if not body.strip():
        return "empty page"
    fmt = detect_format(body, content_type)
    if fmt == "pdf":
        try:
            pdf_lines(body)
        except InputError as exc:
            return f"unusable PDF: {exc}"
        return None if http_status is None or http_status < 400 else f"HTTP {http_status} error"
    kind = binary_kind(body)
    if kind:
        return f"binary content ({kind}), not a policy page"
    try:
        text = decode(body, content_type)
    except InputError:
        return "binary content, not a policy page"
    raw = text.lower()
    heads, password, page_words = "", False, 0
    if fmt == "html":
        try:
            check_html(text)
        except OverBudget as exc:
            return str(exc)
        soup = parse(text)
        heads = _heads(soup)
        password = soup.find("input", attrs={"type": re.compile("^password$", re.I)}) is not None
        page_words = len((soup.body or soup).get_text(" ").split())
        content = join_lines(soup_lines(soup))
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
