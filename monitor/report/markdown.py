"""The Markdown report (GitHub-flavoured), for issues, pull requests and chat: the same order as
the terminal report, word changes as <del>/<ins> (robust where ~~ and ** fail next to
punctuation), and every policy string escaped so a policy cannot inject markup or links."""
from __future__ import annotations

import re

from ..model import Comparison, Finding, Version
from .common import (SOURCE_NAMES, capture_link, change_diff, change_title, counts_phrase,
                     diff_words, finding_heading, ordered_findings, shows_diff, verdict_phrase,
                     version_label, with_context, word_runs)

_PUNCT = re.compile(r"([\\`*_\[\]{}|~#$])")
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))", re.M)
_TAGS = {"-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")}


def md_escape(text: str) -> str:
    """Literal text on one line in any inline position: entities for & < >, backslashes for the rest."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PUNCT.sub(r"\\\1", text)


def _line(text: str) -> str:
    """An escaped line that cannot start a list, heading or setext underline."""
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if not m.group(1).isdigit() else m.group(1) + "\\",
                           text)


def _link(label: str, url: str) -> str:
    safe = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20").replace("\n", "")
    return f"[{md_escape(label)}](<{safe}>)"


def diff_markdown(diff, context: int) -> str:
    shown = with_context(diff_words(diff), context)
    texts = [md_escape(w.text) if w.op != "\n" else w.text for w in shown]
    for start, end in word_runs(shown):
        first, last = _TAGS[shown[start].op]
        texts[start] = first + texts[start]
        texts[end - 1] = texts[end - 1] + last
    out = []
    for t, w in zip(texts, shown):
        if w.op == "\n":
            out.append("\\\n" if w.text == "\n" else "\n\n")
        else:
            out.append((" " if w.space and out and not out[-1].endswith("\n") else "") + t)
    return "\n".join(_line(line) for line in "".join(out).split("\n"))


def _version_line(label: str, v: Version) -> str:
    parts = [md_escape(v.captured_at or "undated"), SOURCE_NAMES.get(v.source, md_escape(v.source))]
    link = capture_link(v.source, v.captured_at, v.url)
    if link:
        parts.append(_link("capture" if v.source == "wayback" else "page", link))
    elif v.url:         # a file: its path
        parts.append(f"`{v.url.replace('`', '')}`")
    return f"- {label}: " + ", ".join(parts)


def _finding(n: int, f: Finding) -> list[str]:
    head = f"{n}. **{md_escape(f.severity.upper())}** · {md_escape(finding_heading(f))} — {md_escape(f.summary)}"
    if f.section is not None:
        head += f" (in “{md_escape(f.section)}”)"
    lines = [head]
    if f.old_value is not None or f.new_value is not None:
        lines.append(f"   - before: {md_escape(f.old_value or '—')} → after: {md_escape(f.new_value or '—')}")
    for label, quote in (("old", f.evidence_old), ("new", f.evidence_new)):
        if quote:
            lines.append(f"   - {label}: “{md_escape(quote)}”")
    return lines


def render_markdown(comparison: Comparison, *, context: int) -> str:
    title = md_escape(comparison.company) if comparison.company else "comparison"
    old, new = version_label(comparison.old, "old"), version_label(comparison.new, "new")
    verdict = verdict_phrase(comparison)
    lines = [f"## Privacy policy changes: {title}", "",
             f"**{md_escape(old)}** → **{md_escape(new)}**: {counts_phrase(comparison)}; "
             + (f"**{verdict}**" if comparison.material else verdict), "",
             _version_line("Old", comparison.old), _version_line("New", comparison.new)]
    material, other = ordered_findings(comparison)
    for heading, group in (("Material findings", material), ("Other findings", other)):
        if group:
            lines += ["", f"### {heading}", ""]
            for n, f in enumerate(group, 1):
                lines += _finding(n, f)
    lines += ["", "### Sections", ""]
    shown = [c for c in comparison.changes if c.status != "unchanged"]
    if not shown:
        lines += ["No differences in the text.", ""]
    for change in shown:
        name = md_escape(change_title(change))
        if shows_diff(change):
            lines += [f"#### {change.status}: {name}", "", diff_markdown(change_diff(change), context), ""]
        else:
            lines += [f"**{change.status}:** {name}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
