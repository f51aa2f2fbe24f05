"""Attacks on the alert path: repeated changes, crashes mid-digest, plain-text logins, header injection.

Everything runs against real parts: the local site, aiosmtpd, `policymon deliver` as a process
that is SIGKILLed mid-send.
"""
import email
import email.policy
import socket
import subprocess
import sys
import time

from alertdata import config_for, finding, smtp_settings, store_comparison, write_config
from mail import SmtpServer, free_port, smtp  # noqa: F401  (fixture)
from monitor.alerts import alert_for_comparison, deliver_pending, list_alerts
from monitor.alerts.email import alert_message
from monitor.check import check_company
from monitor.config import load_config
from monitor.store import open_db
from sites import Reply, policy_page, site, write_config as write_site_config  # noqa: F401  (fixture)

INJECTION = "=?utf-8?q?x=0D=0ABcc:_e@a?="


def test_a_change_that_repeats_an_earlier_one_alerts_every_time(tmp_path, site):
    """A→B, back to A, then A→B again: every material comparison has its own alert."""
    a, b = policy_page(notice_days=30), policy_page(notice_days=7)
    site.route("/privacy", Reply(a), Reply(b), Reply(a), Reply(b))
    config = load_config(write_site_config(tmp_path, site, companies={"acme": site.url("/privacy")},
                                           webhook={"url": "http://127.0.0.1:9/hook"}))
    db = open_db(config.database)
    results = [check_company(config, db, "acme") for _ in range(4)]
    assert [r.outcome for r in results] == ["changed"] * 4
    material = [r.comparison_id for r in results if r.material]
    alerted = {a.comparison_id: a.key for a in list_alerts(db) if a.kind == "material"}
    a_to_b = [results[1].comparison_id, results[3].comparison_id]
    assert set(a_to_b) <= set(material) and set(alerted) == set(material)
    assert alerted[a_to_b[0]] != alerted[a_to_b[1]]
    # Recording the same comparison again stays idempotent.
    assert alert_for_comparison(db, config, a_to_b[1]) == alert_for_comparison(db, config, a_to_b[1])
    assert len(list_alerts(db)) == len(material)


def _silent_smtp(port: int) -> socket.socket:
    """A server that accepts and never greets: a `deliver` run hangs mid-send until killed."""
    server = socket.create_server(("127.0.0.1", port))
    server.listen(8)
    return server


def test_a_digest_killed_mid_send_goes_out_again_with_the_same_key(tmp_path):
    port = free_port()
    path = write_config(tmp_path, email=smtp_settings(port, timeout=60), alerts={"digest_threshold": 1},
                        companies=("acme", "globex", "initech"))
    config = load_config(path)
    db = open_db(config.database)
    for company in ("acme", "globex"):
        alert_for_comparison(db, config, store_comparison(db, company, [finding(summary=f"{company} sells data")]))
    first_keys = sorted(a.key for a in list_alerts(db))

    silent = _silent_smtp(port)
    run = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(path), "deliver"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conn, _ = silent.accept()           # the run has claimed the digest and is connecting
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not db.execute(
            "SELECT count(*) FROM deliveries WHERE status = 'sending'").fetchone()[0]:
        time.sleep(0.02)
    run.kill()
    run.wait()
    conn.close()
    silent.close()
    [digest_key] = {r[0] for r in db.execute("SELECT digest_key FROM deliveries")}
    assert digest_key and digest_key.startswith("digest:")

    # One more alert arrives before the retry.
    alert_for_comparison(db, config, store_comparison(db, "initech", [finding(summary="initech sells data")]))
    server = SmtpServer(port=port).start()
    try:
        report = deliver_pending(db, config)
    finally:
        server.stop()
    assert report.sent == 3
    by_key = {m.message["X-Policymon-Delivery"]: m.message for m in server.messages}
    resent = by_key[digest_key]
    assert sorted(resent["X-Policymon-Alerts"].split()) == first_keys
    text = next(p for p in resent.walk() if p.get_content_type() == "text/plain").get_content()
    assert all(f"Alert key: {key}" in text for key in first_keys)
    [late] = [a.key for a in list_alerts(db) if a.company == "initech"]
    assert set(by_key) == {digest_key, late}


def test_password_over_plain_smtp_is_refused_unless_allowed(tmp_path, smtp, monkeypatch):
    monkeypatch.setenv("PM_SMTP_PASSWORD", "s3cret")
    config = config_for(tmp_path, email=smtp_settings(smtp.port, username="alerts", password_env="PM_SMTP_PASSWORD"))
    db = open_db(config.database)
    alert_for_comparison(db, config, store_comparison(db, "acme", [finding()]))
    report = deliver_pending(db, config)
    assert report.sent == 0 and smtp.messages == [] and smtp.logins == []
    [problem] = report.config_errors
    assert 'tls = "none" would send the SMTP password unencrypted' in problem
    assert "allow_plaintext_auth = true" in problem


def test_no_policy_text_can_add_an_email_header(tmp_path, smtp):
    """An RFC 2047 encoded word hiding CR LF + Bcc, and raw control characters, in a finding
    summary and a company's text: the message received has only its own headers."""
    config = config_for(tmp_path, email=smtp_settings(smtp.port))
    db = open_db(config.database)
    hostile = [finding(summary=f"Sells data {INJECTION} now\r\nBcc: f@a\x00")]
    alert_for_comparison(db, config, store_comparison(db, "acme", hostile))
    assert deliver_pending(db, config).sent == 1
    [received] = smtp.messages
    parsed = email.message_from_bytes(received.raw, policy=email.policy.default)
    head = received.raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert "Bcc" not in parsed and not any(line.lower().startswith(b"bcc") for line in head)
    assert received.rcpt_tos == ["privacy@example.org"]
    subject = str(parsed["Subject"])
    assert "Sells data =" in subject and "x=0D=0ABcc" in subject and "\r" not in subject
    # The same holds for the message built from an alert directly.
    [alert] = list_alerts(db)
    built = email.message_from_bytes(alert_message(alert, config.email).as_bytes(), policy=email.policy.default)
    assert sorted(set(built.keys())) == sorted({"Subject", "From", "To", "Date", "Message-ID",
                                                "X-Policymon-Delivery", "Content-Type", "MIME-Version"})


def test_an_address_with_a_line_break_is_a_configuration_error(tmp_path, smtp):
    config = config_for(tmp_path, email=smtp_settings(smtp.port, to=["privacy@example.org\r\nBcc: e@a"]))
    db = open_db(config.database)
    alert_for_comparison(db, config, store_comparison(db, "acme", [finding()]))
    report = deliver_pending(db, config)
    assert report.sent == 0 and smtp.messages == []
    assert "is not a plain address" in report.config_errors[0]
