"""What both HTML readers (`lxmlpage`, `htmlpage`) treat as site chrome, and how they write text.

One set of rules, so that the fast lxml reader and the Beautiful Soup reader it stands in for
cannot drift apart: elements that are never policy text, the words that mark a consent banner
or a hidden element, and the private stand-ins that keep a page's punctuation from reading as
Markdown.
"""
from __future__ import annotations

import re

from .markdown import HIDE_PUNCTUATION

ALWAYS_DROP = {"script", "style", "noscript", "template", "nav", "aside", "iframe", "svg",
               "canvas", "object", "embed", "video", "audio", "picture", "map", "dialog",
               "button", "input", "select", "textarea", "option", "head", "link", "meta"}
CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog",
                "alertdialog", "menu", "menubar"}
CONSENT_VENDOR = re.compile(
    r"onetrust|ot-sdk|optanon|cookiebot|cookie-?law|cookie-?consent|cookie-?banner|cookie-?notice"
    r"|cookie-?bar|cookie-?popup|cookie-?modal|cookie-?wall|cookie-?overlay|consent-?banner"
    r"|consent-?manager|consent-?modal|gdpr-?banner|gdpr-?consent|truste|trustarc|usercentrics"
    r"|didomi|qc-cmp|osano|termly|iubenda|cmp-?banner|cmp-?container|cc-window|cc-banner|cky-consent"
    r"|cmplz|borlabs|klaro|tarteaucitron|sp_message|fc-consent", re.I)
CONSENT_WORD = re.compile(r"cookie|consent|gdpr", re.I)
ACCEPT = re.compile(r"\b(accept|agree|allow|reject|decline|got it|ok|okay|understand|dismiss"
                    r"|manage (?:cookies|preferences|settings)|cookie settings)\b", re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
SCREEN_READER = {"sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
                 "screenreader-only", "a11y-hidden"}
CELLS = ("td", "th")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SECTIONING = {"article", "section", "main"}
CELL_END = "\x1f"
MAX_DEPTH = 150                    # deeper markup is flattened to its text
MARKDOWN_PUNCTUATION = [(c, HIDE_PUNCTUATION[ord(c)]) for c in "\\`*_[]<>#|~=+!-.)"]


def cloudflare_email(hexed: str) -> str | None:
    """The address behind Cloudflare's "[email protected]" (XOR with the first byte), so a
    changed contact address shows as a change."""
    try:
        data = bytes.fromhex(hexed)
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8") if len(data) > 1 else None
    except (ValueError, UnicodeDecodeError):
        return None
