"""Crontab lines (`cron = "0 6 * * 1"`) as APScheduler triggers. Read when the config is loaded,
so a bad line is refused at start-up, by `policymon config check` and on reload alike."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ConfigError

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


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
    from apscheduler.triggers.cron import CronTrigger      # here: every command loads the config
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=_crontab_days(weekday, key))
    except ValueError as e:
        raise ConfigError(f"config: {key} = {expr!r} is not a crontab expression ({e}); "
                          f"write e.g. \"0 6 * * *\"") from None
