"""Captures that cannot be compared: a version that is not the whole policy.

Archived pages are not always the policy they claim to be: an empty or error page, a page cut
off early, a landing page that links to the policy, another document (terms of service) at the
policy's address, or the policy with other documents (a cookie panel, an appended state
notice) captured on one date and not on the other. Read as a change, such a pair reports every
clause of the missing text as removed. These checks look at the two texts only; when one holds,
the comparison says so in one finding that is not material, and no clause is read as changed.

A table can be lost the same way (rendered by script, or not saved) while the text around it
stays: `lost_tables` finds those, and the classifier leaves their rows out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Finding
from .dates import policy_dates

POLICY_WORDS = 300       # a version this long is a whole policy, against which the other is judged
MIN_WORDS = 50           # fewer words than the shortest whole privacy notice
MIN_SHARE = 0.2          # a version with less than this share of the other's words is another page
SAME_DATE_SHARE = 0.7    # with the policy's date unchanged, a version this much shorter lost other documents
# A privacy notice keeps naming what it is about: across 1,300 real English policies these
# words make a median 30 of every 1,000, and the few terse policies under 9 stay so from
# version to version. A version under OTHER_DOCUMENT_DENSITY, and under a third of the other
# version's rate, is another document (terms of service, a help page, another language) at the
# policy's address; between consecutive versions of one policy the rate never fell that far.
OTHER_DOCUMENT_DENSITY = 9.0
OTHER_DOCUMENT_RATIO = 0.3
_NOTICE_WORD = re.compile(
    r"\b(?:personal (?:data|information)|privacy|data protection|cookies?|collect(?:s|ed|ion)?"
    r"|process(?:es|ed|ing)? (?:your|personal)|shares?|disclose)\b", re.I)
_WORD = re.compile(r"\w+")
_TABLE_MENTION = re.compile(r"\btables?\b", re.I)
LOOK_BACK = 3            # paragraphs before a table in which the text introduces it
ROW_SPAN = 8             # lines a table row's cells may run over
KEPT_ROWS = 0.1          # a table is lost when the other version keeps no more than this share of its rows


def capture_problem(old_text: str, new_text: str) -> Finding | None:
    """A non-material finding saying why these two texts are not two versions of one whole
    policy, or None when they may be."""
    old, new = _words(old_text), _words(new_text)
    short, long = (old, new) if old <= new else (new, old)
    which = "old" if old <= new else "new"
    if long < POLICY_WORDS:
        return None
    if short < MIN_WORDS:
        why, kind = f"the {which} version has only {short} words: an empty, error or stub capture", "short"
    elif short < MIN_SHARE * long:
        why, kind = (f"the {which} version holds {short / long:.0%} of the other's words: "
                     f"a page cut off early, or another page (a landing or index page), was captured"), "other-page"
    elif short < SAME_DATE_SHARE * long and (dates := policy_dates(old_text)) and dates == policy_dates(new_text):
        why, kind = (f"the {which} version lacks {1 - short / long:.0%} of the other's words while the "
                     f"policy's own date ({' / '.join(dates)}) is unchanged: other documents were captured "
                     f"with the policy on one date only"), "partial"
    elif other := _other_document(old_text, old, new_text, new):
        why, kind = other, "other-page"
    else:
        return None
    return Finding(category="notice", material=False, severity="low", direction="neutral",
                   summary=f"Not compared clause by clause: {why}", rule=f"capture.{kind}")


def _other_document(old_text: str, old_words: int, new_text: str, new_words: int) -> str | None:
    """Why one version reads as another document than the other, or None."""
    old_rate = 1000 * len(_NOTICE_WORD.findall(old_text)) / old_words
    new_rate = 1000 * len(_NOTICE_WORD.findall(new_text)) / new_words
    low, high, which = (old_rate, new_rate, "old") if old_rate <= new_rate else (new_rate, old_rate, "new")
    if low < OTHER_DOCUMENT_DENSITY and low < OTHER_DOCUMENT_RATIO * high:
        return (f"the {which} version uses the words of a privacy notice {low:.0f} times in 1,000 words, "
                f"the other {high:.0f}: another document (terms, a help page, another language) was captured")
    return None


def _words(text: str) -> int:
    """How many words a text has, counted without making them (lower case changes what
    counts as a word only beyond ASCII)."""
    return _WORD.subn("", text if text.isascii() else text.lower())[1]


@dataclass(frozen=True)
class LostTable:
    """A table one capture holds and the other lacks, though both keep the text introducing it:
    the page's table did not render or was not saved, so its rows are not a change."""
    side: str                     # "old" or "new": the version that holds the table
    rows: tuple[str, ...]         # its lines as they stand in that version
    introduced_by: str            # the paragraph both versions share that refers to it

    def finding(self) -> Finding:
        other = "new" if self.side == "old" else "old"
        return Finding(category="notice", material=False, severity="low", direction="neutral",
                       summary=(f"Not read as a change: a table of {len(self.rows)} rows is in the {self.side} "
                                f"capture only, while both versions introduce it (\"{self.introduced_by[:80]}\"): "
                                f"the {other} capture lost it"),
                       evidence_old=self.introduced_by if self.side == "old" else None,
                       evidence_new=self.introduced_by if self.side == "new" else None,
                       rule="capture.table")


def lost_tables(old_text: str, new_text: str) -> list[LostTable]:
    """Tables present in one version only whose introducing paragraph (one of the LOOK_BACK
    paragraphs before it that mentions a table) stands unchanged in both."""
    out = []
    for side, text, other in (("old", old_text, new_text), ("new", new_text, old_text)):
        paragraphs = set(_paragraphs(other))
        for rows, before in _tables(text):
            piped = [row for row in rows if "|" in row]
            if sum(row in paragraphs for row in piped) > KEPT_ROWS * len(piped):
                continue
            intro = next((p for p in reversed(before) if _TABLE_MENTION.search(p)), None)
            if intro is not None and intro in paragraphs:
                out.append(LostTable(side, tuple(rows), intro))
    return out


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _tables(text: str) -> list[tuple[list[str], list[str]]]:
    """Each table of at least three rows, as its lines, with the paragraphs before it. A row is
    a line of cells joined by pipes; a cell that held line breaks continues on the lines after
    it, so lines without pipes up to the next line with one (within ROW_SPAN lines) are the
    table's too."""
    lines = _paragraphs(text)
    rows = [i for i, line in enumerate(lines) if "|" in line]
    out, start = [], None
    for n, i in enumerate(rows):
        start = i if start is None else start
        following = rows[n + 1] if n + 1 < len(rows) else None
        if following is not None and following - i <= ROW_SPAN:
            continue
        block = lines[start:i + 1]
        if sum(line.count("|") >= 2 for line in block) >= 3:
            out.append((block, lines[max(0, start - LOOK_BACK):start]))
        start = None
    return out

