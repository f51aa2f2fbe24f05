"""Pieces every human-readable report shares, so text, Markdown and HTML say the same thing:
version labels and capture links, the summary counts, finding order, which section a finding
points at, and a diff cut into words with only `context` unchanged words kept around changes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import SEVERITY_RANK, Change, Comparison, Finding, Version

DEFAULT_CONTEXT = 12
WAYBACK = "https://web.archive.org"
SOURCE_NAMES = {"live": "live page", "wayback": "Wayback Machine", "file": "file"}
ELLIPSIS = "…"
CHANGED = ("-", "+")


def version_label(version: Version, fallback: str) -> str:
    """The capture date when known (a person thinks in dates), else the file or `fallback`."""
    if version.captured_at:
        return version.captured_at[:10]
    if version.url:
        return version.url.rsplit("/", 1)[-1] or version.url
    return fallback


def capture_link(source: str, captured_at: str | None, url: str | None) -> str | None:
    """Where a person can see the capture: the Wayback page for archived ones, else the URL itself."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    if source == "wayback":
        if "/web/" in url:
            return url
        stamp = re.sub(r"\D", "", captured_at or "")[:14]
        return f"{WAYBACK}/web/{stamp}/{url}" if stamp else None
    return url


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def counts_phrase(comparison: Comparison) -> str:
    """'3 sections changed, 1 moved, 0 added, 0 removed' (renamed/split/merged only when present)."""
    c = comparison.counts()
    parts = [f"{plural(c['changed'], 'section')} changed", f"{c['moved']} moved"]
    if c["renamed"]:
        parts.append(f"{c['renamed']} renamed")
    parts += [f"{c['added']} added", f"{c['removed']} removed"]
    parts += [f"{c[k]} {k}" for k in ("split", "merged") if c[k]]
    return ", ".join(parts)


def verdict_phrase(comparison: Comparison) -> str:
    n = len(comparison.material_findings)
    return plural(n, "material finding") if n else "no material change"


def ordered_findings(comparison: Comparison) -> tuple[list[Finding], list[Finding]]:
    """(material, other): each highest severity first, so what matters most is read first."""
    other = sorted((f for f in comparison.findings if not f.material),
                   key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.category))
    return comparison.material_findings, other


def finding_heading(f: Finding) -> str:
    return f"{f.category}, {f.direction}"


def section_title(title: str | None) -> str:
    return title if title else "(opening text)"


def change_title(change: Change) -> str:
    """'Title', 'Old → New' when renamed, 'A + B → C' for split and merged sections."""
    old = " + ".join(section_title(s.title) for s in change.old)
    new = " + ".join(section_title(s.title) for s in change.new)
    if not old or not new or old == new:
        return new or old
    return f"{old} → {new}"


def shows_diff(change: Change) -> bool:
    """Moved and renamed sections are named on one line; others show their words."""
    if change.status in ("unchanged", "moved", "renamed"):
        return False
    return change.status in ("added", "removed") or change.has_word_changes


def change_diff(change: Change) -> tuple[tuple[str, str], ...]:
    """The change's diff; a whole added or removed section when alignment left it empty."""
    if change.diff:
        return change.diff
    if change.status == "added":
        return (("+", change.new_text),)
    if change.status == "removed":
        return (("-", change.old_text),)
    return (("=", change.new_text),)


def _norm(title: str | None) -> str:
    return " ".join((title or "").lower().split())


def finding_change(finding: Finding, changes: tuple[Change, ...]) -> int | None:
    """Index of the change a finding is about: by section title, else by where its evidence sits."""
    want = _norm(finding.section)
    if finding.section is not None:
        titled = [i for i, c in enumerate(changes)
                  if want in {_norm(s.title) for s in c.old + c.new}]
        if titled:
            return next((i for i in titled if changes[i].status != "unchanged"), titled[0])
    for i, c in enumerate(changes):
        if (finding.evidence_new and finding.evidence_new in c.new_text) or \
                (finding.evidence_old and finding.evidence_old in c.old_text):
            return i
    return None


def anchor(index: int, change: Change) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", change.title.lower()).strip("-")[:40]
    return f"s{index + 1}-{slug}" if slug else f"s{index + 1}"


def check_context(context: int | None) -> int:
    if context is None:
        return DEFAULT_CONTEXT
    if context < 0:
        raise InputError(f"--context must be 0 or more words, not {context}")
    return context


@dataclass(frozen=True)
class Word:
    """One word of a diff as shown: `op` is "=", "-", "+", "…" (elided text) or "\\n" (a break,
    `text` "\\n" for a line and "\\n\\n" for a paragraph); `space` says whether space precedes it."""
    text: str
    op: str
    space: bool


_PIECE = re.compile(r"\S+|\s+")


def diff_words(diff) -> list[Word]:
    words: list[Word] = []
    space = False
    for op, text in diff:
        for piece in _PIECE.findall(text):
            if not piece.isspace():
                words.append(Word(piece, op, space))
                space = False
            elif "\n" in piece:
                words.append(Word("\n\n" if piece.count("\n") > 1 else "\n", "\n", False))
                space = False
            else:
                space = True
    return words


def with_context(words: list[Word], context: int) -> list[Word]:
    """Keep changed words and `context` unchanged words either side; each gap becomes '…'."""
    n = len(words)
    far = n + context + 1
    before, after = [far] * n, [far] * n     # unchanged words since / until the nearest change
    run = far
    for i, w in enumerate(words):
        if w.op in CHANGED:
            run = 0
        elif w.op == "=":
            run += 1
        before[i] = run
    run = far
    for i in range(n - 1, -1, -1):
        w = words[i]
        if w.op in CHANGED:
            run = 0
        elif w.op == "=":
            run += 1
        after[i] = run
    keep = [w.op in CHANGED or (w.op == "=" and min(before[i], after[i]) <= context) for i, w in enumerate(words)]
    for i, w in enumerate(words):           # a break stays when the words on both sides stay
        if w.op == "\n":
            prev = next((keep[j] for j in range(i - 1, -1, -1) if words[j].op != "\n"), False)
            nxt = next((keep[j] for j in range(i + 1, n) if words[j].op != "\n"), False)
            keep[i] = prev and nxt
    out: list[Word] = []
    for i, w in enumerate(words):
        if keep[i]:
            out.append(w)
        elif w.op != "\n" and not (out and out[-1].op == ELLIPSIS):
            out.append(Word(ELLIPSIS, ELLIPSIS, bool(out) and out[-1].op != "\n"))
    return _tidy_breaks(out)


def _tidy_breaks(words: list[Word]) -> list[Word]:
    """No break at either end, and at most one (the larger) between two words."""
    out: list[Word] = []
    for w in words:
        if w.op == "\n":
            if out and out[-1].op == "\n":
                if w.text == "\n\n":
                    out[-1] = w
            elif out:
                out.append(w)
        else:
            out.append(w)
    while out and out[-1].op == "\n":
        out.pop()
    return out


def word_runs(words: list[Word]) -> list[tuple[int, int]]:
    """(start, end) index pairs of maximal runs of deleted or inserted words on one line."""
    runs, start = [], None
    for i, w in enumerate(words + [Word("", "", False)]):
        if start is not None and w.op != words[start].op:
            runs.append((start, i))
            start = None
        if start is None and w.op in CHANGED:
            start = i
    return runs
