"""Recording alerts: one per material comparison or failure streak, each with its outbox rows."""
import pytest

from alertdata import config_for, finding, smtp_settings, store_comparison
from monitor.alerts import alert_for_comparison, alert_for_fetch, list_alerts
from monitor.store import ensure_company, open_db, write

WEBHOOK = {"url": "http://127.0.0.1:9/hook"}


@pytest.fixture
def config(tmp_path):
    return config_for(tmp_path, email=smtp_settings(25), webhook=WEBHOOK)


@pytest.fixture
def db(config):
    return open_db(config.database)


def _fail(db, company, times):
    with write(db):
        db.execute("UPDATE companies SET consecutive_failures = ? WHERE slug = ?", [times, company])


def _succeed(db, company):
    _fail(db, company, 0)


def test_material_comparison_records_one_alert_with_a_delivery_per_channel(db, config):
    cid = store_comparison(db, "acme", [finding("high")])
    alert_id = alert_for_comparison(db, config, cid)
    [alert] = list_alerts(db)
    assert alert.id == alert_id and alert.kind == "material" and alert.company == "acme"
    assert alert.severity == "high"
    assert sorted((d.channel, d.status, d.attempts) for d in alert.deliveries) == \
        [("email", "pending", 0), ("webhook", "pending", 0)]


def test_alert_key_names_company_and_both_versions(db, config):
    cid = store_comparison(db, "acme", [finding()])
    alert_for_comparison(db, config, cid)
    [alert] = list_alerts(db)
    old, new = alert.payload["old"], alert.payload["new"]
    assert alert.key == f"material:acme:{old['id']}-{new['id']}:{old['sha256'][:16]}:{new['sha256'][:16]}"


def test_recording_the_same_comparison_twice_keeps_one_alert(db, config):
    cid = store_comparison(db, "acme", [finding()])
    first = alert_for_comparison(db, config, cid)
    second = alert_for_comparison(db, config, cid)
    assert first == second
    assert db.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 2


def test_subject_names_company_first_finding_and_highest_severity(db, config):
    cid = store_comparison(db, "acme", [finding("medium", "Retention extended to 5 years", category="retention"),
                                        finding("high", "Notice cut from 30 days to 7 days")])
    alert_for_comparison(db, config, cid)
    [alert] = list_alerts(db)
    assert alert.subject == "[policymon] acme: Notice cut from 30 days to 7 days (high, +1 more)"


def test_payload_lists_material_findings_in_the_json_report_shape(db, config):
    cid = store_comparison(db, "acme", [finding("high"), finding("low", "New office address", material=False,
                                                                 category="contact")])
    alert_for_comparison(db, config, cid)
    [alert] = list_alerts(db)
    [f] = alert.payload["findings"]
    assert f["summary"] == finding().summary and f["evidence"]["old"] == finding().evidence_old
    assert alert.payload["report"].startswith("policymon --config ")
    assert alert.payload["report"].endswith(
        f"diff acme --from {alert.payload['old']['id']} --to {alert.payload['new']['id']}")


def test_findings_below_min_severity_raise_no_alert(db, config):
    cid = store_comparison(db, "acme", [finding("low")])
    assert alert_for_comparison(db, config, cid) is None
    assert list_alerts(db) == []


def test_min_severity_low_alerts_on_low_findings(tmp_path):
    config = config_for(tmp_path, alerts={"min_severity": "low"}, webhook=WEBHOOK)
    db = open_db(config.database)
    cid = store_comparison(db, "acme", [finding("low")])
    assert alert_for_comparison(db, config, cid) is not None


def test_comparison_without_material_findings_raises_no_alert(db, config):
    cid = store_comparison(db, "acme", [finding("high", material=False, category="contact")])
    assert alert_for_comparison(db, config, cid) is None


def test_technical_comparison_never_alerts(db, config):
    cid = store_comparison(db, "acme", [finding("high")], technical=True)
    assert alert_for_comparison(db, config, cid) is None


def test_alert_without_configured_channels_has_no_deliveries(tmp_path):
    config = config_for(tmp_path)
    db = open_db(config.database)
    alert_for_comparison(db, config, store_comparison(db, "acme", [finding()]))
    [alert] = list_alerts(db)
    assert alert.deliveries == ()


def test_failures_below_max_failures_raise_no_alert(db, config):
    ensure_company(db, "acme")
    _fail(db, "acme", config.max_failures - 1)
    assert alert_for_fetch(db, config, "acme", False, "HTTP 503") is None


def test_reaching_max_failures_raises_one_failing_alert(db, config):
    ensure_company(db, "acme")
    _fail(db, "acme", config.max_failures)
    alert_id = alert_for_fetch(db, config, "acme", False, "HTTP 503 Service Unavailable")
    [alert] = list_alerts(db)
    assert alert.id == alert_id and alert.kind == "failing" and alert.key == "failing:acme:1"
    assert alert.payload["reason"] == "HTTP 503 Service Unavailable"
    assert len(alert.deliveries) == 2


def test_further_failures_in_the_same_streak_raise_nothing_more(db, config):
    ensure_company(db, "acme")
    _fail(db, "acme", config.max_failures)
    alert_for_fetch(db, config, "acme", False, "HTTP 503")
    for n in range(config.max_failures + 1, config.max_failures + 4):
        _fail(db, "acme", n)
        assert alert_for_fetch(db, config, "acme", False, "HTTP 503") is None
    assert len(list_alerts(db)) == 1


def test_first_success_after_a_failing_alert_raises_one_recovered_alert(db, config):
    ensure_company(db, "acme")
    _fail(db, "acme", config.max_failures)
    alert_for_fetch(db, config, "acme", False, "timeout")
    _succeed(db, "acme")
    assert alert_for_fetch(db, config, "acme", True, None) is not None
    assert alert_for_fetch(db, config, "acme", True, None) is None
    assert [a.key for a in list_alerts(db)] == ["recovered:acme:1", "failing:acme:1"]


def test_success_without_a_failing_alert_raises_nothing(db, config):
    ensure_company(db, "acme")
    _fail(db, "acme", config.max_failures - 1)
    _succeed(db, "acme")
    assert alert_for_fetch(db, config, "acme", True, None) is None


def test_a_new_failure_streak_gets_its_own_keys(db, config):
    ensure_company(db, "acme")
    for _ in range(2):
        _fail(db, "acme", config.max_failures)
        alert_for_fetch(db, config, "acme", False, "timeout")
        _succeed(db, "acme")
        alert_for_fetch(db, config, "acme", True, None)
    assert [a.key for a in reversed(list_alerts(db))] == \
        ["failing:acme:1", "recovered:acme:1", "failing:acme:2", "recovered:acme:2"]


def test_list_alerts_filters_by_company(db, config):
    alert_for_comparison(db, config, store_comparison(db, "acme", [finding()]))
    alert_for_comparison(db, config, store_comparison(db, "globex", [finding()]))
    assert [a.company for a in list_alerts(db, "globex")] == ["globex"]
    assert all(d.alert_id == a.id for a in list_alerts(db, "globex") for d in a.deliveries)
