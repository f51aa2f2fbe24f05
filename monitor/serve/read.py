"""What the web pages, feeds and API show, read from the store in a few indexed queries.

Only stored comparisons are read (a check, backfill or reextract keeps one for each consecutive
pair of versions), so a page over a thousand documents is a handful of queries, never a diff.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..config import Config, DocumentConfig
from ..model import SEVERITY_RANK, Finding

SORTS = ("change", "company", "checked", "outcome", "severity", "deliveries")


@dataclass(frozen=True)
class Filters:
    """The dashboard's and feeds' choice: material findings of this category, at least this severity."""
    category: str | None = None
    severity: str | None = None

    def sql(self) -> tuple[str, list]:
        """Conditions on findings `f` (material ones) for this choice."""
        where, args = ["f.material = 1"], []
        if self.category:
            where.append("f.category = ?")
            args.append(self.category)
        if self.severity:
            where.append("f.severity IN (" + ",".join("?" * (SEVERITY_RANK[self.severity] + 1)) + ")")
            args += [s for s, rank in SEVERITY_RANK.items() if rank <= SEVERITY_RANK[self.severity]]
        return " AND ".join(where), args

    @property
    def active(self) -> bool:
        return bool(self.category or self.severity)


@dataclass
class MaterialChange:
    """A stored comparison with material findings: what the feeds and the dashboard list."""
    comparison_id: int
    key: str                            # the document's key: 'acme' or 'acme/cookies'
    old_id: int
    new_id: int
    old_at: str | None
    new_at: str | None
    created_at: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return min((f.severity for f in self.findings), key=lambda s: SEVERITY_RANK.get(s, 9), default="low")


@dataclass
class DocumentRow:
    """One row of the dashboard: a document, its last check and its latest material change."""
    document: DocumentConfig
    last_checked_at: str | None = None
    outcome: str | None = None
    last_error: str | None = None
    last_version_at: str | None = None
    versions: int = 0
    change: MaterialChange | None = None
    pending: int = 0
    failed: int = 0


def _finding(r) -> Finding:
    return Finding(category=r["category"], material=bool(r["material"]), severity=r["severity"],
                   direction=r["direction"], summary=r["summary"], section=r["section"],
                   old_value=r["old_value"], new_value=r["new_value"], evidence_old=r["evidence_old"],
                   evidence_new=r["evidence_new"])


_CHANGE_COLUMNS = ("c.id AS comparison_id, c.company AS key, c.old_version_id AS old_id, c.new_version_id AS new_id, "
                   "ov.captured_at AS old_at, nv.captured_at AS new_at, c.created_at")
_CHANGE_FROM = ("comparisons c JOIN versions nv ON nv.id = c.new_version_id "
                "JOIN versions ov ON ov.id = c.old_version_id")


def _with_findings(db, changes: list[MaterialChange], filters: Filters) -> list[MaterialChange]:
    """Attach each change's material findings that match `filters`, most severe first."""
    if not changes:
        return changes
    by_id = {c.comparison_id: c for c in changes}
    where, args = filters.sql()
    ids = ",".join(str(i) for i in by_id)          # integers from the database itself
    for r in db.query(f"SELECT f.* FROM findings f WHERE f.comparison_id IN ({ids}) AND {where} ORDER BY f.id",
                      args):
        by_id[r["comparison_id"]].findings.append(_finding(r))
    for c in changes:
        c.findings.sort(key=lambda f: SEVERITY_RANK.get(f.severity, 9))
    return changes


def _matching(filters: Filters) -> tuple[str, list]:
    where, args = filters.sql()
    return (f"c.material = 1 AND c.technical = 0 AND EXISTS (SELECT 1 FROM findings f WHERE f.comparison_id = c.id "
            f"AND {where})", args)


def material_changes(db, keys: list[str] | None = None, filters: Filters = Filters(),
                     limit: int = 50) -> list[MaterialChange]:
    """Material comparisons (of `keys`' documents, else of all), newest change first."""
    where, args = _matching(filters)
    if keys is not None:
        where += f" AND c.company IN ({','.join('?' * len(keys))})"
        args += keys
    rows = db.query(f"SELECT {_CHANGE_COLUMNS} FROM {_CHANGE_FROM} WHERE {where} "
                    f"ORDER BY nv.captured_at DESC, c.id DESC LIMIT ?", args + [limit])
    return _with_findings(db, [MaterialChange(**r) for r in rows], filters)


def latest_changes(db, filters: Filters) -> dict[str, MaterialChange]:
    """Each document's newest material change matching `filters`."""
    where, args = _matching(filters)
    # SQLite returns the other columns of the row that holds max(): one pass, no sort.
    rows = db.query(f"SELECT {_CHANGE_COLUMNS}, max(nv.captured_at) AS _at FROM {_CHANGE_FROM} WHERE {where} "
                    f"GROUP BY c.company", args)
    changes = [MaterialChange(**{k: v for k, v in r.items() if k != "_at"}) for r in rows]
    return {c.key: c for c in _with_findings(db, changes, filters)}


def dashboard_rows(config: Config, db, filters: Filters = Filters(), sort: str = "change") -> list[DocumentRow]:
    """Every configured document with its latest material change (matching `filters`; with a
    filter, only the documents that have one), in the order `sort` names."""
    stored = {r["slug"]: r for r in db.query(
        "SELECT slug, last_checked_at, last_outcome, last_error, "
        "(SELECT max(captured_at) FROM versions v WHERE v.company = slug) AS last_version_at, "
        "(SELECT count(*) FROM versions v WHERE v.company = slug) AS versions FROM companies")}
    deliveries = delivery_counts(db)
    changes = latest_changes(db, filters)
    rows = []
    for key, document in config.documents.items():
        if filters.active and key not in changes:
            continue
        r = stored.get(key) or {}
        rows.append(DocumentRow(document, r.get("last_checked_at"), r.get("last_outcome"), r.get("last_error"),
                                r.get("last_version_at"), r.get("versions") or 0, changes.get(key),
                                deliveries.get((key, "pending"), 0), deliveries.get((key, "failed"), 0)))
    return sort_rows(rows, sort)


_OUTCOMES = {"failed": 0, "changed": 1, "unchanged": 2}


def sort_rows(rows: list[DocumentRow], sort: str) -> list[DocumentRow]:
    """By `sort` (one of SORTS); ties, and `company`, in company and document order."""
    rows = sorted(rows, key=lambda r: (r.document.company, r.document.key))
    newest = lambda r: r.change.new_at or "" if r.change else ""       # noqa: E731
    if sort == "checked":
        return sorted(rows, key=lambda r: r.last_checked_at or "", reverse=True)
    if sort == "outcome":
        return sorted(rows, key=lambda r: _OUTCOMES.get(r.outcome, 3))
    if sort == "severity":
        return sorted(sorted(rows, key=newest, reverse=True),
                      key=lambda r: SEVERITY_RANK.get(r.change.severity, 9) if r.change else 9)
    if sort == "deliveries":
        return sorted(rows, key=lambda r: (-r.failed, -r.pending))
    if sort == "company":
        return rows
    return sorted(rows, key=newest, reverse=True)       # newest material change first; none last


def delivery_counts(db) -> dict[tuple[str, str], int]:
    """(document key, 'pending' | 'failed') → how many deliveries are waiting or gave up."""
    out: dict[tuple[str, str], int] = {}
    for r in db.query("SELECT a.company, d.status, count(*) AS n FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
                      "WHERE d.status IN ('pending', 'sending', 'failed') GROUP BY a.company, d.status"):
        status = "failed" if r["status"] == "failed" else "pending"
        out[(r["company"], status)] = out.get((r["company"], status), 0) + r["n"]
    return out


def age_seconds(stamp: str | None) -> float | None:
    """Seconds since an ISO 8601 UTC time from the store, or None."""
    if not stamp:
        return None
    return round((datetime.now(timezone.utc) - datetime.fromisoformat(stamp.replace("Z", "+00:00"))).total_seconds())
