"""E-mail delivery, asserted on what a real SMTP server (aiosmtpd on 127.0.0.1) received."""
import hashlib
from datetime import datetime, timedelta, timezone

from alertdata import config_for, finding, smtp_settings, store_comparison
from mail import SmtpServer, smtp, tls_cert  # noqa: F401  (fixtures)
from monitor.alerts import alert_for_comparison, alert_for_fetch, deliver_pending, list_alerts
from monitor.store import ensure_company, open_db, write

PASSWORD = "s3cret-smtp-pa55"
HOSTILE = "Data shared with <script>alert('x')</script> partners & affiliates"


def _deliver(tmp_path, server, findings=None, **email):
    config = config_for(tmp_path, email=smtp_settings(server.port, **email))
    db = open_db(config.database)
    alert_for_comparison(db, config, store_comparison(db, "acme", findings or [finding()]))
    return db, config, deliver_pending(db, config)


def _part(message, content_type):
    [part] = [p for p in message.walk() if p.get_content_type() == content_type]
    return part.get_content()


def test_subject_names_company_first_finding_and_severity(tmp_path, smtp):
    _deliver(tmp_path, smtp)
    [received] = smtp.messages
    # .strip(): Python may fold a 70-odd character subject onto the line after "Subject:".
    assert received.message["Subject"].strip() == \
        "[policymon] acme: Advance notice of changes cut from 30 days to 7 days (high)"
    assert received.rcpt_tos == ["privacy@example.org"] and received.mail_from == "policymon@example.org"


def test_message_has_plain_text_and_html_alternatives(tmp_path, smtp):
    _deliver(tmp_path, smtp)
    message = smtp.messages[0].message
    assert message.get_content_type() == "multipart/alternative"
    text, html = _part(message, "text/plain"), _part(message, "text/html")
    for body in (text, html):
        assert finding().summary in body
        assert finding().evidence_old in body and finding().evidence_new in body


def test_text_part_ends_with_the_command_for_the_full_report(tmp_path, smtp):
    db, _, _ = _deliver(tmp_path, smtp)
    [alert] = list_alerts(db)
    text = _part(smtp.messages[0].message, "text/plain")
    assert text.rstrip().endswith(alert.payload["report"])
    assert " diff acme --from " in alert.payload["report"]


def test_html_part_escapes_policy_strings(tmp_path, smtp):
    _deliver(tmp_path, smtp, [finding(summary=HOSTILE, new=HOSTILE)])
    html = _part(smtp.messages[0].message, "text/html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; partners &amp; affiliates" in html
    assert HOSTILE in _part(smtp.messages[0].message, "text/plain")


def test_message_id_and_delivery_header_derive_from_the_alert_key(tmp_path, smtp):
    db, _, _ = _deliver(tmp_path, smtp)
    [alert] = list_alerts(db)
    message = smtp.messages[0].message
    assert message["X-Policymon-Delivery"] == alert.key
    assert message["Message-ID"] == f"<{hashlib.sha256(alert.key.encode()).hexdigest()[:32]}@example.org>"


def test_failing_alert_mail_gives_the_reason(tmp_path, smtp):
    config = config_for(tmp_path, email=smtp_settings(smtp.port))
    db = open_db(config.database)
    ensure_company(db, "acme", "https://acme.example/privacy")
    with write(db):
        db.execute("UPDATE companies SET consecutive_failures = 3 WHERE slug = 'acme'")
    alert_for_fetch(db, config, "acme", False, "HTTP 503 Service Unavailable")
    deliver_pending(db, config)
    message = smtp.messages[0].message
    assert message["Subject"].strip() == "[policymon] acme: the policy cannot be fetched (3 failures in a row)"
    assert "Last error: HTTP 503 Service Unavailable" in _part(message, "text/plain")


def test_login_uses_the_password_from_the_environment(tmp_path, monkeypatch):
    server = SmtpServer(credentials=("alerts", PASSWORD)).start()
    try:
        monkeypatch.setenv("PM_SMTP_PASSWORD", PASSWORD)
        _, _, report = _deliver(tmp_path, server, username="alerts", password_env="PM_SMTP_PASSWORD",
                                allow_plaintext_auth=True)
    finally:
        server.stop()
    assert report.sent == 1 and server.logins == [("alerts", PASSWORD)]
    assert len(server.messages) == 1


def test_refused_login_is_retried_and_the_error_omits_the_password(tmp_path, monkeypatch):
    server = SmtpServer(credentials=("alerts", "the-right-one")).start()
    try:
        monkeypatch.setenv("PM_SMTP_PASSWORD", PASSWORD)
        db, _, report = _deliver(tmp_path, server, username="alerts", password_env="PM_SMTP_PASSWORD",
                                 allow_plaintext_auth=True)
    finally:
        server.stop()
    [delivery] = list_alerts(db)[0].deliveries
    assert report.retrying == 1 and delivery.status == "pending"
    assert "refused the login" in delivery.last_error and PASSWORD not in delivery.last_error
    assert server.messages == []


def test_missing_password_variable_is_a_configuration_problem(tmp_path, smtp, monkeypatch):
    monkeypatch.delenv("PM_SMTP_PASSWORD", raising=False)
    db, _, report = _deliver(tmp_path, smtp, username="alerts", password_env="PM_SMTP_PASSWORD")
    assert report.config_errors == ["environment variable PM_SMTP_PASSWORD (email.password_env) is not set; "
                                    "export it with the SMTP password"]
    [delivery] = list_alerts(db)[0].deliveries
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_starttls_delivers_over_an_encrypted_connection(tmp_path, tls_cert, monkeypatch):
    server = SmtpServer(tls="starttls", cert=tls_cert, credentials=("alerts", PASSWORD)).start()
    try:
        monkeypatch.setenv("PM_SMTP_PASSWORD", PASSWORD)
        _, _, report = _deliver(tmp_path, server, tls="starttls", username="alerts",
                                password_env="PM_SMTP_PASSWORD")
    finally:
        server.stop()
    assert report.sent == 1 and len(server.messages) == 1 and server.logins == [("alerts", PASSWORD)]


def test_implicit_tls_delivers(tmp_path, tls_cert):
    server = SmtpServer(tls="ssl", cert=tls_cert).start()
    try:
        _, _, report = _deliver(tmp_path, server, tls="ssl")
    finally:
        server.stop()
    assert report.sent == 1 and len(server.messages) == 1


def test_untrusted_certificate_is_refused(tmp_path, tls_cert, monkeypatch):
    server = SmtpServer(tls="ssl", cert=tls_cert).start()
    monkeypatch.delenv("SSL_CERT_FILE")
    try:
        db, _, report = _deliver(tmp_path, server, tls="ssl")
    finally:
        server.stop()
    assert report.retrying == 1 and server.messages == []
    assert "certificate" in list_alerts(db)[0].deliveries[0].last_error


def test_server_down_then_up_delivers_exactly_once(tmp_path):
    server = SmtpServer()                     # port chosen, not listening yet
    db, config, first = _deliver(tmp_path, server)
    [delivery] = list_alerts(db)[0].deliveries
    assert first.retrying == 1 and delivery.status == "pending" and "cannot reach" in delivery.last_error
    server.start()
    try:
        later = datetime.now(timezone.utc) + timedelta(days=1)
        second = deliver_pending(db, config, now=later)
        third = deliver_pending(db, config, now=later + timedelta(days=1))
    finally:
        server.stop()
    assert (second.sent, third.sent) == (1, 0)
    assert len(server.messages) == 1
    [delivery] = list_alerts(db)[0].deliveries
    assert (delivery.status, delivery.attempts) == ("sent", 2)
