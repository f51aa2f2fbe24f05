"""Captures that cannot be compared: a version that is not the whole policy.

Archived pages are not always the policy they claim to be: an empty or error page, a page cut
off early, a landing page that links to the policy, or the policy with other documents
(a cookie panel, an appended state notice) captured on one date and not on the other. Read
as a change, such a pair reports every clause of the missing text as removed. These checks
look at the two texts only; when one holds, the comparison says so in one finding that is not
material, and no clause is read as changed.
"""
from __future__ import annotations

import re

from ..model import Finding
from .dates import policy_dates

POLICY_WORDS = 300       # a version this long is a whole policy, against which the other is judged
MIN_WORDS = 50           # fewer words than the shortest whole privacy notice
MIN_SHARE = 0.2          # a version with less than this share of the other's words is another page
SAME_DATE_SHARE = 0.7    # with the policy's date unchanged, a version this much shorter lost other documents
_WORD = re.compile(r"\w+")


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
    else:
        return None
    return Finding(category="notice", material=False, severity="low", direction="neutral",
                   summary=f"Not compared clause by clause: {why}", rule=f"capture.{kind}")


def _words(text: str) -> int:
    """How many words a text has, counted without making them (lower case changes what
    counts as a word only beyond ASCII)."""
    return _WORD.subn("", text if text.isascii() else text.lower())[1]
