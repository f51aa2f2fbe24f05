"""What the web pages, feeds and API show, read from the store in a few indexed queries.

Only stored comparisons are read (a check, backfill or reextract keeps one for each consecutive
pair of versions), so a page over a thousand documents is a handful of queries, never a diff.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from datetime import datetime, timezone

from ..config import Config, DocumentConfig
from ..model import SEVERITY_RANK

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
    new_at: str | None                  # when the newer version was captured
    created_at: str
    findings: list[Line] = field(default_factory=list)      # material ones, most severe first

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
    change: MaterialChange | None = None
    pending: int = 0
    failed: int = 0


class Line(NamedTuple):
    """What a dashboard row or a feed entry says of a finding (a dashboard reads thousands)."""
    severity: str
    category: str
    direction: str
    summary: str


_CHANGE_COLUMNS = "c.id, c.company, c.old_version_id, c.new_version_id, c.changed_at, c.created_at"


def _with_findings(db, changes: list[MaterialChange], filters: Filters) -> list[MaterialChange]:
    """Attach each change's material findings that match `filters`, most severe first."""
    if not changes:
        return changes
    by_id = {c.comparison_id: c for c in changes}
    where, args = filters.sql()
    ids = ",".join(str(i) for i in by_id)          # integers from the database itself
    for cid, *line in db.execute(f"SELECT f.comparison_id, f.severity, f.category, f.direction, f.summary "
                                 f"FROM findings f WHERE f.comparison_id IN ({ids}) AND {where} ORDER BY f.id", args):
        by_id[cid].findings.append(Line(*line))
    for c in changes:
        c.findings.sort(key=lambda f: SEVERITY_RANK.get(f.severity, 9))
    return changes


def _matching(filters: Filters) -> tuple[str, list]:
    """Material comparisons (every one has a material finding) with a finding `filters` keep."""
    if not filters.active:
        return "c.material = 1 AND c.technical = 0", []
    where, args = filters.sql()
    return f"c.material = 1 AND c.technical = 0 AND c.id IN (SELECT f.comparison_id FROM findings f WHERE {where})", args


def material_changes(db, keys: list[str] | None = None, filters: Filters = Filters(),
                     limit: int = 50) -> list[MaterialChange]:
    """Material comparisons (of `keys`' documents, else of all), newest change first."""
    where, args = _matching(filters)
    if keys is not None:
        where += f" AND c.company IN ({','.join('?' * len(keys))})"
        args += keys
    rows = db.execute(f"SELECT {_CHANGE_COLUMNS} FROM comparisons c WHERE {where} "
                      f"ORDER BY c.changed_at DESC, c.id DESC LIMIT ?", args + [limit])
    return _with_findings(db, [MaterialChange(*r) for r in rows], filters)


def latest_changes(db, filters: Filters) -> dict[str, MaterialChange]:
    """Each document's newest material change matching `filters`."""
    where, args = _matching(filters)
    # From index comparisons_material alone (SQLite gives the id of the row that holds max()),
    # then those rows by id.
    newest = [str(r[0]) for r in db.execute(f"SELECT c.id, max(c.changed_at) FROM comparisons c WHERE {where} "
                                             f"GROUP BY c.company", args)]
    changes = [MaterialChange(*r) for r in db.execute(
        f"SELECT {_CHANGE_COLUMNS} FROM comparisons c WHERE c.id IN ({','.join(newest)})")]
    return {c.key: c for c in _with_findings(db, changes, filters)}


def dashboard_rows(config: Config, db, filters: Filters = Filters(), sort: str = "change") -> list[DocumentRow]:
    """Every configured document with its latest material change (matching `filters`; with a
    filter, only the documents that have one), in the order `sort` names."""
    stored = {r[0]: r[1:] for r in db.execute(
        "SELECT slug, last_checked_at, last_outcome, last_error, "
        "(SELECT max(captured_at) FROM versions v WHERE v.company = slug) FROM companies")}
    deliveries = delivery_counts(db)
    changes = latest_changes(db, filters)
    rows = []
    for key, document in config.documents.items():
        if filters.active and key not in changes:
            continue
        rows.append(DocumentRow(document, *stored.get(key, (None,) * 4), changes.get(key),
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
    for company, status, n in db.execute(
            "SELECT a.company, d.status, count(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
            "WHERE d.status IN ('pending', 'sending', 'failed') GROUP BY a.company, d.status"):
        status = "failed" if status == "failed" else "pending"
        out[(company, status)] = out.get((company, status), 0) + n
    return out


def age_seconds(stamp: str | None) -> float | None:
    """Seconds since an ISO 8601 UTC time from the store, or None."""
    if not stamp:
        return None
    return round((datetime.now(timezone.utc) - datetime.fromisoformat(stamp.replace("Z", "+00:00"))).total_seconds())
