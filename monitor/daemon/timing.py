"""When each company is due. One place, so the daemon's triggers and `policymon status` agree.

The time of the last check lives in SQLite, not in the job store: after a restart an overdue
company is checked soon and one that is not keeps its rhythm (first run = last check + interval).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..config import DocumentConfig, Config
from ..cron import cron_trigger


def parse_time(value: str | None) -> datetime | None:
    """Read a stored timestamp ('2024-05-01T12:00:00Z'); None stays None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_time(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def interval_of(config: Config, company: DocumentConfig) -> float:
    return company.interval or config.interval


def jitter_for(interval: float) -> float:
    """Up to 5% of the interval (at most 5 minutes), so companies added together drift apart."""
    return min(interval * 0.05, 300.0)


def next_due(config: Config, company: DocumentConfig, last_checked: datetime | None,
             now: datetime) -> datetime:
    """The next time `company` should be checked; `now` or earlier when it is due or overdue."""
    if last_checked is None:
        return now
    if company.cron:
        trigger = cron_trigger(company.cron, f"{company.key} cron")
        return trigger.get_next_fire_time(None, last_checked + timedelta(seconds=1))
    return last_checked + timedelta(seconds=interval_of(config, company))


def check_trigger(config: Config, company: DocumentConfig, start: datetime):
    """The company's recurring trigger: every interval from `start` (jitter inside the trigger,
    where APScheduler reads it), or its cron times."""
    if company.cron:
        return cron_trigger(company.cron, f"{company.key} cron")
    from apscheduler.triggers.interval import IntervalTrigger      # here: `policymon status` reads this module
    interval = interval_of(config, company)
    return IntervalTrigger(seconds=interval, start_date=start, timezone=timezone.utc, jitter=jitter_for(interval))


def archive_due(config: Config, backfilled: datetime | None, wayback_checked: datetime | None,
                now: datetime) -> datetime:
    """A company never backfilled is due now; afterwards every `[wayback] refresh`."""
    last = wayback_checked or backfilled
    if backfilled is None or last is None:
        return now
    return last + timedelta(seconds=config.wayback_refresh)
