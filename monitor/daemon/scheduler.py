"""The daemon's jobs: a live check per company, an Archive job per company, the delivery loop.

Jobs live in APScheduler's memory store and are rebuilt from config.toml and the database at
start and on every reload; nothing about the schedule is persisted except what the pipeline
already records (companies.last_checked_at, backfilled_at, wayback_checked_at). Live checks run on
a bounded pool; the Archive has its own single worker so a long backfill never delays them.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..alerts.outbox import CHANNELS, deliver_pending
from ..check import backfill, check_company
from ..config import Config
from ..errors import PolicymonError
from ..fetch import WaybackClient
from ..store import company_row, open_db
from .heap import Heap
from .log import event
from .timing import archive_due, check_trigger, interval_of, next_due, parse_time

MISFIRE_GRACE = 7 * 86400     # a run late for any reason still runs (once, thanks to coalesce)
FIRST_DELAY = 1.0             # an overdue company is checked this soon after start or reload
ARCHIVE_DELAY = 5.0           # live checks get a head start on the Archive
ARCHIVE_RETRY = 3600.0        # a failed first backfill is tried again after this (or the refresh)


class Stopping(BaseException):
    """Raised inside a backfill's progress callback to abandon it between captures on shutdown.
    A BaseException so no `except Exception` in the pipeline mistakes it for a failed capture."""


class HostGate:
    """Spaces the start of checks that hit the same host by `[schedule] host_gap` seconds."""

    def __init__(self):
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, gap: float) -> float:
        """Book the host's next free slot; returns how long to wait for it."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + gap
            return slot - now


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str             # name of the Daemon method the job runs
    args: tuple
    trigger: object
    executor: str
    basis: tuple = ()     # the settings its timing follows: while they stay the same, a reload keeps the job


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()


class Daemon:
    def __init__(self, config: Config):
        self.config = config
        self.stopping = threading.Event()
        self.gate = HostGate()
        self._local = threading.local()
        self._state = threading.Condition()
        self._inflight: dict[str, float] = {}      # task name -> monotonic start
        self._archive_client = None
        self._basis: dict[str, tuple] = {}
        self._delivery_problems: dict[str, list[str]] = {}
        self.heap = Heap()              # before any thread of the pool starts
        self.scheduler = BackgroundScheduler(
            executors={"checks": ThreadPoolExecutor(config.workers),
                       "archive": ThreadPoolExecutor(1),
                       "delivery": ThreadPoolExecutor(len(CHANNELS))},
            job_defaults={"misfire_grace_time": MISFIRE_GRACE, "coalesce": True, "max_instances": 1})
        self.scheduler.add_listener(self._on_skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    # -- plan -------------------------------------------------------------------------------

    def db(self):
        """This thread's own connection: sqlite connections are never shared across threads."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self.config.database)
        return db

    def plan(self, config: Config, now: datetime | None = None) -> list[JobSpec]:
        """Every job `config` calls for, timed from what the database says was last done.
        Raises ConfigError (e.g. a bad cron line) before anything is changed."""
        now = now or datetime.now(timezone.utc)
        rows = {r["slug"]: r for r in self.db().query("SELECT * FROM companies")}     # one row per document
        specs: list[JobSpec] = []
        overdue = 0
        archive_queue = 0
        for slug, company in config.documents.items():
            row = rows.get(slug) or {}
            start = next_due(config, company, parse_time(row.get("last_checked_at")), now)
            late = start <= now
            if late:      # staggered, so a restart after a long stop does not fire every check at once
                step = min(1.0, interval_of(config, company) / len(config.documents))
                start = now + timedelta(seconds=FIRST_DELAY + overdue * step)
                overdue += 1
            basis = (company, config.interval)
            specs.append(JobSpec(f"check:{slug}", "run_check", (slug,), check_trigger(config, company, start),
                                 "checks", basis))
            if late and company.cron:     # a cron company keeps its times and catches up once
                specs.append(JobSpec(f"catch-up:{slug}", "run_check", (slug,), DateTrigger(start), "checks", basis))
            if not config.wayback_for(company):
                continue
            # No jitter here: the single Archive worker already spreads companies out.
            due = archive_due(config, parse_time(row.get("backfilled_at")), parse_time(row.get("wayback_checked_at")), now)
            if due <= now:
                due = now + timedelta(seconds=ARCHIVE_DELAY + archive_queue)
                archive_queue += 1
            specs.append(JobSpec(f"archive:{slug}", "run_archive", (slug,),
                                 IntervalTrigger(seconds=config.wayback_refresh, start_date=due, timezone=timezone.utc),
                                 "archive",
                                 (company.url, config.wayback_refresh)))
        # One delivery job per channel, each on its own thread: a receiver that hangs holds up
        # only its own channel's deliveries, never the other's.
        specs += [JobSpec(f"deliver:{channel}", "run_delivery", (channel,),
                          IntervalTrigger(seconds=config.deliver_every, start_date=now, timezone=timezone.utc),
                          "delivery", (config.deliver_every,)) for channel in CHANNELS]
        return specs

    def apply(self, config: Config) -> tuple[int, int]:
        """Switch to `config`: add, replace or remove jobs so they match it. A job whose settings did
        not change is kept as it is, so a reload never delays a check already due.
        Returns (documents added, documents removed)."""
        fixed = replace(config, database=self.config.database, snapshots=self.config.snapshots,
                        workers=self.config.workers)
        specs = self.plan(fixed)
        if fixed != config:
            event("reload", "partial", detail="[storage] paths and [schedule] workers change only on restart; "
                                             "keeping the running ones", level=logging.WARNING)
            config = fixed
        before = set(self.config.documents)
        self.config = config
        wanted = {s.id for s in specs}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()
        for s in specs:
            if self._basis.get(s.id) == s.basis and self.scheduler.get_job(s.id) is not None:
                continue
            self.scheduler.add_job(getattr(self, s.func), s.trigger, args=s.args, id=s.id, name=s.id,
                                   executor=s.executor, replace_existing=True)
        self._basis = {s.id: s.basis for s in specs}
        return len(set(config.documents) - before), len(before - set(config.documents))

    def start(self) -> None:
        self.apply(self.config)
        self.scheduler.start()

    # -- tasks ------------------------------------------------------------------------------

    @contextmanager
    def _task(self, name: str):
        """Mark a task in flight; yields False (do nothing) when stopping or already running."""
        with self._state:
            go = not self.stopping.is_set() and name not in self._inflight
            if go:
                self._inflight[name] = time.monotonic()
        if not go:
            yield False
            return
        try:
            yield True
        finally:
            with self._state:
                del self._inflight[name]
                self._state.notify_all()

    def run_check(self, slug: str) -> None:
        config = self.config
        company = config.documents.get(slug)
        if company is None:
            return
        with self._task(f"check:{slug}") as go:
            if not go:
                return
            if self.stopping.wait(self.gate.reserve(_host(company.url), config.host_gap)):
                return
            started = time.monotonic()
            try:
                result = check_company(config, self.db(), slug)
            except PolicymonError as e:
                event("check", "failed", company=slug, duration=time.monotonic() - started, detail=str(e),
                      level=logging.WARNING)
                return
            except Exception as e:     # a bug in one check must not stop the watch over the others
                event("check", "error", company=slug, duration=time.monotonic() - started,
                      detail=f"{type(e).__name__}: {e}", level=logging.ERROR)
                return
            event("check", result.outcome, company=slug, duration=time.monotonic() - started,
                  detail=_check_detail(result), level=logging.INFO if result.ok else logging.WARNING)
            self.heap.checked()
            if result.alert_ids:
                self.wake_delivery()

    def run_archive(self, slug: str) -> None:
        config = self.config
        company = config.documents.get(slug)
        if company is None:
            return
        with self._task(f"archive:{slug}") as go:
            if not go:
                return
            db = self.db()
            row = company_row(db, slug) or {}
            first = not row.get("backfilled_at")
            since = parse_time(row.get("wayback_checked_at") or row.get("backfilled_at"))
            action = "backfill" if first else "wayback-refresh"
            started = time.monotonic()
            try:
                result = backfill(config, db, slug, progress=self._archive_progress, client=self._wayback(config),
                                  start=None if first else f"{since - timedelta(days=1):%Y-%m-%d}")
            except Stopping:
                event(action, "abandoned", company=slug, duration=time.monotonic() - started,
                      detail="stopping; the next run resumes where this one left off")
                return
            except Exception as e:
                known = isinstance(e, PolicymonError)
                event(action, "failed", company=slug, duration=time.monotonic() - started,
                      detail=str(e) if known else f"{type(e).__name__}: {e}",
                      level=logging.WARNING if known else logging.ERROR)
                result = None
            if result is not None:
                event(action, "partial" if result.failed else "ok", company=slug, duration=time.monotonic() - started,
                      detail=f"{result.listed} listed, {result.downloaded} downloaded, {result.new_versions} new "
                             f"versions, {result.failed} failed, {result.invalid} invalid CDX rows refused"
                             + (f": {result.errors[0]}" if result.errors else ""),
                      level=logging.WARNING if result.failed else logging.INFO)
            if first and (result is None or result.failed):
                self._retry_archive(slug, min(ARCHIVE_RETRY, config.wayback_refresh))

    def _wayback(self, config: Config):
        """One client for every backfill, so the Archive's per-minute budget holds across companies."""
        key = (config.wayback_endpoint, config.wayback_cdx_per_minute, config.user_agent, config.fetch_timeout)
        if self._archive_client is None or self._archive_client[0] != key:
            self._archive_client = (key, WaybackClient.from_config(config))
        return self._archive_client[1]

    def _archive_progress(self, result) -> None:
        if self.stopping.is_set():
            raise Stopping()

    def _retry_archive(self, slug: str, seconds: float) -> None:
        try:
            self.scheduler.modify_job(f"archive:{slug}",
                                      next_run_time=datetime.now(timezone.utc) + timedelta(seconds=seconds))
        except JobLookupError:
            pass      # the company left config.toml meanwhile

    def run_delivery(self, channel: str) -> None:
        with self._task(f"deliver:{channel}") as go:
            if not go:
                return
            started = time.monotonic()
            try:
                report = deliver_pending(self.db(), self.config, channels=(channel,))
            except Exception as e:     # the outbox keeps everything; the next round retries
                detail = str(e) if isinstance(e, PolicymonError) else f"{type(e).__name__}: {e}"
                event("deliver", "failed", duration=time.monotonic() - started, detail=detail, level=logging.WARNING)
                return
            if report.config_errors != self._delivery_problems.get(channel, []):   # said once, not every round
                self._delivery_problems[channel] = report.config_errors
                for problem in report.config_errors:
                    event("deliver", "blocked", detail=problem, level=logging.WARNING)
            if report.sent or report.retrying or report.failed:
                outcome = "failed" if report.failed else "retrying" if report.retrying else "sent"
                detail = f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed" + \
                    (f": {report.errors[0]}" if report.errors else "")
                event("deliver", outcome, duration=time.monotonic() - started, detail=detail,
                      level=logging.INFO if outcome == "sent" else logging.WARNING)

    def wake_delivery(self) -> None:
        """Deliver now rather than at the next round: a fresh alert should not wait."""
        for channel in CHANNELS:
            try:
                self.scheduler.modify_job(f"deliver:{channel}", next_run_time=datetime.now(timezone.utc))
            except JobLookupError:
                pass

    def _on_skipped(self, ev) -> None:
        if ev.job_id.startswith("deliver:"):
            return
        kind, _, slug = ev.job_id.partition(":")
        if ev.code == EVENT_JOB_MAX_INSTANCES:
            event(kind, "skipped", company=slug, detail="the previous run is still going", level=logging.WARNING)
        else:
            event(kind, "missed", company=slug, detail=f"was due at {ev.scheduled_run_time:%Y-%m-%dT%H:%M:%S%z}",
                  level=logging.WARNING)

    # -- stop -------------------------------------------------------------------------------

    def stop(self, grace: float, hurry=lambda: False) -> list[str]:
        """No new jobs; wait up to `grace` seconds for running ones, asking `hurry()` every tenth
        of a second whether to give up sooner. Returns the tasks still running."""
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + grace
        with self._state:
            while self._inflight and time.monotonic() < deadline and not hurry():
                self._state.wait(min(0.1, max(0.0, deadline - time.monotonic())))
            return sorted(self._inflight)


def _check_detail(result) -> str | None:
    if result.outcome == "failed":
        return f"{result.reason} ({'transient' if result.transient else 'needs attention'})"
    if result.outcome == "changed":
        text = f"new version #{result.version_id}" if result.comparison_id else f"first version #{result.version_id}"
        if result.comparison_id:
            text += ", material changes" if result.material else ", no material change"
        return text + (f", {len(result.alert_ids)} alert(s)" if result.alert_ids else "")
    return result.reason
