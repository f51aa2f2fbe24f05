"""Turn a comparison or a run of fetch failures into an alert, once, with its outbox rows.

Each alert has a stable key derived from what it is about (the comparison of two stored
versions, or the company's failure streak), so re-running a check finds the existing alert
instead of making a second one, while a change that repeats an earlier one (A→B, back to A,
then A→B again) is a new comparison of new versions and alerts again.
The alert and one delivery per configured channel are written in one transaction: an alert
without its deliveries would never be sent.
"""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

from ..config import DEFAULT_PATH, Config
from ..model import SEVERITY_RANK
from ..store import Database, company_row, document_filter, utcnow, write

_SUMMARY_MAX = 120


@dataclass(frozen=True)
class Delivery:
    """One alert through one channel, as the outbox sees it."""
    id: int
    alert_id: int
    channel: str                # email | webhook
    status: str                 # pending | sending | sent | failed
    attempts: int
    next_attempt_at: str
    last_error: str | None = None
    sent_at: str | None = None
    digest_key: str | None = None   # the digest e-mail this delivery was claimed for, if any

    @classmethod
    def from_row(cls, row: dict) -> "Delivery":
        return cls(id=row["id"], alert_id=row["alert_id"], channel=row["channel"], status=row["status"],
                   attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
                   last_error=row["last_error"], sent_at=row["sent_at"], digest_key=row.get("digest_key"))


@dataclass(frozen=True)
class Alert:
    """Something a person must hear about. `payload` holds what the kind needs: versions and
    findings (in the JSON report's shape) for 'material', failure count and reason otherwise."""
    key: str
    company: str
    kind: str                   # material | failing | recovered
    subject: str
    payload: dict
    severity: str | None = None
    comparison_id: int | None = None
    created_at: str | None = None
    id: int | None = None
    deliveries: tuple[Delivery, ...] = ()


def channels(config: Config) -> list[str]:
    return [name for name in ("email", "webhook") if getattr(config, name) is not None]


def _one_line(text: str, limit: int = _SUMMARY_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def material_subject(company: str, findings: list[dict]) -> str:
    """'[policymon] xmatters: Notice cut from 30 days to 7 days (high, +2 more)'."""
    first = findings[0]
    more = f", +{len(findings) - 1} more" if len(findings) > 1 else ""
    return f"[policymon] {company}: {_one_line(first['summary'])} ({first['severity']}{more})"


def material_key(company: str, old: dict, new: dict) -> str:
    """'material:acme:12-15:<old sha>:<new sha>': the versions' ids make a repeated change (same
    texts, newer versions) a key of its own; the hashes keep keys from two stores apart."""
    return f"material:{company}:{old['id']}-{new['id']}:{old['sha256'][:16]}:{new['sha256'][:16]}"


def _report_command(config: Config, company: str, old: dict, new: dict) -> str:
    def ref(v: dict) -> str:
        return str(v["id"]) if v.get("id") is not None else v["sha256"][:12]
    prefix = "policymon" if config.path == Path(DEFAULT_PATH) \
        else f"policymon --config {shlex.quote(str(config.path.resolve()))}"
    return f"{prefix} diff {company} --from {ref(old)} --to {ref(new)}"


def _insert(db: Database, config: Config, alert: Alert) -> int:
    """Record `alert` and its deliveries unless its key exists; returns the alert's id. Caller holds write()."""
    existing = db.execute("SELECT id FROM alerts WHERE key = ?", [alert.key]).fetchone()
    if existing:
        return existing[0]
    now = utcnow()
    db.execute("INSERT INTO alerts (key, company, kind, comparison_id, severity, subject, payload, created_at) "
               "VALUES (?,?,?,?,?,?,?,?)",
               [alert.key, alert.company, alert.kind, alert.comparison_id, alert.severity,
                alert.subject, json.dumps(alert.payload, ensure_ascii=False), now])
    alert_id = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    for channel in channels(config):
        db.execute("INSERT INTO deliveries (alert_id, channel, status, attempts, next_attempt_at) "
                   "VALUES (?, ?, 'pending', 0, ?)", [alert_id, channel, now])
    return alert_id


def alert_for_comparison(db: Database, config: Config, comparison_id: int) -> int | None:
    """The alert for a stored comparison with material findings at or above config.min_severity.

    Technical comparisons (re-extractions) never alert. Returns the alert id (the existing one
    when the comparison was already alerted), or None when there is nothing to tell."""
    existing = db.execute("SELECT id FROM alerts WHERE comparison_id = ? AND kind = 'material'",
                          [comparison_id]).fetchone()
    if existing:
        return existing[0]
    row = db.execute("SELECT company, technical, report FROM comparisons WHERE id = ?",
                     [comparison_id]).fetchone()
    if row is None or row[1]:
        return None
    company, report = row[0], json.loads(row[2])
    findings = sorted((f for f in report.get("findings", []) if f.get("material")),
                      key=lambda f: SEVERITY_RANK.get(f["severity"], 9))
    threshold = SEVERITY_RANK[config.min_severity]
    if not any(SEVERITY_RANK.get(f["severity"], 9) <= threshold for f in findings):
        return None
    old, new = report["old"], report["new"]
    alert = Alert(
        key=material_key(company, old, new), company=company, kind="material",
        subject=material_subject(company, findings), severity=findings[0]["severity"],
        comparison_id=comparison_id, payload={"old": old, "new": new, "findings": findings,
                 "report": _report_command(config, company, old, new)})
    with write(db):
        return _insert(db, config, alert)


def _streak(db: Database, company: str) -> tuple[int, dict | None]:
    """(how many failure streaks were alerted, the open 'failing' alert if not yet recovered)."""
    rows = list(db.query("SELECT * FROM alerts WHERE company = ? AND kind IN ('failing', 'recovered') "
                         "ORDER BY id", [company]))
    count = sum(1 for r in rows if r["kind"] == "failing")
    open_alert = rows[-1] if rows and rows[-1]["kind"] == "failing" else None
    return count, open_alert


def alert_for_fetch(db: Database, config: Config, company: str, ok: bool,
                    reason: str | None) -> int | None:
    """A 'failing' alert once a company's consecutive failures reach config.max_failures, and a
    'recovered' alert on the first success after that; None otherwise.

    Called after the check has updated companies.consecutive_failures. Each streak is numbered,
    so its keys ('failing:acme:2', 'recovered:acme:2') stay the same however often this runs."""
    with write(db):
        row = company_row(db, company)
        if row is None:
            return None
        count, open_alert = _streak(db, company)
        if ok:
            if open_alert is None:
                return None
            alert = Alert(key=f"recovered:{company}:{count}", company=company, kind="recovered",
                          subject=f"[policymon] {company}: the policy can be fetched again",
                          payload={"url": row["url"], "failing_since": open_alert["created_at"],
                                   "history": f"policymon history {company}"})
            return _insert(db, config, alert)
        failures = row["consecutive_failures"]
        if open_alert is not None or failures < config.max_failures:
            return None
        alert = Alert(key=f"failing:{company}:{count + 1}", company=company, kind="failing",
                      subject=f"[policymon] {company}: the policy cannot be fetched ({failures} failures in a row)",
                      payload={"url": row["url"], "failures": failures,
                               "reason": _one_line(reason, 500) if reason else None,
                               "history": f"policymon history {company}"})
        return _insert(db, config, alert)


def _alert(row: dict, deliveries: tuple[Delivery, ...] = ()) -> Alert:
    return Alert(key=row["key"], company=row["company"], kind=row["kind"], subject=row["subject"],
                 payload=json.loads(row["payload"]), severity=row["severity"],
                 comparison_id=row["comparison_id"], created_at=row["created_at"], id=row["id"],
                 deliveries=deliveries)


def load_alert(db: Database, alert_id: int) -> Alert:
    return _alert(next(db.query("SELECT * FROM alerts WHERE id = ?", [alert_id])))


def list_alerts(db: Database, company: str | None = None, limit: int | None = None) -> list[Alert]:
    """Alerts, newest first (the newest `limit`), each with its deliveries; `company` keeps a
    company's (all its documents) or one document's ('acme/cookies')."""
    where, args = document_filter("a.company", company) if company else ("", [])
    alerts = list(db.query(f"SELECT * FROM alerts a {where} ORDER BY a.id DESC LIMIT ?", args + [limit or -1]))
    if limit is not None and alerts:
        where, args = (where + " AND" if where else "WHERE") + " a.id >= ?", args + [alerts[-1]["id"]]
    by_alert: dict[int, list[Delivery]] = {}
    for r in db.query(f"SELECT d.* FROM deliveries d JOIN alerts a ON a.id = d.alert_id {where} "
                      "ORDER BY d.channel", args):
        by_alert.setdefault(r["alert_id"], []).append(Delivery.from_row(r))
    return [_alert(r, tuple(by_alert.get(r["id"], ()))) for r in alerts]


def sample_alert() -> Alert:
    """A made-up material alert for `policymon notify-test`: checks the set-up, never stored."""
    stamp = utcnow()
    findings = [{
        "category": "notice", "material": True, "severity": "high", "direction": "weaker",
        "summary": "Advance notice of changes cut from 30 days to 7 days",
        "old_value": "30 days", "new_value": "7 days", "section": "Changes to this policy",
        "evidence": {"old": "We will notify you at least 30 days before changes take effect.",
                     "new": "We will notify you at least 7 days before changes take effect."},
        "rule": None}]
    version = {"captured_at": stamp, "sha256": "0" * 64, "source": "file", "url": None, "id": None}
    return Alert(key=f"test:{stamp}", company="example", kind="material",
                 subject=material_subject("example", findings) + " [test]", severity="high",
                 payload={"old": version, "new": {**version, "sha256": "1" * 64}, "findings": findings,
                          "report": "policymon notify-test (this is a sample alert)"},
                 created_at=stamp)
