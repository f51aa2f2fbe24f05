"""The normalised-text contract later stages rely on (sections, align, diff).

One paragraph or list item per line, "\n" line ends, no blank lines, whitespace collapsed,
NFKC, straight quotes, no invisible characters: text that only moved between lines, changed
quote style or line endings normalises to the same string, so it is never a change.
"""
from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})
# Zero-width and other invisible format characters, plus control characters except tab.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                        "\ufeff\ufff9-\ufffb\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_LIST_MARK = re.compile(r"^(?:[-*+\u2022\u25aa\u25cf\u2013]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxIVX]{1,4}\))\s")


def clean_line(line: str) -> str:
    """One line in the contract's form: NFKC, straight quotes, no invisibles, single spaces."""
    if not line.isascii():
        line = unicodedata.normalize("NFKC", line).translate(_QUOTES)
    return " ".join(_INVISIBLE.sub("", line).split())


def join_lines(lines) -> str:
    """Clean each line, drop the empty ones, end with a single newline ('' if nothing is left)."""
    kept = [c for c in map(clean_line, lines) if c]
    return "\n".join(kept) + "\n" if kept else ""


def starts_list_item(line: str) -> bool:
    return bool(_LIST_MARK.match(line))


def unwrap(lines: list[str], *, hyphenated: bool = False, max_width: int = 120) -> list[str]:
    """Rejoin hard-wrapped paragraphs, so a text re-wrapped at another width normalises alike.

    Only acts when the lines look wrapped (most are near a common width of at most
    `max_width` characters); text with one paragraph per line is left alone. A paragraph
    ends at a blank line, before a list marker, after a short line, and before a short
    capitalised line that follows a full stop (a heading). With `hyphenated` (PDF),
    "infor-" + "mation" joins to "information"; otherwise the hyphen stays ("well-known").
    """
    lens = sorted(len(s) for s in lines if s)
    if len(lens) < 4:
        return lines
    width = lens[min(len(lens) - 1, int(len(lens) * 0.9))]
    if width > max_width or sum(n >= 0.6 * width for n in lens) < 0.4 * len(lens):
        return lines
    out: list[str] = []
    joinable = False
    for line in lines:
        short = len(line) < 0.6 * width
        if joinable and line and not starts_list_item(line) and not (
                short and out[-1].endswith((".", "!", "?", ":")) and (line[0].isupper() or line[0].isdigit())):
            prev = out[-1]
            if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and line[0].isalpha():
                out[-1] = (prev[:-1] if hyphenated and line[0].islower() else prev) + line
            else:
                out[-1] = prev + " " + line
        else:
            out.append(line)
        joinable = bool(line) and not short
    return out
