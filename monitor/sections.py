"""Split a version's normalised text into sections.

Headings the extractor knew from markup arrive as ATX lines ("## Title") and are
trusted. Plain-text policies only have bare lines that look like headings; a line is
a candidate when it is short, does not end like a sentence, and is numbered
("3.1 XM Fax", "A. USER CHOICE", "2) Scope"), ALL CAPS, or Title Case. Numbered and
ALL CAPS headings are strong evidence: when a policy has a few of them, its Title
Case lines are contact blocks and list items, not headings, and are left in the body.
A run of headings with no text between them whose titles reappear later is a table
of contents and stays in the body too.
"""
from __future__ import annotations

import re

from monitor.model import Section

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_NUMBERED = re.compile(
    r"^(?:(?P<dotted>\d{1,3}(?:\.\d{1,3})+)\.?|(?P<num>\d{1,3})[.)]|(?P<letter>[A-Za-z])[.)]"
    r"|(?P<roman>[IVXivx]{1,5})[.)])\s+(?P<rest>\S.*)$")
_SENTENCE_END = (".", ";", ",", "!")        # not "?": "What Are Cookies?" is a heading
_KEY_VALUE = re.compile(r":\s*\S")          # "Effective Date: May 1" is a field, not a heading
_WORDS = re.compile(r"\S+")
_TITLE_KEY = re.compile(r"\w+")

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 120
MAX_TITLE_CASE_WORDS = 10
MIN_STRONG_HEADINGS = 3     # this many numbered/CAPS headings make a policy's style "strong"
MIN_TOC_RUN = 3
_ROMAN = {"i": 1, "v": 5, "x": 10}

# Small words that Title Case leaves in lower case ("Changes to this Privacy Policy").
_MINOR_WORDS = frozenset("""
a an and are as at be by for from how in into is it its not of on or our than that the
their this to under us via we what when where which who why with you your
""".split())


def split_sections(text: str) -> list[Section]:
    """Sections in reading order; text before the first heading is a section titled ''."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    headings = _atx_headings(lines)
    if len(headings) <= 2:      # markup gave a title at most: bare headings may still structure the rest
        bare = _bare_headings(lines, strong_only=bool(headings))
        if not headings or len(bare) >= MIN_STRONG_HEADINGS:
            headings.update(bare)

    sections: list[Section] = []
    title, level, body = "", 1, []
    for i, line in enumerate(lines):
        if i in headings:
            if title or body:
                sections.append(Section(title, "\n".join(body), level))
            title, level = headings[i]
            body = []
        else:
            body.append(line)
    if title or body:
        sections.append(Section(title, "\n".join(body), level))
    return sections


def _atx_headings(lines: list[str]) -> dict[int, tuple[str, int]]:
    out = {}
    for i, line in enumerate(lines):
        m = _ATX.match(line)
        if m and m.group(2).strip():
            out[i] = (m.group(2).strip(), len(m.group(1)))
    return out


def _bare_headings(lines: list[str], *, strong_only: bool) -> dict[int, tuple[str, int]]:
    kinds = {i: k for i, line in enumerate(lines) if (k := _bare_kind(line))}
    # consecutive numbers on consecutive lines are a list ("1. Name", "2. Email"), not headings
    kinds = {i: k for i, k in kinds.items()
             if k[0] != "numbered" or not (_follows(k, kinds.get(i - 1)) or _follows(kinds.get(i + 1), k))}
    strong = {i: k for i, k in kinds.items() if k[0] != "title"}
    if strong_only or len(strong) >= MIN_STRONG_HEADINGS:
        kinds = strong
    toc = _table_of_contents(lines, sorted(kinds))
    return {i: (lines[i], kind[1]) for i, kind in kinds.items() if i not in toc}


def _follows(kind, previous) -> bool:
    return (kind is not None and previous is not None and kind[0] == previous[0] == "numbered"
            and kind[1] == previous[1] and kind[2] == previous[2] + 1)


def _bare_kind(line: str) -> tuple[str, int, int] | None:
    """(kind, level, number) if the line reads as a heading, else None.

    kind is "numbered", "caps" or "title"; number is a numbered heading's last
    number or letter ("3.2" -> 2, "C." -> 3) and 0 for the others.
    """
    if len(line) > MAX_HEADING_CHARS:
        return None
    m = _NUMBERED.match(line)
    if m is None and line.endswith(_SENTENCE_END):
        return None                     # a sentence: neither ALL CAPS nor Title Case ends like one
    words = _WORDS.findall(line)
    if len(words) > MAX_HEADING_WORDS:
        return None
    if m:
        rest = m.group("rest")
        if (rest[0].isupper() or rest[0].isdigit()) and (_is_caps(rest.removesuffix(".")) or _reads_as_title(rest)):
            level = m.group("dotted").count(".") + 1 if m.group("dotted") else 1
            return "numbered", level, _ordinal(m)
        return None
    if _is_caps(line):
        return "caps", 1, 0
    if len(words) <= MAX_TITLE_CASE_WORDS and _is_title_case(words):
        return "title", 1, 0
    return None


def _ordinal(m: re.Match) -> int:
    if m.group("dotted"):
        return int(m.group("dotted").rsplit(".", 1)[1])
    if m.group("num"):
        return int(m.group("num"))
    if m.group("letter"):
        return ord(m.group("letter").lower()) - ord("a") + 1
    values = [_ROMAN[c] for c in m.group("roman").lower()]
    return sum(-v if v < w else v for v, w in zip(values, values[1:] + [0]))


def _reads_as_title(rest: str) -> bool:
    """After a number, any short line that does not end like a sentence is a title."""
    return not rest.endswith(_SENTENCE_END) and not _KEY_VALUE.search(rest)


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3 or any(c.islower() for c in letters):
        return False
    if line.endswith(_SENTENCE_END) or _KEY_VALUE.search(line):
        return False
    # a lone letter other than A/I marks a UI label ("CLOSE X"), not a heading
    return not any(len(w) == 1 and w.isalpha() and w not in "AI" for w in line.split())


def _is_title_case(words: list[str]) -> bool:
    line = " ".join(words)
    first = next((c for c in line if c.isalpha()), "")
    if not first.isupper() or line.endswith(_SENTENCE_END) or _KEY_VALUE.search(line):
        return False
    major = [w for w in words if any(c.isalpha() for c in w) and w.lower().strip("()[]") not in _MINOR_WORDS]
    if not major:
        return False
    capitalised = sum(1 for w in major if any(c.isupper() for c in w))
    return capitalised >= 0.75 * len(major)


def title_key(title: str) -> str:
    """A heading reduced to its words: no numbering, case or punctuation."""
    m = _NUMBERED.match(title)
    if m:
        title = m.group("rest")
    return " ".join(_TITLE_KEY.findall(title.casefold()))


def _table_of_contents(lines: list[str], candidates: list[int]) -> set[int]:
    """Runs of consecutive heading lines whose titles mostly reappear further on."""
    runs: list[list[int]] = []
    for i in candidates:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    toc: set[int] = set()
    for run in runs:
        keys = [_key_words(lines[i]) for i in run]
        # the contents end where a title repeats: the first real heading can follow at once
        end = next((k for k in range(1, len(run)) if any(_similar(keys[k], e) for e in keys[:k])), len(run))
        if end < MIN_TOC_RUN:
            continue
        later = [_key_words(lines[j]) for j in candidates if j > run[end - 1]]
        found = sum(1 for key in keys[:end] if any(_similar(key, w) for w in later))
        if found * 2 >= end:
            toc.update(run[:end])
    return toc


def _key_words(title: str) -> set[str]:
    return set(title_key(title).split())


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and 2 * len(a & b) >= 0.8 * (len(a) + len(b))
