"""Webhook delivery, asserted on what a real HTTP receiver on 127.0.0.1 got."""
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest

from alertdata import config_for, finding, store_comparison
from monitor.alerts import alert_for_comparison, deliver_pending, list_alerts
from monitor.store import open_db
from receiver import receiver  # noqa: F401  (fixture)

SECRET = "whsec-9f8e7d6c5b4a"


@pytest.fixture
def signed(monkeypatch):
    monkeypatch.setenv("PM_WEBHOOK_SECRET", SECRET)
    return {"secret_env": "PM_WEBHOOK_SECRET"}


def _setup(tmp_path, receiver, findings=None, **webhook):
    config = config_for(tmp_path, webhook={"url": receiver.url, "timeout": 5, **webhook})
    db = open_db(config.database)
    alert_for_comparison(db, config, store_comparison(db, "acme", findings or [finding()]))
    return db, config


def test_signature_is_hmac_sha256_of_the_raw_body_with_the_secret(tmp_path, receiver, signed):
    db, config = _setup(tmp_path, receiver, **signed)
    deliver_pending(db, config)
    [request] = receiver.requests
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-policymon-signature"] == f"sha256={expected}"


def test_payload_carries_company_kind_versions_and_findings(tmp_path, receiver, signed):
    db, config = _setup(tmp_path, receiver, **signed)
    deliver_pending(db, config)
    body = json.loads(receiver.requests[0].body)
    [alert] = list_alerts(db)
    assert (body["company"], body["kind"], body["severity"]) == ("acme", "material", "high")
    assert body["old"]["sha256"] == alert.payload["old"]["sha256"] != body["new"]["sha256"]
    [f] = body["findings"]
    assert {k: f[k] for k in ("category", "severity", "summary", "old_value", "new_value")} == \
        {"category": "notice", "severity": "high", "summary": finding().summary, "old_value": "30 days",
         "new_value": "7 days"}
    assert f["evidence"] == {"old": finding().evidence_old, "new": finding().evidence_new}
    assert body["report"] == alert.payload["report"]


def test_payload_has_a_slack_text_with_markup_escaped(tmp_path, receiver):
    db, config = _setup(tmp_path, receiver, [finding(summary="Shared with <b>partners</b> & co")])
    deliver_pending(db, config)
    text = json.loads(receiver.requests[0].body)["text"]
    assert text.startswith("*[policymon] acme: Shared with &lt;b&gt;partners&lt;/b&gt; &amp; co (high)*")
    assert "<b>" not in text


def test_delivery_header_is_the_alert_key(tmp_path, receiver):
    db, config = _setup(tmp_path, receiver)
    deliver_pending(db, config)
    assert receiver.requests[0].headers["x-policymon-delivery"] == list_alerts(db)[0].key
    assert receiver.requests[0].headers["content-type"].startswith("application/json")


def test_unsigned_when_no_secret_is_configured(tmp_path, receiver):
    db, config = _setup(tmp_path, receiver)
    deliver_pending(db, config)
    assert "x-policymon-signature" not in receiver.requests[0].headers


def test_500_twice_then_200_delivers_on_the_third_attempt_recorded_once(tmp_path, receiver, signed):
    receiver.answer(500, 500, 200)
    db, config = _setup(tmp_path, receiver, **signed)
    now = datetime.now(timezone.utc)
    reports = [deliver_pending(db, config, now=now + timedelta(days=day)) for day in range(4)]
    assert [(r.sent, r.retrying) for r in reports] == [(0, 1), (0, 1), (1, 0), (0, 0)]
    assert [r.status for r in receiver.requests] == [500, 500, 200]
    assert len({r.headers["x-policymon-delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    [alert] = list_alerts(db)
    [delivery] = alert.deliveries
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, None)


def test_non_2xx_error_names_the_status_but_not_the_url_path(tmp_path, receiver):
    receiver.answer(503)
    db, config = _setup(tmp_path, receiver)
    deliver_pending(db, config)
    error = list_alerts(db)[0].deliveries[0].last_error
    assert "HTTP 503" in error and "/hooks/policymon" not in error


def test_retry_waits_for_the_backoff(tmp_path, receiver):
    receiver.answer(500)
    db, config = _setup(tmp_path, receiver)
    now = datetime.now(timezone.utc)
    deliver_pending(db, config, now=now)
    assert deliver_pending(db, config, now=now + timedelta(seconds=10)).sent == 0
    assert len(receiver.requests) == 1


def test_timeout_is_a_failure_to_retry(tmp_path, receiver):
    receiver.hold(1)
    db, config = _setup(tmp_path, receiver, timeout=0.5)
    report = deliver_pending(db, config)
    receiver.release()
    [delivery] = list_alerts(db)[0].deliveries
    assert report.retrying == 1 and delivery.status == "pending"
    assert "did not answer within 0.5s" in delivery.last_error


def test_gives_up_after_max_attempts_and_stays_visible_as_failed(tmp_path, receiver):
    receiver.answer(500, 500, 500)
    config = config_for(tmp_path, webhook={"url": receiver.url}, alerts={"max_attempts": 3})
    db = open_db(config.database)
    alert_for_comparison(db, config, store_comparison(db, "acme", [finding()]))
    now = datetime.now(timezone.utc)
    reports = [deliver_pending(db, config, now=now + timedelta(days=day)) for day in range(5)]
    assert [r.failed for r in reports] == [0, 0, 1, 0, 0]
    assert len(receiver.requests) == 3
    [delivery] = list_alerts(db)[0].deliveries
    assert (delivery.status, delivery.attempts) == ("failed", 3) and "HTTP 500" in delivery.last_error


def test_missing_secret_variable_is_a_configuration_problem(tmp_path, receiver, monkeypatch):
    monkeypatch.delenv("PM_WEBHOOK_SECRET", raising=False)
    db, config = _setup(tmp_path, receiver, secret_env="PM_WEBHOOK_SECRET")
    report = deliver_pending(db, config)
    assert report.config_errors and "PM_WEBHOOK_SECRET" in report.config_errors[0]
    assert receiver.requests == []
    assert list_alerts(db)[0].deliveries[0].attempts == 0
