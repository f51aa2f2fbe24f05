"""The terminal report, read top to bottom: a summary line, material findings (most severe
first), the other findings, then each section's word diff in git's word-diff style:
[-deleted-]{+added+} when plain, red/green when coloured."""
from __future__ import annotations

from ..model import Comparison, Finding
from .common import (ELLIPSIS, SOURCE_NAMES, capture_link, change_diff, change_title, counts_phrase,
                     diff_words, finding_heading, ordered_findings, shows_diff, verdict_phrase,
                     version_label, with_context, word_runs)

ANSI = {"bold": "1", "del": "31", "ins": "32", "dim": "2", "high": "1;31", "medium": "33",
        "low": "36", "alert": "1;31", "ok": "32", "status": "1"}
RESET = "\x1b[0m"
BREAK = "\n"
MARKS = {"-": ("[-", "-]"), "+": ("{+", "+}")}
DIFF_INDENT = "      "

Piece = tuple[str, str | None, bool]       # (text, style, space before); style BREAK for a line break


def words(text: str, style: str | None = None) -> list[Piece]:
    return [(w, style, True) for w in text.split()]


def layout(pieces: list[Piece], *, width: int | None, indent: str, hang: str, color: bool) -> list[str]:
    """Lay pieces out into lines no wider than `width` (a long word may overflow), styles as ANSI."""
    rows: list[list[Piece]] = []
    row: list[Piece] = []
    used = 0
    for text, style, space in pieces:
        if style == BREAK:
            rows.append(row)
            row, used = [], 0
            if text == "\n\n":
                rows.append([])
            continue
        lead = len(hang if rows else indent)
        gap = 1 if space and row else 0
        if width and row and lead + used + gap + len(text) > width:
            rows.append(row)
            row, used, gap = [], 0, 0
        row.append((text, style, bool(gap)))
        used += gap + len(text)
    rows.append(row)
    return [(indent if i == 0 else hang) + _paint(r, color) if r else "" for i, r in enumerate(rows)]


def _paint(row: list[Piece], color: bool) -> str:
    out, current = [], None
    for text, style, space in row:
        if color and style != current:
            if current:
                out.append(RESET)
            out.append(" " if space else "")
            if style:
                out.append(f"\x1b[{ANSI[style]}m")
            current = style
        elif space:
            out.append(" ")
        out.append(text)
    if color and current:
        out.append(RESET)
    return "".join(out)


def diff_pieces(diff, context: int, color: bool) -> list[Piece]:
    """The word diff with `context` words kept around changes; plain output gets git's markers."""
    shown = with_context(diff_words(diff), context)
    style = {"-": "del", "+": "ins", ELLIPSIS: "dim", "=": None, "\n": BREAK}
    texts = [w.text for w in shown]
    if not color:
        for start, end in word_runs(shown):
            first, last = MARKS[shown[start].op]
            texts[start] = first + texts[start]
            texts[end - 1] = texts[end - 1] + last
    return [(t, style[w.op], w.space) for t, w in zip(texts, shown)]


def _finding_lines(f: Finding, width, color) -> list[str]:
    head = [(f"{f.severity.upper():<6}", f.severity if f.severity in ANSI else None, False)]
    head += words(finding_heading(f) + " —", "bold") + words(f.summary)
    lines = layout(head, width=width, indent="  ", hang="         ", color=color)
    detail = "         "
    if f.section is not None:
        lines += layout(words("in:") + words(f.section), width=width, indent=detail, hang=detail + "  ",
                        color=color)
    if f.old_value is not None or f.new_value is not None:
        values = words("before:", "dim") + words(f.old_value or "—") + words("→ after:", "dim") + \
            words(f.new_value or "—")
        lines += layout(values, width=width, indent=detail, hang=detail + "  ", color=color)
    for label, quote, style in (("old:", f.evidence_old, "del"), ("new:", f.evidence_new, "ins")):
        if quote:
            lines += layout(words(label, style) + words(f"“{quote}”"), width=width, indent=detail,
                            hang=detail + "     ", color=color)
    return lines


def render_text(comparison: Comparison, *, color: bool, width: int | None, context: int) -> str:
    old = version_label(comparison.old, "old")
    new = version_label(comparison.new, "new")
    verdict = verdict_phrase(comparison)
    summary = (words(comparison.company + ":", "bold") if comparison.company else []) + \
        words(f"{old} → {new}:") + words(counts_phrase(comparison) + ";") + \
        words(verdict, "alert" if comparison.material else "ok")
    lines = layout(summary, width=width, indent="", hang="  ", color=color)
    for label, v in (("old:", comparison.old), ("new:", comparison.new)):
        if v.source != "file" or v.url:
            where = ", ".join(filter(None, [v.captured_at, SOURCE_NAMES.get(v.source, v.source),
                                            capture_link(v.source, v.captured_at, v.url) or v.url]))
            lines += layout(words(label, "dim") + words(where), width=width, indent="  ", hang="       ",
                            color=color)

    material, other = ordered_findings(comparison)
    for title, group in (("Material findings", material), ("Other findings", other)):
        if group:
            lines += ["", *layout(words(title, "bold"), width=None, indent="", hang="", color=color)]
            for f in group:
                lines += _finding_lines(f, width, color)

    shown = [c for c in comparison.changes if c.status != "unchanged"]
    lines += ["", *layout(words("Sections", "bold"), width=None, indent="", hang="", color=color)]
    if not shown:
        lines.append("  no differences in the text")
    for change in shown:
        head = [(f"{change.status}:", "status", False)] + words(change_title(change))
        lines += layout(head, width=width, indent="  ", hang="    ", color=color)
        if shows_diff(change):
            lines += layout(diff_pieces(change_diff(change), context, color), width=width,
                            indent=DIFF_INDENT, hang=DIFF_INDENT, color=color)
            lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
