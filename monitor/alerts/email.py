"""Alerts as e-mail: a plain-text and an HTML part, sent with smtplib.

Policy text is untrusted (anyone can publish a policy containing markup), so every string that
comes from a policy or a company is escaped in the HTML part. The Message-ID is derived from
the alert's key, so a delivery repeated after a crash is recognisably the same message.

Header values are built by `header_value`: no control character, and no `=?` that a mail
parser could read as an RFC 2047 encoded word (one hiding a CR LF and a `Bcc:` line, say),
so no text from a policy or a config can add a header.
"""
from __future__ import annotations

import hashlib
import html
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from .. import net
from ..config import EmailConfig
from ..errors import DeliveryError
from ..model import document_noun, split_document
from .record import Alert

_QUOTE_MAX = 600
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD_JOINER = "\u2060"


def header_value(text: str) -> str:
    """`text` as one safe header line: controls become spaces, whitespace runs one space, and
    '=?' is split by an invisible word joiner so it can never open an encoded word."""
    return " ".join(_CONTROL.sub(" ", str(text)).split()).replace("=?", "=" + _WORD_JOINER + "?")


@dataclass(frozen=True)
class _Part:
    """One alert laid out once, rendered twice (text and HTML)."""
    heading: str
    facts: tuple[str, ...]
    findings: tuple[dict, ...]
    command_label: str
    command: str


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_MAX else text[:_QUOTE_MAX - 1].rstrip() + "…"


def _version_label(v: dict) -> str:
    ref = f"version {v['id']}, " if v.get("id") is not None else ""
    return f"{v.get('captured_at') or 'undated'} ({ref}sha256 {v['sha256'][:12]})"


def _part(alert: Alert) -> _Part:
    p = alert.payload
    key = f"Alert key: {alert.key}"
    company, noun = document_noun(alert.company)
    if alert.kind == "material":
        n = len(p["findings"])
        return _Part(
            heading=f"{company} changed its {noun}: {n} material finding{'s' * (n != 1)}, "
                    f"highest severity {alert.severity}.",
            facts=(f"Before: {_version_label(p['old'])}", f"After: {_version_label(p['new'])}", key),
            findings=tuple(p["findings"]), command_label="Full report", command=p["report"])
    if alert.kind == "failing":
        return _Part(
            heading=f"policymon could not fetch {company}'s {noun} {p['failures']} times in a row.",
            facts=(f"URL: {p['url']}", f"Last error: {p['reason'] or 'unknown'}",
                   "Checks continue; you will hear once when it can be fetched again.", key),
            findings=(), command_label="Check history", command=p["history"])
    return _Part(
        heading=f"policymon can fetch {company}'s {noun} again.",
        facts=(f"URL: {p['url']}", f"Failing since: {p['failing_since']}", key),
        findings=(), command_label="Check history", command=p["history"])


def _finding_meta(f: dict) -> str:
    where = f" · section \"{f['section']}\"" if f.get("section") else ""
    return f"{f['severity']} · {f['category']} · {f['direction']}{where}"


def _text(parts: list[_Part]) -> str:
    out: list[str] = []
    for part in parts:
        out += [part.heading, *part.facts, ""]
        for i, f in enumerate(part.findings, 1):
            ev = f.get("evidence") or {}
            out += [f"{i}. {f['summary']}", f"   {_finding_meta(f)}",
                    f"   Before: {_clip(ev.get('old')) or '(not in the old version)'}",
                    f"   After:  {_clip(ev.get('new')) or '(not in the new version)'}", ""]
        out += [f"{part.command_label}:", f"  {part.command}", "", ""]
    return "\n".join(out).rstrip() + "\n"


def _html(title: str, parts: list[_Part]) -> str:
    e = html.escape
    body: list[str] = []
    for part in parts:
        body.append(f"<h2>{e(part.heading)}</h2>")
        body.append("<p>" + "<br>".join(e(fact) for fact in part.facts) + "</p>")
        if part.findings:
            body.append("<ol>")
            for f in part.findings:
                ev = f.get("evidence") or {}
                old, new = _clip(ev.get("old")), _clip(ev.get("new"))
                body.append(
                    f"<li><p><strong>{e(f['summary'])}</strong><br><small>{e(_finding_meta(f))}</small></p>"
                    f"<p>Before:</p><blockquote>{e(old) if old else '<em>not in the old version</em>'}</blockquote>"
                    f"<p>After:</p><blockquote>{e(new) if new else '<em>not in the new version</em>'}</blockquote></li>")
            body.append("</ol>")
        body.append(f"<p>{e(part.command_label)}: <code>{e(part.command)}</code></p>")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{e(title)}</title></head>\n"
            f"<body>\n" + "\n".join(body) + "\n</body></html>\n")


def _message(subject: str, key: str, parts: list[_Part], config: EmailConfig,
             alert_keys: list[str] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = header_value(subject)
    msg["From"] = header_value(config.sender)
    msg["To"] = header_value(", ".join(config.to))
    msg["Date"] = formatdate(usegmt=True)
    domain = re.sub(r"[^A-Za-z0-9.-]", "", config.sender.rpartition("@")[2]) or "policymon"
    msg["Message-ID"] = f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"
    msg["X-Policymon-Delivery"] = header_value(key)
    if alert_keys:
        msg["X-Policymon-Alerts"] = header_value(" ".join(alert_keys))
    msg.set_content(_text(parts))
    msg.add_alternative(_html(subject, parts), subtype="html")
    return msg


def alert_message(alert: Alert, config: EmailConfig) -> EmailMessage:
    return _message(alert.subject, alert.key, [_part(alert)], config)


def digest_message(alerts: list[Alert], key: str, config: EmailConfig) -> EmailMessage:
    """One e-mail for many alerts, so a busy run does not flood the inbox. `key` is the digest's
    own (kept in the outbox, so a resend after a crash is the same message); each alert's key is
    in the X-Policymon-Alerts header and beside the alert in the text."""
    companies = sorted({split_document(a.company)[0] for a in alerts})
    subject = (f"[policymon] {len(alerts)} alerts for {len(companies)} companies: "
               f"{', '.join(companies[:6])}{', …' if len(companies) > 6 else ''}")
    return _message(subject, key, [_part(a) for a in alerts], config, [a.key for a in alerts])


class _SMTP(smtplib.SMTP):
    """smtplib with its socket under the current net.Deadline (greeting, TLS and all)."""

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        net.watch_current(sock)
        return sock


class _SMTPSSL(smtplib.SMTP_SSL, _SMTP):
    """SMTP_SSL wraps the socket _SMTP watched, so the TLS handshake is under the deadline too."""


def send_message(config: EmailConfig, message: EmailMessage) -> None:
    """Hand `message` to the SMTP server within config.timeout in all, however slowly the server
    drips its replies; any failure is a transient DeliveryError naming the server."""
    where = f"SMTP server {config.host}:{config.port}"
    deadline = net.Deadline(config.timeout)
    try:
        with deadline:
            _converse(config, message)
    except smtplib.SMTPServerDisconnected:
        if deadline.expired:
            raise DeliveryError(f"{where} did not finish within {config.timeout:g}s") from None
        raise DeliveryError(f"{where} closed the connection") from None
    except (OSError, smtplib.SMTPException) as e:
        if deadline.expired:
            raise DeliveryError(f"{where} did not finish within {config.timeout:g}s") from None
        raise _error(where, config, e) from None


def _converse(config: EmailConfig, message: EmailMessage) -> None:
    if config.tls == "ssl":
        smtp = _SMTPSSL(config.host, config.port, timeout=config.timeout, context=ssl.create_default_context())
    else:
        smtp = _SMTP(config.host, config.port, timeout=config.timeout)
    with smtp:                          # QUIT on the way out; a lost goodbye changes nothing
        if config.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        password = config.password
        if config.username and password:
            if config.tls == "none" and not config.allow_plaintext_auth:     # check_channel says why
                raise DeliveryError("refusing to send the SMTP password without TLS; set email.tls")
            smtp.login(config.username, password)
        smtp.send_message(message, from_addr=config.sender, to_addrs=list(config.to))


def _error(where: str, config: EmailConfig, e: Exception) -> DeliveryError:
    """The DeliveryError for what smtplib raised."""
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"{where} refused the login of {config.username!r} ({_reply(e)}); check "
                             f"email.username and the password in ${config.password_env}")
    if isinstance(e, smtplib.SMTPNotSupportedError):
        return DeliveryError(f"{where} does not offer STARTTLS; set email.tls to \"ssl\" or \"none\"")
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{addr} ({_reply_of(code, text)})" for addr, (code, text) in e.recipients.items())
        return DeliveryError(f"{where} refused every recipient: {refused}; check email.to")
    if isinstance(e, smtplib.SMTPResponseException):
        return DeliveryError(f"{where} answered {_reply(e)}")
    if isinstance(e, ssl.SSLError):
        detail = getattr(e, "verify_message", None) or e.reason or e
        return DeliveryError(f"TLS with {where} failed ({detail}); check email.tls and the server's certificate")
    if isinstance(e, TimeoutError):
        return DeliveryError(f"{where} did not answer within {config.timeout:g}s")
    return DeliveryError(f"cannot reach {where}: {getattr(e, 'strerror', None) or e}")


def _reply_of(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def _reply(e: smtplib.SMTPResponseException) -> str:
    return _reply_of(e.smtp_code, e.smtp_error)
