"""`policymon status`: where each company stands, read from the database alone, so it answers
the same whether or not the daemon runs (and from another machine sharing the file)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from ..config import Config
from ..model import document_key
from .timing import format_time, next_due, parse_time


@dataclass
class CompanyStatus:
    """Where one document stands (a company's privacy policy, or another of its documents)."""
    company: str
    document: str                   # privacy, cookies…: the key is document_key(company, document)
    last_checked_at: str | None
    outcome: str | None
    last_error: str | None
    next_due: str
    overdue: bool
    consecutive_failures: int
    pending_deliveries: int
    failed_deliveries: int
    backfilled_at: str | None


def company_status(config: Config, db, now: datetime | None = None) -> list[CompanyStatus]:
    """One row per configured document, in config order."""
    now = now or datetime.now(timezone.utc)
    rows = {r["slug"]: r for r in db.query("SELECT * FROM companies")}
    deliveries = {(r["company"], r["status"]): r["n"] for r in db.query(
        "SELECT a.company, d.status, count(*) AS n FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
        "WHERE d.status IN ('pending', 'sending', 'failed') GROUP BY a.company, d.status")}
    out = []
    for slug, document in config.documents.items():
        row = rows.get(slug) or {}
        due = next_due(config, document, parse_time(row.get("last_checked_at")), now)
        out.append(CompanyStatus(
            company=document.company, document=document.doctype, last_checked_at=row.get("last_checked_at"),
            outcome=row.get("last_outcome"),
            last_error=row.get("last_error"), next_due=format_time(due), overdue=due <= now,
            consecutive_failures=row.get("consecutive_failures") or 0,
            pending_deliveries=deliveries.get((slug, "pending"), 0) + deliveries.get((slug, "sending"), 0),
            failed_deliveries=deliveries.get((slug, "failed"), 0),
            backfilled_at=row.get("backfilled_at")))
    return out


def render_status(rows: list[CompanyStatus], daemon_pid: int | None, fmt: str = "text") -> str:
    running = daemon_pid is not None
    if fmt == "json":
        return json.dumps({"daemon": {"running": running, "pid": daemon_pid or None},
                           "companies": [asdict(r) for r in rows]}, indent=2)
    head = f"daemon: running (PID {daemon_pid or 'unknown'})" if running else "daemon: not running"
    table = [("COMPANY", "LAST CHECK", "OUTCOME", "NEXT DUE", "FAILURES", "PENDING")]
    for r in rows:
        table.append((document_key(r.company, r.document), r.last_checked_at or "never", r.outcome or "-",
                      ("now (overdue)" if r.last_checked_at else "now") if r.overdue else r.next_due, str(r.consecutive_failures),
                      str(r.pending_deliveries) + (f" ({r.failed_deliveries} failed)" if r.failed_deliveries else "")))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = [head, ""] + ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table]
    errors = [f"  {document_key(r.company, r.document)}: {r.last_error}" for r in rows if r.last_error and r.consecutive_failures]
    if errors:
        lines += ["", "last errors:"] + errors
    return "\n".join(lines)
