"""Alerts as a signed JSON POST.

The receiver verifies `X-Policymon-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the
shared secret, and drops repeats by `X-Policymon-Delivery` (a delivery repeated after a crash
carries the same key). The `text` field makes a chat incoming-webhook URL work as is. Error
messages name only the host: webhook URL paths are often secret tokens themselves.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from urllib.parse import urlsplit

import requests

from .. import net
from ..config import WebhookConfig
from ..errors import DeliveryError
from ..model import split_document
from .record import Alert


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(alert: Alert) -> str:
    p = alert.payload
    lines = [f"*{_slack_escape(alert.subject)}*"]
    for f in p.get("findings", []):
        values = f" ({f['old_value']} → {f['new_value']})" if f.get("old_value") and f.get("new_value") else ""
        lines.append(_slack_escape(f"• {f['severity']} · {f['category']}: {f['summary']}{values}"))
    if alert.kind == "failing":
        lines.append(_slack_escape(f"Last error: {p['reason'] or 'unknown'}"))
    command = p.get("report") or p.get("history")
    lines.append(f"`{_slack_escape(command)}`")
    return "\n".join(lines)


def webhook_body(alert: Alert) -> bytes:
    """The exact bytes posted and signed: the alert, its payload, and a chat-ready `text`."""
    company, document = split_document(alert.company)
    doc = {"key": alert.key, "company": company, "document": document, "kind": alert.kind, "severity": alert.severity,
           "subject": alert.subject, "created_at": alert.created_at, **alert.payload, "text": slack_text(alert)}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"webhook at {parts.hostname}" + (f":{parts.port}" if parts.port else "")


def post_alert(config: WebhookConfig, alert: Alert) -> None:
    """POST the alert; a non-2xx answer, a timeout or no connection is a transient DeliveryError.
    The whole exchange (connect, request, answer) ends within config.timeout, however slowly
    the receiver drips its answer."""
    body = webhook_body(alert)
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Policymon-Delivery": alert.key,
               "User-Agent": "policymon"}
    secret = config.secret
    if secret:
        headers["X-Policymon-Signature"] = signature(body, secret)
    where = _where(config.url)
    with net.Deadline(config.timeout) as deadline, net.session("policymon") as session:
        try:
            response = session.post(config.url, data=body, headers=headers, timeout=config.timeout,
                                    allow_redirects=False)
            response.content            # read the whole answer inside the deadline
            if deadline.expired:        # cut off mid-headers, the answer can even look complete
                raise requests.ConnectionError("deadline")
        except requests.RequestException as e:
            raise _error(where, config.timeout, e, deadline.expired) from None
        response.close()
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"{where} answered HTTP {response.status_code} {response.reason or ''}".rstrip())


def _error(where: str, timeout: float, e: requests.RequestException, expired: bool) -> DeliveryError:
    """The DeliveryError for a requests exception (the deadline's expiry first: it breaks the connection)."""
    if expired or isinstance(e, requests.Timeout):
        return DeliveryError(f"{where} did not answer within {timeout:g}s")
    if isinstance(e, requests.exceptions.SSLError):
        return DeliveryError(f"TLS with {where} failed; check its certificate")
    if isinstance(e, requests.ConnectionError):
        found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(e))
        return DeliveryError(f"cannot reach {where}: {found.group(1).strip() if found else 'connection failed'}")
    return DeliveryError(f"request to {where} failed ({type(e).__name__})")
