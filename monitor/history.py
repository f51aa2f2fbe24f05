"""A document's history: its versions in capture order and the comparison between each
consecutive pair, computed once and kept in the store."""
from __future__ import annotations

import json

from .model import Finding, Version
from .report.json import comparison_to_json
from .report.timeline import HistoryRow
from .store import comparison_row, save_comparison, versions


def record_comparison(db, old: Version, new: Version, company: str, *, replace: bool = False) -> int:
    """Compare two stored versions and keep the result (once); returns the comparison id.
    `replace` recomputes an existing one in place, after re-extraction rewrote its texts."""
    existing = comparison_row(db, old.id, new.id)
    if existing and not replace:
        return existing["id"]
    from .compare import compare_versions        # here: `history` reads stored comparisons without it
    comparison = compare_versions(old, new, company=company)
    return save_comparison(db, comparison, comparison_to_json(comparison), replace=bool(existing))


def _stale_pairs(db, slug: str) -> list[tuple[int, int, bool]]:
    """Consecutive version pairs whose comparison is missing (False) or was made from texts
    the versions no longer hold (True)."""
    rows = db.execute(
        "WITH v AS (SELECT id, sha256, LAG(id) OVER w AS prev_id, LAG(sha256) OVER w AS prev_sha FROM versions "
        "WHERE company = ? WINDOW w AS (ORDER BY captured_at, id)) "
        "SELECT v.prev_id, v.id, c.id IS NOT NULL FROM v LEFT JOIN comparisons c "
        "ON c.old_version_id = v.prev_id AND c.new_version_id = v.id "
        "WHERE v.prev_id IS NOT NULL AND (c.id IS NULL OR json_extract(c.report, '$.old.sha256') IS NOT v.prev_sha "
        "OR json_extract(c.report, '$.new.sha256') IS NOT v.sha256)", [slug]).fetchall()
    return [(old, new, bool(exists)) for old, new, exists in rows]


def compare_stale(db, slug: str) -> int:
    """Compare (and keep) every consecutive pair of `slug`'s versions whose comparison is
    missing or stale, so history, dashboard and feeds read stored comparisons; returns how many."""
    stale = _stale_pairs(db, slug)
    if stale:
        by_id = {v.id: v for v in versions(db, slug)}
        for old_id, new_id, exists in stale:
            record_comparison(db, by_id[old_id], by_id[new_id], slug, replace=exists)
    return len(stale)


def _findings(db, comparison_id: int) -> tuple[Finding, ...]:
    return tuple(_finding(r) for r in db.query("SELECT * FROM findings WHERE comparison_id = ? ORDER BY id",
                                                [comparison_id]))


def _finding(row) -> Finding:
    """A stored finding; a store not yet migrated (read-only commands do not migrate) has no
    rule or words columns."""
    row = dict(row)
    words = json.loads(row["words"]) if row.get("words") else {}
    return Finding(category=row["category"], material=bool(row["material"]), severity=row["severity"],
                   direction=row["direction"], summary=row["summary"], section=row["section"],
                   old_value=row["old_value"], new_value=row["new_value"],
                   evidence_old=row["evidence_old"], evidence_new=row["evidence_new"], rule=row.get("rule"),
                   added_words=tuple(words.get("added", ())), removed_words=tuple(words.get("removed", ())),
                   topic_words=tuple(words.get("topic", ())))


def history_rows(db, company: str, report_name=None) -> list[HistoryRow]:
    """One row per version; `report_name(old, new)` names each comparison's report, if any.
    Reads only: a pair whose comparison was never stored (history from before comparisons were
    kept) is compared in memory, so this works on a read-only database."""
    rows: list[HistoryRow] = []
    previous: Version | None = None
    for version in versions(db, company):
        changed = findings = None
        technical = False
        if previous is not None:
            stored = comparison_row(db, previous.id, version.id)
            if stored is not None:
                changed, technical = stored["sections_changed"], bool(stored["technical"])
                findings = _findings(db, stored["id"])
            else:
                from .compare import compare_versions
                comparison = compare_versions(previous, version, company=company)
                changed = sum(1 for c in comparison.changes if c.status != "unchanged")
                findings = comparison.findings
        rows.append(HistoryRow(
            captured_at=version.captured_at, source=version.source, url=version.url, size=len(version.text),
            sections_changed=changed, findings=findings or (), version_id=version.id, technical=technical,
            sha256=version.sha256,
            report=report_name(previous, version) if previous is not None and report_name else None))
        previous = version
    return rows
