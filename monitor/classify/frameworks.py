"""Transfer frameworks: which mechanisms a version relies on, and whether it could on that date.

Transfers are a fact about the whole version, not about one section, so each version is read
whole: a framework is "relied on" if some sentence certifies, complies with or relies on it,
"mentioned" if it is only named (or disavowed: "we no longer rely on the Privacy Shield").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .lexicon import LEXICON, Framework
from .text import Sentence

RELIED, MENTIONED = "relied on", "mentioned"
_CLAUSE = re.compile(r"[;,]|(?=\b(?:instead of|rather than|but|however|whereas|while|although)\b)")


@dataclass(frozen=True)
class FrameworkUse:
    framework: Framework
    status: str                 # RELIED or MENTIONED
    sentence: Sentence          # the first sentence that supports the status


def framework_uses(sentences: list[Sentence]) -> dict[str, FrameworkUse]:
    """Each framework the sentences name, by id, with its strongest status."""
    out: dict[str, FrameworkUse] = {}
    for s in sentences:
        for fw, status in _named_in(s):
            prior = out.get(fw.id)
            if prior is None or (prior.status == MENTIONED and status == RELIED):
                out[fw.id] = FrameworkUse(fw, status, s)
    return out


@lru_cache(maxsize=4096)
def _named_in(s: Sentence) -> tuple[tuple[Framework, str], ...]:
    """Each framework one sentence names, clause by clause, with the status the clause gives
    it; kept, since a version's sentences are read for several frameworks."""
    if not LEXICON.names_framework(s.gate) or not LEXICON.framework_hint.search(s.key):
        return ()
    named = [fw for fw in LEXICON.frameworks if fw.may_match(s.gate)]
    relies = bool(LEXICON.reliance.search(s.low))
    return tuple((fw, RELIED if relies and not LEXICON.disavowal.search(clause) else MENTIONED)
                 for clause in _CLAUSE.split(s.low) for fw in named if any(p.search(clause) for p in fw.patterns))


def relied(uses: dict[str, FrameworkUse]) -> dict[str, FrameworkUse]:
    return {k: u for k, u in uses.items() if u.status == RELIED}


def capture_date(captured_at: str | None) -> date | None:
    if not captured_at:
        return None
    try:
        return date.fromisoformat(captured_at[:10])
    except ValueError:
        return None


def out_of_date(fw: Framework, on: date | None) -> str | None:
    """Why relying on `fw` on date `on` is wrong, or None if it is not (or the date is unknown)."""
    if on is None:
        return None
    if fw.invalid_from and on >= fw.invalid_from:
        return f"invalid since {fw.invalid_from.isoformat()}" + (f" ({fw.authority})" if fw.authority else "")
    if fw.valid_from and on < fw.valid_from:
        return f"not available before {fw.valid_from.isoformat()}"
    return None
