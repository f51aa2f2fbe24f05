"""Send due deliveries: claim, send, record. Nothing is lost; a crash may repeat, never drop.

A delivery is claimed ('sending', attempts + 1, owner "host:pid") in its own transaction
before the channel is called, and recorded afterwards in another. If the process dies in
between, the row stays 'sending': a later run takes it over once its owner is gone (or its
lease has run out) and sends it again under the same idempotency key, so the receiver can
drop the repeat. Failures are retried with exponential backoff and jitter until
config.max_attempts, then the row is left 'failed' where `policymon alerts` shows it.
"""
from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..config import Config
from ..errors import ConfigError, DeliveryError
from ..store import Database, write
from .email import alert_message, digest_message, send_message
from .record import Alert, Delivery, load_alert
from .webhook import post_alert

# Per-delivery lines are INFO: the CLI prints the report itself, the daemon logs policymon at INFO.
log = logging.getLogger("policymon.alerts")

BACKOFF_FIRST = 300.0           # seconds before the first retry; doubles with every attempt
BACKOFF_MAX = 6 * 3600.0
CHANNELS = ("email", "webhook")
_ADDRESS = re.compile(r"[^\s@<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+")
CLAIM_LEASE = 900.0             # a claim older than this is presumed dead even if its pid looks alive


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0           # failed this time, will be tried again
    failed: int = 0             # gave up after config.max_attempts
    digests: int = 0            # digest e-mails sent (each counts its alerts in `sent`)
    errors: list[str] = field(default_factory=list)
    config_errors: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """One word for the daemon's log line."""
        for word, count in (("misconfigured", self.config_errors), ("failed", self.failed),
                            ("retrying", self.retrying), ("sent", self.sent)):
            if count:
                return word
        return "idle"

    def summary(self) -> str:
        digests = f" ({self.digests} digest e-mail{'s' * (self.digests != 1)})" if self.digests else ""
        return f"delivered {self.sent}{digests}, will retry {self.retrying}, failed {self.failed}"


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(owner: str | None) -> bool:
    """True when `owner` is a process on this host that no longer exists."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def backoff(attempts: int) -> float:
    """Seconds to wait after `attempts` failed attempts: doubling, capped, with 'equal jitter'
    so deliveries that failed together do not all retry at the same instant."""
    delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def check_channel(config: Config, channel: str) -> None:
    """Raise ConfigError when `channel` cannot be used as configured (nothing is attempted then)."""
    if channel == "email":
        email = config.email
        if email is None:
            raise ConfigError(f"{config.path.name} has no [email] table; add one (host, port, from, to) to "
                              f"deliver alerts by e-mail")
        if email.username and not email.password_env:
            raise ConfigError("config: email.username is set without password_env; set password_env to the name "
                              "of an environment variable holding the SMTP password")
        if email.password_env and not email.password:
            raise ConfigError(f"environment variable {email.password_env} (email.password_env) is not set; "
                              f"export it with the SMTP password")
        if email.password_env and not email.username:
            raise ConfigError("config: email.password_env is set without username; set email.username for the "
                              "SMTP login")
        if email.password_env and email.tls == "none" and not email.allow_plaintext_auth:
            raise ConfigError("config: email.tls = \"none\" would send the SMTP password unencrypted; set "
                              "email.tls = \"starttls\" (or \"ssl\"), or allow_plaintext_auth = true if the "
                              "server is on a trusted network")
        for address in (email.sender, *email.to):
            if not _ADDRESS.fullmatch(address):
                raise ConfigError(f"config: e-mail address {address!r} is not a plain address like "
                                  f"privacy@example.com; fix email.from and email.to")
    elif channel == "webhook":
        webhook = config.webhook
        if webhook is None:
            raise ConfigError(f"{config.path.name} has no [webhook] table; add one with a url to deliver "
                              f"alerts to a webhook")
        if webhook.secret_env and not webhook.secret:
            raise ConfigError(f"environment variable {webhook.secret_env} (webhook.secret_env) is not set; "
                              f"export it with the webhook signing secret")
    else:
        raise ConfigError(f"unknown delivery channel {channel!r}; use email or webhook")


def send_alert(config: Config, channel: str, alert: Alert) -> None:
    """One alert through one channel, now. Raises ConfigError or DeliveryError."""
    check_channel(config, channel)
    if channel == "email":
        send_message(config.email, alert_message(alert, config.email))
    else:
        post_alert(config.webhook, alert)


def requeue_failed(db: Database, *, now: datetime | None = None) -> int:
    """Give deliveries that gave up a fresh set of attempts (after fixing the set-up); returns how many."""
    with write(db):
        return db.execute("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? "
                          "WHERE status = 'failed'", [_iso(now or datetime.now(timezone.utc))]).rowcount


def _due(db: Database, now: str) -> list[Delivery]:
    rows = db.query("SELECT * FROM deliveries WHERE (status = 'pending' AND next_attempt_at <= ?) "
                    "OR status = 'sending' ORDER BY alert_id, channel", [now])
    return [Delivery.from_row(r) for r in rows
            if r["status"] == "pending" or r["next_attempt_at"] <= now or _owner_gone(r["claimed_by"])]


def _claim(db: Database, ids: list[int], now: datetime, *, digest: bool = False) -> list[Delivery]:
    """Take the rows of `ids` that are still due; a concurrent run may have taken some.

    `digest` files the rows taken under one digest key, written with the claim, so a digest
    interrupted by a crash is sent again later as the same e-mail (same key, same alerts)."""
    stamp, lease, owner = _iso(now), _iso(now + timedelta(seconds=CLAIM_LEASE)), _owner()
    with write(db):
        due = {d.id for d in _due(db, stamp)}
        taken = [i for i in ids if i in due]
        if not taken:
            return []
        marks = ",".join("?" * len(taken))
        if digest:
            keys = [r[0] for r in db.execute(f"SELECT DISTINCT a.key FROM deliveries d JOIN alerts a ON a.id = "
                                             f"d.alert_id WHERE d.id IN ({marks}) AND d.digest_key IS NULL", taken)]
            if keys:
                key = "digest:" + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:16]
                db.execute(f"UPDATE deliveries SET digest_key = ? WHERE id IN ({marks}) AND digest_key IS NULL",
                           [key, *taken])
        db.execute(f"UPDATE deliveries SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?, "
                   f"claimed_by = ? WHERE id IN ({marks})", [lease, owner, *taken])
        return [Delivery.from_row(r) for r in db.query(f"SELECT * FROM deliveries WHERE id IN ({marks})", taken)]


def _record(db: Database, config: Config, claimed: list[Delivery], now: datetime,
            error: str | None, report: DeliveryReport) -> None:
    owner = _owner()
    with write(db):
        for d in claimed:
            label = f"alert #{d.alert_id} {d.channel}"
            if error is None:
                db.execute("UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL, claimed_by = NULL "
                           "WHERE id = ? AND claimed_by = ?", [_iso(now), d.id, owner])
                report.sent += 1
                log.info("%s delivered (attempt %d)", label, d.attempts)
                continue
            if d.attempts >= config.max_attempts:
                status, retry_at = "failed", d.next_attempt_at
                report.failed += 1
                log.info("%s failed for good after %d attempts: %s", label, d.attempts, error)
            else:
                status, retry_at = "pending", _iso(now + timedelta(seconds=backoff(d.attempts)))
                report.retrying += 1
                log.info("%s failed (attempt %d of %d), retrying after %s: %s", label, d.attempts,
                         config.max_attempts, retry_at, error)
            db.execute("UPDATE deliveries SET status = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL "
                       "WHERE id = ? AND claimed_by = ?", [status, retry_at, error, d.id, owner])
            report.errors.append(f"{label}: {error}")


def _release(db: Database, claimed: list[Delivery], now: datetime) -> None:
    """Interrupted mid-send: hand the rows back so the next run sends them (perhaps again)."""
    with write(db):
        for d in claimed:
            db.execute("UPDATE deliveries SET status = 'pending', next_attempt_at = ?, claimed_by = NULL "
                       "WHERE id = ? AND claimed_by = ?", [_iso(now), d.id, _owner()])


def _attempt(db, config, deliveries: list[Delivery], now: datetime, send, report: DeliveryReport,
             *, digest: bool = False) -> bool:
    """Claim, send, record; True when sent."""
    claimed = _claim(db, [d.id for d in deliveries], now, digest=digest)
    if not claimed:
        return False
    try:
        send([load_alert(db, d.alert_id) for d in claimed], claimed[0].digest_key)
    except DeliveryError as e:
        _record(db, config, claimed, now, str(e), report)
        return False
    except BaseException:
        _release(db, claimed, now)
        raise
    _record(db, config, claimed, now, None, report)
    return True


def deliver_pending(db: Database, config: Config, *, now: datetime | None = None,
                    channels: tuple[str, ...] = CHANNELS) -> DeliveryReport:
    """Send every delivery through `channels` that is due. Must not be called inside a write()
    transaction: each claim and each result has to be committed on its own for a crash to lose
    nothing.

    When the e-mails due in this run concern more than config.digest_threshold companies, they
    go out as one digest; the webhook still gets one call per alert. A digest claimed before
    (and interrupted) goes out again as it was, under its key; alerts recorded since go in a
    message of their own. `now` fixes the clock (tests); otherwise each claim reads the time
    afresh, so a long run does not claim with a stale lease."""
    def clock() -> datetime:
        return now or datetime.now(timezone.utc)

    def digest(alerts: list[Alert], key: str) -> None:
        send_message(config.email, digest_message(alerts, key, config.email))

    report = DeliveryReport()
    due = [d for d in _due(db, _iso(clock())) if d.channel in channels]
    usable = set()
    for channel in sorted({d.channel for d in due}):
        try:
            check_channel(config, channel)
            usable.add(channel)
        except ConfigError as e:
            report.config_errors.append(str(e))
    due = [d for d in due if d.channel in usable]
    groups: dict[str, list[Delivery]] = {}
    for d in due:
        if d.digest_key:
            groups.setdefault(d.digest_key, []).append(d)
    for rows in groups.values():
        if _attempt(db, config, rows, clock(), digest, report, digest=True):
            report.digests += 1
    loose = [d for d in due if d.channel == "email" and not d.digest_key]
    companies = {r["company"] for r in db.query(
        f"SELECT company FROM alerts WHERE id IN ({','.join('?' * len(loose))})", [d.alert_id for d in loose])}
    if len(companies) > config.digest_threshold:
        if _attempt(db, config, loose, clock(), digest, report, digest=True):
            report.digests += 1
        loose = []
    for d in loose + [d for d in due if d.channel == "webhook"]:     # e-mails never wait behind a webhook
        _attempt(db, config, [d], clock(), lambda alerts, _key, ch=d.channel: send_alert(config, ch, alerts[0]),
                 report)
    return report
