"""When each company is due. One place, so the daemon's triggers and `policymon status` agree.

The time of the last check lives in SQLite, not in the job store: after a restart an overdue
company is checked soon and one that is not keeps its rhythm (first run = last check + interval).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..config import CompanyConfig, Config
from ..errors import ConfigError

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def parse_time(value: str | None) -> datetime | None:
    """Read a stored timestamp ('2024-05-01T12:00:00Z'); None stays None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_time(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def interval_of(config: Config, company: CompanyConfig) -> float:
    return company.interval or config.interval


def jitter_for(interval: float) -> float:
    """Up to 5% of the interval (at most 5 minutes), so companies added together drift apart."""
    return min(interval * 0.05, 300.0)


def _crontab_days(field: str, key: str) -> str:
    """Crontab counts weekdays from Sunday (0 or 7); APScheduler 3.x counts from Monday. Names
    mean the same to both, so numeric days are rewritten as names."""
    if field == "*" or field == "?":
        return "*"
    days: set[int] = set()
    for item in field.lower().split(","):
        span, _, step = item.partition("/")
        if span == "*":
            lo, hi = 0, 6
        else:
            first, _, last = span.partition("-")
            try:
                lo = _DAYS.index(first) if first in _DAYS else int(first)
                hi = (_DAYS.index(last) if last in _DAYS else int(last)) if last else lo
            except ValueError:
                raise ConfigError(f"config: {key} day of week {item!r} is not 0-7 or sun-sat") from None
            if step and not last:
                hi = 6
        if not (0 <= lo <= 7 and 0 <= hi <= 7 and lo <= hi and (not step or step.isdigit() and int(step) > 0)):
            raise ConfigError(f"config: {key} day of week {item!r} is not 0-7 or sun-sat")
        days.update(d % 7 for d in range(lo, hi + 1, int(step or 1)))
    return "*" if len(days) == 7 else ",".join(_DAYS[d] for d in sorted(days))


def cron_trigger(expr: str, key: str = "cron") -> CronTrigger:
    """A standard five-field crontab line in the machine's local time ('0 6 * * 1' = Mondays 06:00)."""
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(f"config: {key} = {expr!r} needs five fields (minute hour day month weekday), "
                          f"e.g. \"0 6 * * *\"")
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=_crontab_days(weekday, key))
    except ValueError as e:
        raise ConfigError(f"config: {key} = {expr!r} is not a crontab expression ({e}); "
                          f"write e.g. \"0 6 * * *\"") from None


def next_due(config: Config, company: CompanyConfig, last_checked: datetime | None,
             now: datetime) -> datetime:
    """The next time `company` should be checked; `now` or earlier when it is due or overdue."""
    if last_checked is None:
        return now
    if company.cron:
        trigger = cron_trigger(company.cron, f"companies.{company.slug}.cron")
        return trigger.get_next_fire_time(None, last_checked + timedelta(seconds=1))
    return last_checked + timedelta(seconds=interval_of(config, company))


def check_trigger(config: Config, company: CompanyConfig, start: datetime):
    """The company's recurring trigger: every interval from `start` (jitter inside the trigger,
    where APScheduler reads it), or its cron times."""
    if company.cron:
        return cron_trigger(company.cron, f"companies.{company.slug}.cron")
    interval = interval_of(config, company)
    return IntervalTrigger(seconds=interval, start_date=start, timezone=timezone.utc, jitter=jitter_for(interval))


def archive_due(config: Config, backfilled: datetime | None, wayback_checked: datetime | None,
                now: datetime) -> datetime:
    """A company never backfilled is due now; afterwards every `[wayback] refresh`."""
    last = wayback_checked or backfilled
    if backfilled is None or last is None:
        return now
    return last + timedelta(seconds=config.wayback_refresh)
