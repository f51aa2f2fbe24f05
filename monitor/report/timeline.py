"""A company's history as a story: one row per version with its date, source, size and what
changed since the version before it, each linked to that comparison's report."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ..model import Finding, document_noun, split_document
from .common import SOURCE_NAMES, capture_link, plural
from .html import e, page, source_html
from .text import ANSI, layout, words

SHORT_HASH = 8      # hex digits of a version's hash shown in the text timeline, as git shows 7


@dataclass(frozen=True)
class HistoryRow:
    """One version in a company's timeline; the change fields compare it with the version before."""
    captured_at: str | None
    source: str                             # live | wayback | file
    url: str | None = None                  # the policy page captured (Wayback links are built from it)
    size: int = 0                           # characters of normalised text
    sections_changed: int | None = None     # None for the first version
    findings: tuple[Finding, ...] = ()      # findings against the previous version; material ones shown
    report: str | None = None               # file name or path of the comparison report
    version_id: int | None = None
    technical: bool = False                 # a re-extraction: a technical upgrade, never an alert
    sha256: str | None = None               # of the version's text; a prefix names it to `diff --from`

    @property
    def material(self) -> list[Finding]:
        return [f for f in self.findings if f.material]

    @property
    def capture_url(self) -> str | None:
        return capture_link(self.source, self.captured_at, self.url)

    def change_phrase(self) -> str:
        if self.sections_changed is None:
            return "first version"
        parts = [f"{plural(self.sections_changed, 'section')} changed"]
        if self.technical:
            parts.append("technical re-extraction")
        elif self.material:
            parts.append(plural(len(self.material), "material finding"))
        return "; ".join(parts)


def _story(company: str, rows: list[HistoryRow]) -> str:
    if not rows:
        return f"{company}: no versions stored"
    dates = [r.captured_at[:10] for r in rows if r.captured_at]
    span = f" from {dates[0]} to {dates[-1]}" if len(dates) > 1 else ""
    material = sum(1 for r in rows if r.material and not r.technical)
    return f"{company}: {plural(len(rows), 'version')}{span}; {plural(material, 'version')} with material findings"


def history_text(company: str, rows: list[HistoryRow], *, color: bool = False, width: int | None = None) -> str:
    lines = layout(words(_story(company, rows), "bold"), width=width, indent="", hang="  ", color=color)
    if rows:
        lines.append("")
    ids = [f"#{r.version_id}" if r.version_id is not None else "" for r in rows]
    id_width = max(map(len, ids), default=0)
    for r, ident in zip(rows, ids):
        date = (r.captured_at or "undated")[:10]
        name = f"{ident:<{id_width}}  {(r.sha256 or '')[:SHORT_HASH]:<{SHORT_HASH}}  " if id_width else ""
        facts = f"{name}{date:<10}  {SOURCE_NAMES.get(r.source, r.source):<15}  {r.size:>9,} chars "
        under = " " * (len(name) + 12)
        lines += layout([(facts, None, False)] + words(r.change_phrase(), "alert" if r.material and not r.technical else None),
                        width=width, indent="", hang=under, color=color)
        for f in r.material:
            head = [(f"{f.severity.upper():<6}", f.severity if f.severity in ANSI else None, False)]
            lines += layout(head + words(f"{f.category}, {f.direction} — {f.summary}"), width=width,
                            indent=under, hang=under + " " * 7, color=color)
        if r.report:
            lines += layout(words("report:", "dim") + words(r.report), width=None, indent=under, hang="",
                            color=color)
    known = [r for r in rows if r.version_id is not None]
    if len(known) > 1:
        lines += ["", f"Compare any two: policymon diff {company} --from {known[0].version_id} --to "
                      f"{(known[-1].sha256 or '')[:SHORT_HASH] or known[-1].version_id} (a version id, hash prefix or date)"]
    return "\n".join(lines) + "\n"


def history_json(key: str, rows: list[HistoryRow]) -> dict:
    company, document = split_document(key)
    return {"company": company, "document": document, "versions": [
        {"version_id": r.version_id, "sha256": r.sha256, "captured_at": r.captured_at, "source": r.source, "url": r.url,
         "capture_url": r.capture_url, "size": r.size, "sections_changed": r.sections_changed,
         "technical": r.technical, "material": bool(r.material),
         "findings": [f.to_json() for f in r.material], "report": r.report}
        for r in rows]}


_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def _report_link(report: str) -> str:
    """A link to the row's report; only paths and http(s)/file URLs become links (never javascript:).
    A one-letter scheme is a Windows drive."""
    m = _SCHEME.match(report)
    if m and len(m.group(1)) > 1 and m.group(1).lower() not in ("http", "https", "file"):
        return f"<span class=\"report\">{e(report)}</span>"
    return f"<a class=\"report\" href=\"{escape(report.replace(' ', '%20'), quote=True)}\">comparison report</a>"


def _row_html(r: HistoryRow) -> str:
    date = r.captured_at[:10] if r.captured_at else "undated"
    when = f"<time class=\"when\" datetime=\"{e(r.captured_at)}\">{e(date)}</time>" if r.captured_at \
        else f"<span class=\"when\">{e(date)}</span>"
    cls = "entry material" if r.material and not r.technical else "entry"
    ident = f" id=\"v{r.version_id}\"" if r.version_id is not None else ""
    out = [f"<li class=\"{cls}\"{ident}>",
           f"<p>{when} · <span class=\"source\">{source_html(r.source, r.captured_at, r.url)}</span> · "
           f"<span class=\"facts\">{r.size:,} chars · {e(r.change_phrase())}</span></p>"]
    if r.material:
        out.append("<ul class=\"findings-list\">")
        out += [f"<li><span class=\"badge sev-{e(f.severity)}\">{e(f.severity)}</span> "
                f"<span class=\"category\">{e(f.category)}</span> "
                f"<span class=\"direction dir-{e(f.direction)}\">{e(f.direction)}</span> {e(f.summary)}</li>"
                for f in r.material]
        out.append("</ul>")
    if r.report:
        out.append(f"<p>{_report_link(r.report)}</p>")
    out.append("</li>")
    return "\n".join(out)


def history_html(company: str, rows: list[HistoryRow], nav: str = "") -> str:
    noun = document_noun(company)[1]
    body = "\n".join([
        "<header>", f"<p class=\"kicker\">policymon · {e(noun)} history</p>", f"<h1>{e(company)}</h1>",
        f"<p class=\"counts\">{e(_story(company, rows).split(': ', 1)[1])}</p>", "</header>", "<main>",
        "<h2>Versions</h2>",
        "<ol class=\"timeline\">", *(_row_html(r) for r in rows), "</ol>",
        "" if rows else "<p class=\"none\">No versions stored yet.</p>",
        "</main>", ""])
    return page(f"{company}: {noun} history", body, nav)

