"""`policymon alerts`, `deliver` and `notify-test` run as a user would, and secrets kept out of sight."""
import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from alertdata import finding, smtp_settings, store_comparison, write_config
from cli import assert_one_line_error, policymon
from mail import SmtpServer, smtp  # noqa: F401  (fixture)
from monitor.alerts import alert_for_comparison, deliver_pending
from monitor.config import load_config
from monitor.store import open_db
from receiver import receiver  # noqa: F401  (fixture)

PASSWORD = "pw-Zq8#smtp-only-in-env"
SECRET = "whsec-Kx93-only-in-env"


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("PM_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("PM_WEBHOOK_SECRET", SECRET)


def _recorded(tmp_path, companies=("acme",), **channels):
    path = write_config(tmp_path, companies=companies, **channels)
    config = load_config(path)
    db = open_db(config.database)
    for company in companies:
        alert_for_comparison(db, config, store_comparison(db, company, [finding()]))
    return path, db, config


def test_alerts_lists_each_alert_with_its_deliveries(tmp_path, receiver):
    receiver.answer(500)
    path, _, _ = _recorded(tmp_path, webhook={"url": receiver.url})
    policymon("deliver", config=path)
    result = policymon("alerts", config=path)
    assert result.code == 0, result.err
    assert "[policymon] acme: Advance notice of changes cut from 30 days to 7 days (high)" in result.out
    assert "webhook  pending  1 attempt" in result.out
    assert "last error: webhook at 127.0.0.1" in result.out and "HTTP 500" in result.out


def test_alerts_json_has_deliveries_with_status_attempts_and_error(tmp_path, receiver):
    receiver.answer(500)
    path, _, _ = _recorded(tmp_path, webhook={"url": receiver.url})
    policymon("deliver", config=path)
    [alert] = json.loads(policymon("alerts", "--format", "json", config=path).out)
    assert (alert["company"], alert["kind"], alert["severity"]) == ("acme", "material", "high")
    [delivery] = alert["deliveries"]
    assert (delivery["channel"], delivery["status"], delivery["attempts"]) == ("webhook", "pending", 1)
    assert "HTTP 500" in delivery["last_error"]


def test_alerts_company_option_filters(tmp_path):
    path, _, _ = _recorded(tmp_path, companies=("acme", "globex"))
    alerts = json.loads(policymon("alerts", "--company", "globex", "--format", "json", config=path).out)
    assert [a["company"] for a in alerts] == ["globex"]


def test_alerts_of_an_unknown_company_is_an_error_naming_the_configured_ones(tmp_path):
    path, _, _ = _recorded(tmp_path, companies=("acme",))
    assert_one_line_error(policymon("alerts", "--company", "nosuch", config=path), "unknown company 'nosuch'", "acme")


def test_alerts_of_a_company_since_taken_out_of_config_are_still_listed(tmp_path):
    path, _, _ = _recorded(tmp_path, companies=("acme", "globex"))
    path.write_text(path.read_text().replace("[companies.globex]", "[companies.initech]"))
    result = policymon("alerts", "--company", "globex", "--format", "json", config=path)
    assert result.code == 0 and [a["company"] for a in json.loads(result.out)] == ["globex"]


def test_deliver_prints_counts_and_exits_0_when_a_delivery_will_be_retried(tmp_path, smtp, receiver):
    receiver.answer(500)
    path, _, _ = _recorded(tmp_path, email=smtp_settings(smtp.port), webhook={"url": receiver.url})
    result = policymon("deliver", config=path)
    assert result.code == 0
    assert result.out.strip() == "delivered 1, will retry 1, failed 0"
    assert "alert #1 webhook: webhook at 127.0.0.1" in result.err and len(smtp.messages) == 1


def test_deliver_exits_non_zero_on_a_configuration_problem(tmp_path, receiver, monkeypatch):
    monkeypatch.delenv("PM_WEBHOOK_SECRET", raising=False)
    path, _, _ = _recorded(tmp_path, webhook={"url": receiver.url, "secret_env": "PM_WEBHOOK_SECRET"})
    result = policymon("deliver", config=path)
    assert result.code == 1 and "Traceback" not in result.err
    assert "PM_WEBHOOK_SECRET" in result.err and receiver.requests == []


def test_notify_test_webhook_sends_a_signed_sample(tmp_path, receiver, secrets):
    path = write_config(tmp_path, webhook={"url": receiver.url, "secret_env": "PM_WEBHOOK_SECRET"})
    result = policymon("notify-test", "webhook", config=path)
    assert (result.code, result.out.strip()) == (0, "webhook: test alert sent")
    [request] = receiver.requests
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-policymon-signature"] == expected
    assert json.loads(request.body)["findings"]


def test_notify_test_without_channel_uses_every_configured_one(tmp_path, smtp, receiver):
    path = write_config(tmp_path, email=smtp_settings(smtp.port), webhook={"url": receiver.url})
    result = policymon("notify-test", config=path)
    assert result.code == 0 and result.out.split("\n")[:2] == ["email: test alert sent", "webhook: test alert sent"]
    assert len(smtp.messages) == 1 and smtp.messages[0].message["Subject"].strip().endswith("[test]")
    assert len(receiver.requests) == 1


def test_notify_test_reports_an_unreachable_server_in_one_line(tmp_path):
    path = write_config(tmp_path, email=smtp_settings(SmtpServer().port))   # nobody listening
    assert_one_line_error(policymon("notify-test", "email", config=path), "email: cannot reach SMTP server")


def test_notify_test_of_an_unconfigured_channel_says_what_to_add(tmp_path):
    path = write_config(tmp_path)
    assert_one_line_error(policymon("notify-test", "email", config=path), "no [email] table")


def test_no_secret_in_output_errors_logs_or_database(tmp_path, receiver, secrets, caplog):
    """SMTP login refused and webhook answering 500: errors are recorded everywhere a user
    looks, and neither the SMTP password nor the webhook secret appears in any of them."""
    server = SmtpServer(credentials=("alerts", "another-password")).start()
    receiver.answer(500, 500, 500)
    try:
        path, db, config = _recorded(
            tmp_path, email=smtp_settings(server.port, username="alerts", password_env="PM_SMTP_PASSWORD",
                                    allow_plaintext_auth=True),
            webhook={"url": receiver.url, "secret_env": "PM_WEBHOOK_SECRET"})
        outputs = [policymon("deliver", config=path)]
        with caplog.at_level(logging.DEBUG):
            report = deliver_pending(db, config, now=datetime.now(timezone.utc) + timedelta(days=1))
        outputs += [policymon("alerts", config=path), policymon("alerts", "--format", "json", config=path),
                    policymon("notify-test", config=path)]
    finally:
        server.stop()
    assert server.logins and set(server.logins) == {("alerts", PASSWORD)}     # smtplib tries PLAIN, then LOGIN
    assert len(receiver.requests) == 3 and all("x-policymon-signature" in r.headers for r in receiver.requests)
    assert "refused the login" in outputs[0].err and "HTTP 500" in outputs[0].err
    assert report.retrying == 2 and "refused the login" in " ".join(report.errors)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("pm.db*"))
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))  # not the test server's
    texts = [ours, " ".join(report.errors)] + [r.out + r.err for r in outputs]
    for secret in (PASSWORD, SECRET):
        assert secret.encode() not in stored
        assert not any(secret in text for text in texts)


def test_deliver_retry_failed_gives_failed_deliveries_another_round(tmp_path, receiver):
    receiver.answer(500)
    path, db, _ = _recorded(tmp_path, webhook={"url": receiver.url}, alerts={"max_attempts": 1})
    assert policymon("deliver", config=path).out.strip() == "delivered 0, will retry 0, failed 1"
    assert policymon("deliver", config=path).out.strip() == "delivered 0, will retry 0, failed 0"
    result = policymon("deliver", "--retry-failed", config=path)
    assert result.out.splitlines() == ["requeued 1 failed deliveries", "delivered 1, will retry 0, failed 0"]
    assert [r.status for r in receiver.requests] == [500, 200]
