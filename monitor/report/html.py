"""The HTML report: one self-contained page to read a change side by side, on a phone or on
paper. Inline CSS only, no scripts, nothing fetched (a Content-Security-Policy says so to the
browser), and every policy string passes through html.escape."""
from __future__ import annotations

from html import escape
from importlib.resources import files

from ..model import Change, Comparison, Finding, Version, document_noun
from .common import (SOURCE_NAMES, anchor, capture_link, change_diff, change_title, counts_phrase,
                     finding_change, ordered_findings, plural, section_title, shows_diff, verdict_phrase,
                     version_label)

GROUP_NAMES = 3   # section titles named on a folded run of unchanged sections
FOLD_KEEP = 1     # unchanged paragraphs shown either side of a changed one, like diff context
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"


def e(text: object) -> str:
    return escape(str(text), quote=True)


def page(title: str, body: str, nav: str = "") -> str:
    """A complete document around `body`: the stylesheet inlined, no scripts, no requests.
    `nav` (HTML) goes first: the links `policymon serve` puts above every page."""
    css = files(__package__).joinpath("report.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"generator\" content=\"policymon\">\n"
        f"<title>{e(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n{nav}{body}</body>\n</html>\n"
    )


def external_link(url: str, label: str) -> str:
    return f"<a href=\"{e(url)}\" rel=\"noopener noreferrer external\">{e(label)}</a>"


def source_html(source: str, captured_at: str | None, url: str | None) -> str:
    """'Wayback Machine' linked to the capture page, 'live page' linked to the page, or 'file'."""
    name = SOURCE_NAMES.get(source, source)
    link = capture_link(source, captured_at, url)
    return external_link(link, name) if link else e(name)


def _version_html(role: str, v: Version) -> str:
    when = (f"<time datetime=\"{e(v.captured_at)}\">{e(version_label(v, role))}</time>"
            if v.captured_at else e(version_label(v, role)))
    return (f"<div class=\"version {role}\"><span class=\"role\">{role}</span> {when} "
            f"<span class=\"source\">{source_html(v.source, v.captured_at, v.url)}</span> "
            f"<code title=\"sha256 of the normalised text\">{e(v.sha256[:12])}</code></div>")


def finding_html(f: Finding, href: str | None) -> str:
    summary = f"<a href=\"#{e(href)}\">{e(f.summary)}</a>" if href else e(f.summary)
    parts = [
        f"<li class=\"finding sev-{e(f.severity)}{' material' if f.material else ''}\">",
        f"<p class=\"meta\"><span class=\"badge sev-{e(f.severity)}\">{e(f.severity)}</span> "
        f"<span class=\"category\">{e(f.category)}</span> "
        f"<span class=\"direction dir-{e(f.direction)}\">{e(f.direction)}</span></p>",
        f"<p class=\"summary\">{summary}</p>",
    ]
    if f.section is not None:
        where = f"<a href=\"#{e(href)}\">{e(f.section)}</a>" if href else e(f.section)
        parts.append(f"<p class=\"where\">in {where}</p>")
    if f.old_value is not None or f.new_value is not None:
        parts.append(f"<p class=\"values\"><span class=\"before\">{e(f.old_value or '—')}</span> → "
                     f"<span class=\"after\">{e(f.new_value or '—')}</span></p>")
    for side, quote in (("old", f.evidence_old), ("new", f.evidence_new)):
        if quote:
            parts.append(f"<blockquote class=\"evidence {side}\"><span class=\"role\">{side}</span> "
                         f"{e(quote)}</blockquote>")
    parts.append("</li>")
    return "\n".join(parts)


def _findings_panel(comparison: Comparison) -> str:
    material, other = ordered_findings(comparison)
    out = ["<section class=\"findings\" id=\"findings\" aria-labelledby=\"findings-h\">",
           "<h2 id=\"findings-h\">Findings</h2>"]
    if not material and not other:
        out.append("<p class=\"none\">No findings: nothing here changes what the policy promises.</p>")
    for title, group, cls in (("Material", material, "material"), ("Minor", other, "minor")):
        if group:
            out.append(f"<h3>{title} <span class=\"count\">{len(group)}</span></h3><ol class=\"{cls}\">")
            for f in group:
                i = finding_change(f, comparison.changes)
                out.append(finding_html(f, anchor(i, comparison.changes[i]) if i is not None else None))
            out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


def _side(diff, keep: str) -> str:
    """One column of a word diff: unchanged text plus this side's words, highlighted."""
    tag = "del" if keep == "-" else "ins"
    return "".join(e(t) if op == "=" else f"<{tag}>{e(t)}</{tag}>" for op, t in diff if op in ("=", keep))


def paragraph_rows(diff) -> list[tuple[tuple[str, str], ...]]:
    """Cut a diff at the line breaks both versions share, so old and new paragraphs line up."""
    rows: list[list[tuple[str, str]]] = [[]]
    for op, text in diff:
        if op != "=":
            rows[-1].append((op, text))
            continue
        for i, part in enumerate(text.split("\n")):
            if i:
                rows.append([])
            if part:
                rows[-1].append((op, part))
    return [tuple(r) for r in rows if any(t.strip() for _, t in r)]


def _row(row, old_label: str | None, new_label: str | None, first: bool) -> str:
    same = all(op == "=" for op, _ in row)
    cells = []
    for role, keep, label in (("old", "-", old_label), ("new", "+", new_label)):
        if label is None:
            body = f"<span class=\"absent\">not in the {role} version</span>" if first else ""
        else:
            body = _side(row, keep)
        cells.append(f"<div class=\"cell {role} text\">{body}</div>")
    return f"<div class=\"row{' same' if same else ''}\">{''.join(cells)}</div>"


def _rows_html(diff, old_label: str | None, new_label: str | None) -> str:
    """Aligned paragraphs; unchanged ones more than FOLD_KEEP away from a change are folded."""
    rows = paragraph_rows(diff)
    changed = [i for i, r in enumerate(rows) if any(op != "=" for op, _ in r)]
    near = {j for i in changed for j in range(i - FOLD_KEEP, i + FOLD_KEEP + 1)}
    out: list[str] = []
    folded: list[str] = []

    def fold() -> None:
        if len(folded) > 1:
            out.append(f"<details class=\"fold\"><summary>{plural(len(folded), 'unchanged paragraph')}"
                       f"</summary>{''.join(folded)}</details>")
        else:
            out.extend(folded)
        folded.clear()

    for i, row in enumerate(rows):
        html = _row(row, old_label, new_label, i == 0)
        if i in near:
            fold()
            out.append(html)
        else:
            folded.append(html)
    fold()
    return "".join(out)


def change_html(index: int, change: Change, old_label: str, new_label: str) -> str:
    ident = e(anchor(index, change))
    status = f"<span class=\"status st-{e(change.status)}\">{e(change.status)}</span>"
    title = e(change_title(change))
    if not shows_diff(change):
        note = {"moved": "moved; text unchanged", "renamed": "heading renamed; text unchanged"}
        extra = f" <span class=\"note\">{note[change.status]}</span>" if change.status in note else ""
        return (f"<details class=\"change st-{e(change.status)}\" id=\"{ident}\">"
                f"<summary>{status} <span class=\"title\">{title}</span>{extra}</summary>"
                f"<div class=\"text\">{e(change.new_text or change.old_text)}</div></details>")
    roles = (f"<div class=\"row roles\"><p class=\"cell role\">old · {e(old_label)}</p>"
             f"<p class=\"cell role\">new · {e(new_label)}</p></div>")
    rows = _rows_html(change_diff(change), old_label if change.old else None, new_label if change.new else None)
    return (f"<section class=\"change st-{e(change.status)}\" id=\"{ident}\">"
            f"<h3>{status} <span class=\"title\">{title}</span></h3>"
            f"<div class=\"pair\">{roles}{rows}</div></section>")


def _sections_html(changes: tuple[Change, ...], old_label: str, new_label: str) -> list[str]:
    """Every change in order; a run of unchanged sections folds into one line naming them."""
    out: list[str] = []
    run: list[tuple[int, Change]] = []

    def fold() -> None:
        items = [change_html(i, c, old_label, new_label) for i, c in run]
        if len(run) > 1:
            titles = [section_title(c.title) for _, c in run]
            names = " · ".join(titles[:GROUP_NAMES]) + (f" · and {len(titles) - GROUP_NAMES} more"
                                                         if len(titles) > GROUP_NAMES else "")
            items = [f"<details class=\"group\"><summary><span class=\"status st-unchanged\">unchanged</span> "
                     f"{len(run)} sections <span class=\"note\">{e(names)}</span></summary>"
                     + "".join(items) + "</details>"]
        out.extend(items)
        run.clear()

    for i, change in enumerate(changes):
        if change.status == "unchanged":
            run.append((i, change))
            continue
        fold()
        out.append(change_html(i, change, old_label, new_label))
    fold()
    return out


def render_html(comparison: Comparison, nav: str = "") -> str:
    company = comparison.company or "policy"
    noun = document_noun(comparison.company)[1] if comparison.company else "privacy policy"
    old, new = version_label(comparison.old, "old"), version_label(comparison.new, "new")
    verdict = verdict_phrase(comparison)
    header = "\n".join([
        "<header>",
        f"<p class=\"kicker\">policymon · {e(noun)} comparison</p>",
        f"<h1>{e(company)}</h1>",
        f"<div class=\"versions\">{_version_html('old', comparison.old)}{_version_html('new', comparison.new)}</div>",
        f"<p class=\"verdict {'material' if comparison.material else 'calm'}\">{e(verdict)}</p>",
        f"<p class=\"counts\">{e(counts_phrase(comparison))}</p>",
        "</header>",
    ])
    sections = ["<section class=\"sections\" aria-labelledby=\"sections-h\">",
                "<h2 id=\"sections-h\">Sections</h2>",
                "<p class=\"legend\">Words <del>removed</del> and <ins>added</ins>; unchanged sections "
                "are folded.</p>"]
    sections += _sections_html(comparison.changes, old, new)
    if not comparison.changes:
        sections.append("<p class=\"none\">Both versions are empty.</p>")
    sections.append("</section>")
    body = f"{header}\n<main>\n{_findings_panel(comparison)}\n" + "\n".join(sections) + "\n</main>\n"
    return page(f"{company}: policy changes {old} → {new}", body, nav)
