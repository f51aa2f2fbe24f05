"""`policymon alerts`: alerts with the state of each delivery, as text or JSON."""
from __future__ import annotations

import json
from dataclasses import asdict

from ..model import split_document
from .record import Alert, Delivery


def _delivery_line(d: Delivery) -> str:
    attempts = f"{d.attempts} attempt{'s' * (d.attempts != 1)}"
    if d.status == "sent":
        when = f"sent {d.sent_at}"
    elif d.status == "failed":
        when = "gave up"
    else:
        when = f"next try {d.next_attempt_at}" if d.status == "pending" else "being sent now"
    line = f"    {d.channel:<8} {d.status:<8} {attempts:<11} {when}"
    return line + (f"\n             last error: {d.last_error}" if d.last_error and d.status != "sent" else "")


def alert_json(alert: Alert) -> dict:
    """An alert as `alerts --format json` and the API show it: `company` is the company's slug and
    `document` which of its documents (privacy for its policy)."""
    company, document = split_document(alert.company)
    return {**asdict(alert), "company": company, "document": document}


def render_alerts(alerts: list[Alert], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([alert_json(a) for a in alerts], ensure_ascii=False, indent=2) + "\n"
    if not alerts:
        return "no alerts\n"
    out = []
    for a in alerts:
        out.append(f"#{a.id}  {a.created_at}  {a.company}  {a.kind}" + (f"  {a.severity}" if a.severity else ""))
        out.append(f"    {a.subject}")
        out += [_delivery_line(d) for d in a.deliveries] or ["    (no channel configured when it was recorded)"]
    return "\n".join(out) + "\n"
