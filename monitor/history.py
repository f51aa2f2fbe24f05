"""A company's history: its versions in capture order and the comparison between each
consecutive pair, computed once and kept in the store."""
from __future__ import annotations


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


def _findings(db, comparison_id: int) -> tuple[Finding, ...]:
    return tuple(Finding(category=r["category"], material=bool(r["material"]), severity=r["severity"],
                         direction=r["direction"], summary=r["summary"], section=r["section"],
                         old_value=r["old_value"], new_value=r["new_value"],
                         evidence_old=r["evidence_old"], evidence_new=r["evidence_new"])
                 for r in db.query("SELECT * FROM findings WHERE comparison_id = ? ORDER BY id", [comparison_id]))


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
