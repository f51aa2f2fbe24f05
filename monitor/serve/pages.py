"""The pages `policymon serve` writes itself: the dashboard, a company's documents and the alerts.

They are built like the reports (monitor/report/html.py): one self-contained document, the
stylesheet inlined, no scripts, every string from a policy, the config or the store escaped.
Sorting and filtering are plain links with query parameters, so they work without JavaScript
and under the report's Content-Security-Policy (which allows no form submission).
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlencode

from ..alerts.record import Alert
from ..config import DocumentConfig
from ..model import CATEGORIES, SEVERITIES, split_document
from ..report.html import e, page
from .read import SORTS, DocumentRow, Filters, MaterialChange

SORT_LABELS = {"change": "Last material change", "company": "Document", "checked": "Last check",
               "outcome": "Outcome", "severity": "Severity", "deliveries": "Deliveries"}


def document_path(key: str) -> str:
    """The page of a document's timeline: /companies/acme/privacy."""
    company, doctype = split_document(key)
    return f"/companies/{quote(company)}/{quote(doctype)}"


def comparison_path(key: str, old_id: int, new_id: int) -> str:
    return f"{document_path(key)}/compare/{old_id}-{new_id}"


def feed_path(key: str | None = None, *, company: str | None = None) -> str:
    if key:
        return f"/feeds{document_path(key).removeprefix('/companies')}.atom"
    return f"/feeds/{quote(company)}.atom" if company else "/feeds/all.atom"


def nav(*extra: tuple[str, str]) -> str:
    """The links above every served page."""
    links = [("/", "Dashboard"), ("/alerts", "Alerts"), ("/feeds/all.atom", "Atom feed"), *extra]
    return ("<nav class=\"site\"><span class=\"brand\">policymon</span> "
            + " ".join(f"<a href=\"{e(href)}\">{e(label)}</a>" for href, label in links) + "</nav>\n")


def _when(stamp: str | None, empty: str = "never") -> str:
    if not stamp:
        return f"<span class=\"none\">{e(empty)}</span>"
    return f"<time datetime=\"{e(stamp)}\">{e(stamp[:16].replace('T', ' '))}</time>"


def _query(filters: Filters, sort: str, **change) -> str:
    params = {"category": filters.category, "severity": filters.severity, "sort": sort}
    params.update(change)
    kept = {k: v for k, v in params.items() if v and not (k == "sort" and v == "change")}
    return "/?" + urlencode(kept) if kept else "/"


def _chips(label: str, name: str, values: tuple[str, ...], current: str | None, filters: Filters, sort: str) -> str:
    items = [(None, "any"), *((v, v) for v in values)]
    links = []
    for value, text in items:
        if value == current:
            links.append(f"<strong class=\"chip on\">{e(text)}</strong>")
        else:
            links.append(f"<a class=\"chip\" href=\"{e(_query(filters, sort, **{name: value or ''}))}\">{e(text)}</a>")
    return f"<p class=\"filter\"><span class=\"label\">{e(label)}</span> {' '.join(links)}</p>"


def findings_list(change: MaterialChange) -> str:
    items = [f"<li><span class=\"badge sev-{e(f.severity)}\">{e(f.severity)}</span> "
             f"<span class=\"category\">{e(f.category)}</span> {e(f.summary)}</li>" for f in change.findings]
    return f"<ul class=\"findings-list\">{''.join(items)}</ul>"


@lru_cache(maxsize=4096)
def _document_cell(d: DocumentConfig) -> str:
    """The first cell of a document's row: the same until the config changes."""
    name = f"<br><span class=\"note\">{e(d.name)}</span>" if d.name else ""
    return (f"<td><a href=\"{e(document_path(d.key))}\">{e(d.company)}</a> <span class=\"doctype\">{e(d.doctype)}"
            f"</span>{name}</td>")


def _row(r: DocumentRow) -> str:
    d = r.document
    outcome = r.outcome or "not checked"
    error = f"<br><span class=\"error\">{e(r.last_error)}</span>" if r.last_error and r.outcome == "failed" else ""
    if r.change:
        change = (f"<a href=\"{e(comparison_path(d.key, r.change.old_id, r.change.new_id))}\">"
                  f"{_when(r.change.new_at)}</a>{findings_list(r.change)}")
    else:
        change = "<span class=\"none\">none</span>"
    deliveries = []
    if r.pending:
        deliveries.append(f"{r.pending} pending")
    if r.failed:
        deliveries.append(f"<span class=\"error\">{r.failed} failed</span>")
    return "".join([
        f"<tr class=\"outcome-{e(outcome.replace(' ', '-'))}\">",
        _document_cell(d),
        f"<td>{_when(r.last_checked_at)}</td>",
        f"<td><span class=\"outcome\">{e(outcome)}</span>{error}</td>",
        f"<td>{_when(r.last_version_at, 'no version')}</td>",
        f"<td class=\"change-cell\">{change}</td>",
        f"<td>{' · '.join(deliveries) or '<span class=none>—</span>'}</td>",
        "</tr>"])


def dashboard_html(rows: list[DocumentRow], filters: Filters, sort: str, total: int, daemon: str) -> str:
    heads = []
    for name in ("company", "checked", "outcome", None, "change", "deliveries"):
        if name is None:
            heads.append("<th>Last version</th>")
            continue
        label = e(SORT_LABELS[name])
        heads.append(f"<th aria-sort=\"descending\">{label} ▾</th>" if name == sort else
                     f"<th><a href=\"{e(_query(filters, name))}\">{label}</a></th>")
    shown = (f"{len(rows)} of {total} documents with a material change matching the filter"
             if filters.active else f"{total} documents")
    body = "\n".join([
        "<header>", "<p class=\"kicker\">policymon · dashboard</p>", "<h1>What changed, and whether it matters</h1>",
        f"<p class=\"counts\">{e(shown)}; {e(daemon)}. Sorted by {e(SORT_LABELS[sort].lower())}"
        f"{'' if sort != 'severity' else ' (most severe first)'}.</p>", "</header>",
        "<main>",
        "<section class=\"filters\" aria-label=\"Filters\">",
        _chips("Category", "category", CATEGORIES, filters.category, filters, sort),
        _chips("Severity at least", "severity", SEVERITIES, filters.severity, filters, sort),
        "<p class=\"filter\"><span class=\"label\">Sort</span> "
        + " ".join(f"<strong class=\"chip on\">{e(SORT_LABELS[s])}</strong>" if s == sort else
                   f"<a class=\"chip\" href=\"{e(_query(filters, s))}\">{e(SORT_LABELS[s])}</a>" for s in SORTS)
        + "</p>",
        "</section>",
        "<table class=\"dashboard\">",
        f"<thead><tr>{''.join(heads)}</tr></thead>",
        "<tbody>", *(_row(r) for r in rows), "</tbody>", "</table>",
        "" if rows else "<p class=\"none\">Nothing to show: no document matches.</p>",
        "</main>", ""])
    return page("policymon: dashboard", body, nav())


def _delivery(d) -> str:
    if d.status == "sent":
        when = f"sent {_when(d.sent_at)}"
    elif d.status == "failed":
        when = "gave up"
    elif d.status == "pending":
        when = f"next try {_when(d.next_attempt_at)}"
    else:
        when = "being sent now"
    error = f"<br><span class=\"error\">{e(d.last_error)}</span>" if d.last_error and d.status != "sent" else ""
    return (f"<li><span class=\"channel\">{e(d.channel)}</span> <span class=\"delivery st-{e(d.status)}\">"
            f"{e(d.status)}</span> · {d.attempts} attempt{'s' * (d.attempts != 1)} · {when}{error}</li>")


def alerts_html(alerts: list[Alert], company: str | None, limit: int) -> str:
    rows = []
    for a in alerts:
        subject = e(a.subject)
        if a.kind == "material" and a.payload.get("old", {}).get("id") and a.payload.get("new", {}).get("id"):
            subject = f"<a href=\"{e(comparison_path(a.company, a.payload['old']['id'], a.payload['new']['id']))}\">" \
                      f"{subject}</a>"
        severity = f"<span class=\"badge sev-{e(a.severity)}\">{e(a.severity)}</span> " if a.severity else ""
        deliveries = "".join(_delivery(d) for d in a.deliveries) or \
            "<li class=\"none\">no channel was configured when it was recorded</li>"
        rows.append(f"<tr><td>{_when(a.created_at)}</td>"
                    f"<td><a href=\"{e(document_path(a.company))}\">{e(a.company)}</a></td>"
                    f"<td>{severity}{e(a.kind)}</td><td>{subject}</td>"
                    f"<td><ul class=\"deliveries\">{deliveries}</ul></td></tr>")
    whose = f" of {company}" if company else ""
    body = "\n".join([
        "<header>", "<p class=\"kicker\">policymon · alerts</p>", f"<h1>Alerts{e(whose)}</h1>",
        f"<p class=\"counts\">{len(alerts)} alert{'s' * (len(alerts) != 1)}, newest first"
        f"{f' (the latest {limit})' if len(alerts) >= limit else ''}, with the state of each delivery.</p>",
        "</header>", "<main>",
        "<table class=\"alerts\"><thead><tr><th>Recorded</th><th>Document</th><th>Kind</th><th>Subject</th>"
        "<th>Deliveries</th></tr></thead>", "<tbody>", *rows, "</tbody></table>",
        "" if rows else "<p class=\"none\">No alerts yet.</p>",
        "</main>", ""])
    return page(f"policymon: alerts{whose}", body, nav())


def document_nav(key: str, documents: list[str]) -> str:
    """The site links plus the company's documents, for its timelines and comparisons."""
    company, _ = split_document(key)
    extra = [(document_path(k), split_document(k)[1]) for k in documents]
    return nav((feed_path(key), f"{key} feed"), *extra,
               (f"/alerts?company={quote(company)}", f"{company} alerts"))


def problem_html(status: int, message: str) -> str:
    body = (f"<header><p class=\"kicker\">policymon · {status}</p><h1>{e(message)}</h1></header>\n"
            "<main><p><a href=\"/\">Back to the dashboard</a></p></main>\n")
    return page(f"policymon: {message}", body, nav())
