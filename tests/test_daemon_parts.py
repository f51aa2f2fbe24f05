"""The daemon's parts on their own: when companies are due, the job plan, reloads, stopping,
the host gap, the one-daemon lock and the one-line event log. The running process is tested in test_daemon.py."""
import io
import json
import logging
import os
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from monitor.config import load_config
from monitor.daemon.lock import DaemonRunning, acquire_lock, daemon_pid
from monitor.daemon.log import JsonFormatter, TextFormatter, event
from monitor.daemon.scheduler import ARCHIVE_DELAY, FIRST_DELAY, Daemon, HostGate
from monitor.daemon.timing import check_trigger, cron_trigger, jitter_for, next_due
from monitor.errors import ConfigError
from monitor.store import ensure_company, write
from sites import Reply, site, write_config  # noqa: F401  (site is a fixture)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
SUNDAY = datetime(2024, 5, 5, 12, 0, tzinfo=timezone.utc)


def page(title: str) -> str:
    body = "".join(f"<h2>Section {n}</h2><p>We keep your data for {n} days and never sell it.</p>" for n in range(5))
    return f"<html><body><main><h1>{title}</h1>{body}</main></body></html>"


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("""
[storage]
database = "pm.db"
[schedule]
interval = "6h"
[wayback]
refresh = "7d"
[companies.acme]
url = "https://acme.test/privacy"
[companies.globex]
url = "https://globex.test/privacy"
interval = "1d"
[companies.initech]
url = "https://initech.test/privacy"
cron = "30 6 * * 1"
""")
    return load_config(path)


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _record(db, slug, **columns):
    ensure_company(db, slug, None)
    with write(db):
        for name, value in columns.items():
            db.execute(f"UPDATE companies SET {name} = ? WHERE slug = ?", [value, slug])


def test_company_checked_recently_is_next_due_one_interval_after_its_last_check(config):
    last = NOW - timedelta(hours=1)
    assert next_due(config, config.documents["acme"], last, NOW) == last + timedelta(hours=6)
    assert next_due(config, config.documents["globex"], last, NOW) == last + timedelta(days=1)


def test_company_never_checked_is_due_now(config):
    assert next_due(config, config.documents["acme"], None, NOW) == NOW


def test_crontab_weekday_numbers_count_from_sunday():
    def weekday(expr):
        fire = cron_trigger(expr).get_next_fire_time(None, SUNDAY.astimezone())
        return fire.strftime("%a")
    assert weekday("0 6 * * 1") == "Mon"
    assert weekday("0 6 * * 0") == "Sun" and weekday("0 6 * * 7") == "Sun"
    assert weekday("0 6 * * 5-6") == "Fri"
    assert weekday("0 6 * * sat") == "Sat"


def test_bad_cron_line_is_a_config_error_naming_the_key():
    with pytest.raises(ConfigError, match="companies.acme.cron"):
        cron_trigger("every monday", "companies.acme.cron")
    with pytest.raises(ConfigError, match="day of week"):
        cron_trigger("0 6 * * 9", "companies.acme.cron")


def test_interval_trigger_carries_its_jitter(config):
    trigger = check_trigger(config, config.documents["acme"], NOW)
    assert trigger.jitter == jitter_for(6 * 3600) > 0
    fire = trigger.get_next_fire_time(None, NOW)
    assert NOW <= fire <= NOW + timedelta(seconds=trigger.jitter)


def test_plan_checks_overdue_companies_soon_and_keeps_the_rhythm_of_the_others(config):
    daemon = Daemon(config)
    db = daemon.db()
    _record(db, "acme", last_checked_at=_stamp(NOW - timedelta(hours=7)))       # overdue
    _record(db, "globex", last_checked_at=_stamp(NOW - timedelta(hours=2)))     # not yet due
    jobs = {s.id: s for s in daemon.plan(config, now=NOW)}
    acme = jobs["check:acme"].trigger.start_date
    assert NOW < acme <= NOW + timedelta(seconds=FIRST_DELAY + 1)
    assert jobs["check:globex"].trigger.start_date == NOW - timedelta(hours=2) + timedelta(days=1)


def test_plan_checks_and_backfills_each_document_of_a_company_on_its_own(tmp_path):
    path = tmp_path / "docs.toml"
    path.write_text(f"""[storage]
database = "{tmp_path / 'pm.db'}"
[companies.acme]
url = "https://acme.test/privacy"
interval = "1d"
[companies.acme.documents.cookies]
url = "https://acme.test/cookies"
wayback = false
[companies.acme.documents.terms]
url = "https://acme.test/terms"
interval = "7d"
""", encoding="utf-8")
    config = load_config(path)
    daemon = Daemon(config)
    _record(daemon.db(), "acme/terms", last_checked_at=_stamp(NOW - timedelta(days=1)))
    jobs = {s.id: s for s in daemon.plan(config, now=NOW)}
    assert {i for i in jobs if not i.startswith("deliver:")} == {
        "check:acme", "check:acme/cookies", "check:acme/terms", "archive:acme", "archive:acme/terms"}
    assert jobs["check:acme/cookies"].trigger.interval == timedelta(days=1)       # the company's interval
    assert jobs["check:acme/terms"].trigger.start_date == NOW + timedelta(days=6)


def test_plan_staggers_overdue_companies(config):
    daemon = Daemon(config)
    starts = sorted(s.trigger.start_date for s in daemon.plan(config, now=NOW)
                    if s.id in ("check:acme", "check:globex"))
    assert starts[1] > starts[0]


def test_plan_gives_an_overdue_cron_company_one_catch_up_run(config):
    daemon = Daemon(config)
    _record(daemon.db(), "initech", last_checked_at=_stamp(NOW - timedelta(days=10)))
    jobs = {s.id: s for s in daemon.plan(config, now=NOW)}
    assert jobs["catch-up:initech"].trigger.run_date <= NOW + timedelta(seconds=FIRST_DELAY + 3)
    _record(daemon.db(), "initech", last_checked_at=_stamp(NOW - timedelta(minutes=1)))
    assert "catch-up:initech" not in {s.id for s in daemon.plan(config, now=NOW)}


def test_plan_backfills_new_companies_on_the_archive_worker_and_refreshes_the_others(config):
    daemon = Daemon(config)
    checked = NOW - timedelta(days=2)
    _record(daemon.db(), "globex", backfilled_at=_stamp(NOW - timedelta(days=30)), wayback_checked_at=_stamp(checked))
    jobs = {s.id: s for s in daemon.plan(config, now=NOW)}
    assert jobs["archive:acme"].executor == "archive"
    assert jobs["archive:acme"].trigger.start_date <= NOW + timedelta(seconds=ARCHIVE_DELAY + 3)
    assert jobs["archive:globex"].trigger.start_date == checked + timedelta(days=7)


def test_plan_asks_the_archive_nothing_for_a_company_or_a_config_with_wayback_off(config):
    daemon = Daemon(config)
    config.path.write_text(config.path.read_text().replace('interval = "1d"', 'interval = "1d"\nwayback = false'))
    jobs = {s.id for s in daemon.plan(load_config(config.path), now=NOW)}
    assert "archive:globex" not in jobs and {"archive:acme", "check:globex"} <= jobs
    config.path.write_text(config.path.read_text().replace('[wayback]', '[wayback]\nenabled = false'))
    assert not [j for j in (s.id for s in daemon.plan(load_config(config.path), now=NOW)) if j.startswith("archive:")]


def test_plan_refuses_a_bad_cron_before_changing_anything(config, tmp_path):
    daemon = Daemon(config)
    text = config.path.read_text().replace('cron = "30 6 * * 1"', 'cron = "at dawn"')
    config.path.write_text(text)
    with pytest.raises(ConfigError, match="initech"):
        daemon.apply(load_config(config.path))
    assert daemon.config is config


@pytest.fixture
def paused(config):
    """A daemon whose scheduler holds its jobs but runs none."""
    daemon = Daemon(config)
    daemon.apply(config)
    daemon.scheduler.start(paused=True)
    yield daemon
    daemon.scheduler.shutdown(wait=False)


def test_reload_keeps_unchanged_jobs_and_replaces_changed_ones(config, paused):
    daemon = paused
    acme, globex = daemon.scheduler.get_job("check:acme"), daemon.scheduler.get_job("check:globex")
    config.path.write_text(config.path.read_text().replace('interval = "1d"', 'interval = "2d"'))
    added, removed = daemon.apply(load_config(config.path))
    assert (added, removed) == (0, 0)
    assert daemon.scheduler.get_job("check:acme").trigger is acme.trigger
    assert daemon.scheduler.get_job("check:globex").trigger.interval == timedelta(days=2) != globex.trigger.interval


def test_reload_removes_the_jobs_of_a_company_taken_out_of_config(config, paused):
    daemon = paused
    text = config.path.read_text()
    config.path.write_text(text[:text.index("[companies.globex]")] + text[text.index("[companies.initech]"):])
    assert daemon.apply(load_config(config.path)) == (0, 1)
    assert {j.id for j in daemon.scheduler.get_jobs() if "globex" in j.id} == set()


def test_reload_keeps_the_database_it_holds_the_lock_for(config, paused):
    config.path.write_text(config.path.read_text().replace('database = "pm.db"', 'database = "other.db"'))
    paused.apply(load_config(config.path))
    assert paused.config.database == config.database
    assert "globex" in paused.config.companies


def test_host_gate_spaces_checks_of_one_host_but_not_of_others():
    gate = HostGate()
    assert gate.reserve("acme.test", 2.0) == 0
    assert 1.9 < gate.reserve("acme.test", 2.0) <= 2.0
    assert gate.reserve("globex.test", 2.0) == 0


def test_second_lock_on_a_database_is_refused_naming_the_holder(tmp_path):
    database = tmp_path / "pm.db"
    lock = acquire_lock(database)
    try:
        with pytest.raises(DaemonRunning, match=f"PID {os.getpid()}"):
            acquire_lock(database)
        assert daemon_pid(database) == os.getpid()
    finally:
        lock.release()
    assert daemon_pid(database) is None
    acquire_lock(database).release()


def test_stop_waits_for_a_running_check_and_names_it_when_the_grace_runs_out(tmp_path, site):
    site.route("/slow", Reply(page("Privacy"), delay=1.5))
    config = load_config(write_config(tmp_path, site, companies={"acme": site.url("/slow")}))
    daemon = Daemon(config)
    running = threading.Thread(target=daemon.run_check, args=("acme",))
    running.start()
    while not site.hits("/slow"):
        time.sleep(0.01)
    assert daemon.stop(grace=0.2) == ["check:acme"]
    running.join()
    assert daemon.stop(grace=0.2) == []
    assert daemon.db().execute("SELECT count(*) FROM versions").fetchone()[0] == 1


def test_nothing_starts_once_stopping(tmp_path, site):
    site.route("/p", Reply(page("Privacy")))
    config = load_config(write_config(tmp_path, site, companies={"acme": site.url("/p")}))
    daemon = Daemon(config)
    daemon.stop(grace=0)
    daemon.run_check("acme")
    assert site.hits("/p") == 0


def _log_line(formatter, **kwargs) -> str:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    logger = logging.getLogger("policymon.daemon")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        event(**kwargs)
    finally:
        logger.removeHandler(handler)
    return buffer.getvalue()


def test_json_log_line_names_company_action_outcome_and_duration():
    line = _log_line(JsonFormatter(), action="check", outcome="changed", company="acme", duration=1.23456,
                     detail="new version")
    record = json.loads(line)
    assert (record["company"], record["action"], record["outcome"], record["duration"]) == \
        ("acme", "check", "changed", 1.235)
    assert record["detail"] == "new version" and record["time"].endswith("Z")


def test_text_log_is_one_line_of_key_values_even_for_a_multiline_detail():
    line = _log_line(TextFormatter(), action="check", outcome="failed", company="acme", duration=0.5,
                     detail='HTTP 503\nfrom "origin"')
    assert line.count("\n") == 1
    assert "company=acme action=check outcome=failed duration=0.5s" in line
    assert 'detail="HTTP 503 from \\"origin\\""' in line
