"""The normalised-text contract later stages rely on (sections, align, diff).

One paragraph or list item per line, "\n" line ends, no blank lines, whitespace collapsed,
NFKC, straight quotes, no invisible characters: text that only moved between lines, changed
quote style or line endings normalises to the same string, so it is never a change.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Typographic quotes and hyphens that editors swap freely for their ASCII forms.
_STRAIGHTEN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-",
})
# Zero-width and other invisible format characters, plus control characters except tab.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                        "\ufeff\ufff9-\ufffb\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_LIST_MARK = re.compile(r"^(?:[-*+\u2022\u25aa\u25cf\u2013]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxIVX]{1,4}\))\s")


def clean_line(line: str) -> str:
    """One line in the contract's form: NFKC, straight quotes, no invisibles, single spaces."""
    if not line.isascii():
        line = unicodedata.normalize("NFKC", line).translate(_STRAIGHTEN)
    return " ".join(_INVISIBLE.sub("", line).split())


REMEMBER_CHARS = 500_000          # texts up to this long are remembered (a long real policy has 200,000)


def join_lines(lines) -> str:
    """Clean each line, drop the empty ones, end with a single newline ('' if nothing is left)."""
    lines = tuple(lines)
    return _joined(lines) if sum(map(len, lines)) <= REMEMBER_CHARS else _joined.__wrapped__(lines)


@functools.lru_cache(maxsize=4)
def _joined(lines: tuple[str, ...]) -> str:
    """join_lines, remembered for the last few texts: a page read again (a capture that differs
    only outside its text, the problem checks after extraction) joins its lines once."""
    kept = [c for c in map(clean_line, lines) if c]
    return "\n".join(kept) + "\n" if kept else ""


def starts_list_item(line: str) -> bool:
    return bool(_LIST_MARK.match(line))


def unwrap(lines: list[str], *, pdf: bool = False) -> list[str]:
    """Rejoin hard-wrapped paragraphs, so a text re-wrapped at another width normalises alike.

    Only acts when the lines look wrapped (most are near a common width, at most 120
    characters, 200 for a PDF); text with one paragraph per line is left alone. A line joins
    the one before when that one was full: the line's first word would not have fit on it
    (a PDF's proportional glyphs make that rough, so there a long line is full too). A blank
    line or a list marker always starts a new paragraph, and so does a short capitalised line
    after a full stop when blank lines do not already mark paragraphs (a heading). In a PDF
    "infor-" + "mation" joins to "information"; elsewhere the hyphen stays ("well-known").
    """
    lens = sorted(len(s) for s in lines if s)
    if len(lens) < (4 if pdf else 8):   # too few lines to tell a wrapping width from ordinary variety
        return lines
    width = lens[int((len(lens) - 1) * 0.95)]
    if width > (200 if pdf else 120) or sum(n >= 0.6 * width for n in lens) < 0.4 * len(lens):
        return lines
    headings_inline = pdf or "" not in lines
    out: list[str] = []
    last = ""                                   # the previous physical line
    for line in lines:
        if last and line and _continues(last, line, width, pdf, headings_inline):
            if last.endswith("-") and last[-2:-1].isalpha() and line[0].isalpha():
                out[-1] = (out[-1][:-1] if pdf and line[0].islower() else out[-1]) + line
            else:
                out[-1] += " " + line
        else:
            out.append(line)
        last = line
    return out


def _continues(last: str, line: str, width: int, pdf: bool, headings_inline: bool) -> bool:
    if starts_list_item(line):
        return False
    if (headings_inline and len(line) < 0.6 * width and last.endswith((".", "!", "?", ":"))
            and (line[0].isupper() or line[0].isdigit())):
        return False
    if pdf and last.endswith("-") and line[0].islower():
        return True
    full = len(last) + 1 + len(line.split(" ", 1)[0]) > width
    return full or (pdf and len(last) >= 0.6 * width)
