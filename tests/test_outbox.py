"""The outbox: due deliveries are sent once, crashes repeat rather than lose, busy runs send a digest."""
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from alertdata import config_for, finding, smtp_settings, store_comparison, write_config
from mail import smtp  # noqa: F401  (fixture)
from monitor.alerts import alert_for_comparison, deliver_pending, list_alerts
from monitor.alerts.outbox import BACKOFF_FIRST, BACKOFF_MAX, backoff
from monitor.config import load_config
from monitor.store import open_db, write
from receiver import receiver  # noqa: F401  (fixture)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _alerts(db, config, companies):
    for company in companies:
        alert_for_comparison(db, config, store_comparison(db, company, [finding(summary=f"{company} sells data")]))


def _statuses(db):
    return sorted(d.status for a in list_alerts(db) for d in a.deliveries)


def test_sent_deliveries_are_not_sent_again(tmp_path, receiver):
    config = config_for(tmp_path, webhook={"url": receiver.url})
    db = open_db(config.database)
    _alerts(db, config, ["acme", "globex"])
    first = deliver_pending(db, config)
    second = deliver_pending(db, config, now=datetime.now(timezone.utc) + timedelta(days=30))
    assert (first.sent, second.sent) == (2, 0) and len(receiver.requests) == 2


def test_more_companies_than_the_threshold_get_one_digest_email(tmp_path, smtp, receiver):
    companies = [f"co{i}" for i in range(6)]
    config = config_for(tmp_path, email=smtp_settings(smtp.port), webhook={"url": receiver.url},
                        companies=tuple(companies))
    db = open_db(config.database)
    _alerts(db, config, companies)
    report = deliver_pending(db, config)
    assert report.digests == 1 and report.sent == 12
    [digest] = smtp.messages
    text = next(p for p in digest.message.walk() if p.get_content_type() == "text/plain").get_content()
    assert all(f"{c} sells data" in text for c in companies)
    assert "6 alerts for 6 companies" in digest.message["Subject"]
    assert len(receiver.requests) == 6
    assert _statuses(db) == ["sent"] * 12


def test_companies_at_the_threshold_get_one_email_each(tmp_path, smtp):
    companies = [f"co{i}" for i in range(5)]
    config = config_for(tmp_path, email=smtp_settings(smtp.port), companies=tuple(companies))
    db = open_db(config.database)
    _alerts(db, config, companies)
    report = deliver_pending(db, config)
    assert report.digests == 0 and len(smtp.messages) == 5


def test_digest_threshold_comes_from_the_config(tmp_path, smtp):
    config = config_for(tmp_path, email=smtp_settings(smtp.port), alerts={"digest_threshold": 1},
                        companies=("acme", "globex"))
    db = open_db(config.database)
    _alerts(db, config, ["acme", "globex"])
    assert deliver_pending(db, config).digests == 1 and len(smtp.messages) == 1


def test_row_left_sending_by_a_dead_process_is_sent_again(tmp_path, receiver):
    config = config_for(tmp_path, webhook={"url": receiver.url})
    db = open_db(config.database)
    _alerts(db, config, ["acme"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with write(db):
        db.execute("UPDATE deliveries SET status = 'sending', attempts = 1, claimed_by = ?, next_attempt_at = ?",
                   [f"{socket.gethostname()}:{dead.pid}", "2999-01-01T00:00:00Z"])
    assert deliver_pending(db, config).sent == 1 and len(receiver.requests) == 1


def test_row_being_sent_by_a_live_process_waits_for_its_lease(tmp_path, receiver):
    config = config_for(tmp_path, webhook={"url": receiver.url})
    db = open_db(config.database)
    _alerts(db, config, ["acme"])
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    now = datetime.now(timezone.utc)
    lease_end = now + timedelta(minutes=15)
    try:
        with write(db):
            db.execute("UPDATE deliveries SET status = 'sending', attempts = 1, claimed_by = ?, next_attempt_at = ?",
                       [f"{socket.gethostname()}:{alive.pid}", lease_end.strftime("%Y-%m-%dT%H:%M:%SZ")])
        assert deliver_pending(db, config, now=now).sent == 0
        assert deliver_pending(db, config, now=lease_end + timedelta(seconds=1)).sent == 1
    finally:
        alive.kill()
        alive.wait()
    assert len(receiver.requests) == 1


def test_backoff_doubles_with_jitter_up_to_a_cap():
    for attempts in range(1, 12):
        ceiling = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (attempts - 1))
        draws = {backoff(attempts) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in draws)
        assert len(draws) > 1


def test_killed_deliver_run_is_finished_by_the_next_without_resending(tmp_path, receiver):
    """SIGKILL `policymon deliver` while the webhook holds its 2nd request; a second run
    sends the rest, and what the first run recorded as sent is not sent again."""
    receiver.hold(2)
    path = write_config(tmp_path, webhook={"url": receiver.url, "timeout": 20},
                        companies=("acme", "globex", "initech"))
    config = load_config(path)
    db = open_db(config.database)
    _alerts(db, config, ["acme", "globex", "initech"])
    keys = [a.key for a in reversed(list_alerts(db))]

    argv = [sys.executable, "-m", "monitor.cli", "--config", str(path), "deliver"]
    run = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while len(receiver.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(receiver.requests) == 2, "the first run never reached the held request"
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert _statuses(db) == ["pending", "sending", "sent"]
    receiver.release()

    again = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "delivered 2, will retry 0, failed 0"
    received = Counter(r.headers["x-policymon-delivery"] for r in receiver.requests)
    assert received == {keys[0]: 1, keys[1]: 2, keys[2]: 1}
    assert _statuses(db) == ["sent"] * 3
