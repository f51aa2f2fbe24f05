"""The policy's own date ("Last updated", "Effective"), to catch changes made without a new date."""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from .lexicon import LEXICON
from .text import lower_form

_MARKUP = re.compile(r"[*_#|]+")
_DATE_WORDS = ("updated", "revised", "modified", "amended", "changed", "reviewed", "effective", "version")
_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y", "%Y-%m-%d",
            "%m-%d-%Y", "%m/%d/%Y", "%d.%m.%Y", "%m-%d-%y", "%m/%d/%y")
_NAMED = tuple(f for f in _FORMATS if "%b" in f.lower())        # only these can read a month's name
_NUMERIC = tuple(f for f in _FORMATS if "%b" not in f.lower())   # ... and only these digits alone


@lru_cache(maxsize=256)
def normalise_date(raw: str) -> str:
    """ISO form when the date parses ("23rd May, 2018" -> 2018-05-23), else the text itself."""
    cleaned = " ".join(raw.replace(",", " ").replace(".", " ").split()) if "-" not in raw and "/" not in raw else raw
    for suffix in ("st", "nd", "rd", "th"):
        cleaned = " ".join(w[:-2] if w[:-2].isdigit() and w.endswith(suffix) else w for w in cleaned.split())
    formats = _NUMERIC
    if any(c.isalpha() for c in cleaned):     # a month's name: it leads, or a day number does
        formats = [f for f in _NAMED if f.startswith("%d") == cleaned[:1].isdigit()]
    for fmt in formats:
        try:
            parsed = datetime.strptime(cleaned.title() if "%b" in fmt.lower() else cleaned, fmt)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m" if fmt in ("%B %Y", "%b %Y") else "%Y-%m-%d")
    return raw.strip()


@lru_cache(maxsize=64)
def policy_dates(text: str) -> tuple[str, ...]:
    """Every date the policy gives itself, normalised, in order of appearance."""
    return _dates_in("\n".join(text[a:b] for a, b in _date_lines(text.lower())))


@lru_cache(maxsize=64)
def _dates_in(lines: str) -> tuple[str, ...]:
    """The dates in the policy's date lines; kept, since most new versions leave them as they were."""
    low = lower_form(_MARKUP.sub(" ", lines))
    found: list[tuple[int, str]] = []
    for pattern in LEXICON.policy_date:
        found.extend((m.start(), normalise_date(m.group("date"))) for m in pattern.finditer(low))
    out: list[str] = []
    for _, d in sorted(found):
        if d not in out:
            out.append(d)
    return tuple(out)


def _date_lines(lowered: str) -> list[tuple[int, int]]:
    """The lines with a word that may introduce the policy's date, as (start, end) spans."""
    lines = set()
    for word in _DATE_WORDS:
        at = lowered.find(word)
        while at >= 0:
            end = lowered.find("\n", at)
            end = len(lowered) if end < 0 else end
            lines.add((lowered.rfind("\n", 0, at) + 1, end))
            at = lowered.find(word, end)
    return sorted(lines)
