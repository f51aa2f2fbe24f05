"""`policymon status`: each company's last check, outcome, next due time, failures and pending
deliveries, read from the database whether or not the daemon runs."""
import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from cli import policymon
from monitor.config import load_config
from monitor.daemon.lock import acquire_lock
from monitor.daemon.status import company_status
from monitor.store import ensure_company, open_db, write

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("""
[storage]
database = "pm.db"
[schedule]
interval = "6h"
[companies.acme]
url = "https://acme.test/privacy"
[companies.globex]
url = "https://globex.test/privacy"
interval = "1d"
""")
    return load_config(path)


@pytest.fixture
def db(config):
    db = open_db(config.database)
    ensure_company(db, "acme", "https://acme.test/privacy")
    with write(db):
        db.execute("UPDATE companies SET last_checked_at = '2024-05-01T10:00:00Z', last_outcome = 'failed', "
                   "last_error = 'HTTP 503 from acme.test', consecutive_failures = 2 WHERE slug = 'acme'")
    return db


def _alert(db, company: str, key: str, statuses: list[str]) -> None:
    ensure_company(db, company, None)
    with write(db):
        db.execute("INSERT INTO alerts (key, company, kind, subject, payload, created_at) "
                   "VALUES (?, ?, 'failing', 'x', '{}', '2024-05-01T10:00:00Z')", [key, company])
        alert_id = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        for channel, status in zip(("email", "webhook"), statuses):
            db.execute("INSERT INTO deliveries (alert_id, channel, status, next_attempt_at) VALUES (?, ?, ?, ?)",
                       [alert_id, channel, status, "2024-05-01T10:00:00Z"])


def test_status_shows_last_check_outcome_error_and_consecutive_failures(config, db):
    acme = company_status(config, db, now=NOW)[0]
    assert (acme.company, acme.last_checked_at, acme.outcome, acme.consecutive_failures) == \
        ("acme", "2024-05-01T10:00:00Z", "failed", 2)
    assert acme.last_error == "HTTP 503 from acme.test"


def test_next_due_is_the_last_check_plus_the_company_interval(config, db):
    acme = company_status(config, db, now=NOW)[0]
    assert acme.next_due == "2024-05-01T16:00:00Z" and not acme.overdue
    later = company_status(config, db, now=NOW + timedelta(hours=5))[0]
    assert later.overdue


def test_company_never_checked_is_overdue(config, db):
    globex = company_status(config, db, now=NOW)[1]
    assert globex.company == "globex" and globex.last_checked_at is None and globex.overdue


def test_pending_deliveries_are_counted_per_company(config, db):
    _alert(db, "acme", "a1", ["pending", "sent"])
    _alert(db, "acme", "a2", ["sending", "failed"])
    _alert(db, "globex", "g1", ["sent", "sent"])
    acme, globex = company_status(config, db, now=NOW)
    assert (acme.pending_deliveries, acme.failed_deliveries) == (2, 1)
    assert (globex.pending_deliveries, globex.failed_deliveries) == (0, 0)


def test_status_command_lists_companies_without_a_daemon(config, db):
    result = policymon("status", config=config.path)
    assert result.code == 0, result.err
    assert result.out.startswith("daemon: not running")
    acme = next(line for line in result.out.splitlines() if line.startswith("acme "))
    assert "2024-05-01T10:00:00Z" in acme and "failed" in acme
    assert "HTTP 503 from acme.test" in result.out


def test_status_command_names_the_running_daemon(config, db):
    lock = acquire_lock(config.database)      # this test process stands in for the daemon
    try:
        result = policymon("status", "--format", "json", config=config.path)
    finally:
        lock.release()
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["daemon"] == {"running": True, "pid": os.getpid()}
    assert [c["company"] for c in report["companies"]] == ["acme", "globex"]
