"""Hostile servers: bytes dripped one at a time (headers, body, a webhook's answer, an SMTP
greeting) end at the deadline; redirects to other hosts, ports or internal addresses are refused.

Each server is real, on 127.0.0.1; the timings asserted are the deadline plus a margin for a
busy machine, far below what a drip would otherwise take (100,000 bytes at 2 a second).
"""
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alertdata import finding, smtp_settings, store_comparison, write_config
from cli import policymon
from drip import body_drip, elapsed, greeting_drip, header_drip
from mail import SmtpServer
from monitor import net
from monitor.alerts import alert_for_comparison, sample_alert
from monitor.alerts.email import alert_message, send_message
from monitor.alerts.webhook import post_alert
from monitor.config import load_config, parse_config
from monitor.errors import DeliveryError, FetchError
from monitor.fetch import WaybackClient, fetch_live
from monitor.fetch.wayback import Capture
from monitor.store import open_db
from sites import Reply, Site, policy_page, site, write_config as write_site_config  # noqa: F401  (fixture)

DEADLINE = 2.0
MARGIN = 3.0


@pytest.fixture
def drips():
    started = []
    yield started.append
    for d in started:
        d.stop()


@pytest.mark.parametrize("make", [body_drip, header_drip], ids=["body with Content-Length", "headers"])
def test_a_dripping_page_ends_at_the_deadline(drips, make):
    server = make()
    drips(server)
    took, raised = elapsed(lambda: fetch_live(server.url("/privacy"), timeout=DEADLINE, user_agent="t"))
    assert isinstance(raised, FetchError) and raised.reason == "timeout" and raised.transient, raised
    assert f"no complete answer within {DEADLINE:g} s" in str(raised)
    assert DEADLINE <= took < DEADLINE + MARGIN


def test_check_of_a_dripping_page_fails_at_the_deadline(tmp_path, drips):
    server = body_drip()
    drips(server)
    path = write_site_config(tmp_path, companies={"acme": server.url("/privacy")}, fetch={"timeout": "2s"})
    took, result = elapsed(lambda: policymon("check", config=path))
    assert result.code == 1 and "acme: FAILED" in result.out and "no complete answer within 2 s" in result.out
    assert took < DEADLINE + MARGIN + 5          # + interpreter start-up


def test_a_dripping_archive_ends_at_the_deadline(drips):
    server = body_drip()
    drips(server)
    client = WaybackClient(server.url(""), user_agent="t", timeout=DEADLINE, cdx_per_minute=None, retries=0)
    capture = Capture(timestamp="20200101000000", original="https://acme.test/privacy", digest="X")
    took, raised = elapsed(lambda: client.download(capture))
    assert isinstance(raised, FetchError) and raised.reason == "timeout" and took < DEADLINE + MARGIN


def test_a_webhook_receiver_that_drips_its_answer_ends_at_the_deadline(drips):
    server = body_drip()
    drips(server)
    config = parse_config({"webhook": {"url": server.url("/hook"), "timeout": DEADLINE}}, Path("config.toml")).webhook
    took, raised = elapsed(lambda: post_alert(config, sample_alert()))
    assert isinstance(raised, DeliveryError) and f"did not answer within {DEADLINE:g}s" in str(raised)
    assert DEADLINE <= took < DEADLINE + MARGIN


def test_an_smtp_server_that_drips_its_greeting_ends_at_the_deadline(drips):
    server = greeting_drip()
    drips(server)
    config = parse_config({"email": {"host": "127.0.0.1", "port": server.port, "to": ["privacy@example.org"],
                                     "timeout": DEADLINE}}, Path("config.toml")).email
    took, raised = elapsed(lambda: send_message(config, alert_message(sample_alert(), config)))
    assert isinstance(raised, DeliveryError) and f"did not finish within {DEADLINE:g}s" in str(raised)
    assert DEADLINE <= took < DEADLINE + MARGIN


def test_in_the_daemon_a_dripping_webhook_does_not_delay_the_emails(tmp_path, drips):
    """Two alerts due; the webhook drips for its whole 30 s timeout. Both e-mails arrive at once."""
    hook = body_drip()
    drips(hook)
    smtp = SmtpServer().start()
    path = write_config(tmp_path, email=smtp_settings(smtp.port), webhook={"url": hook.url("/hook"), "timeout": 30},
                        companies=("acme", "globex"))
    config = load_config(path)
    db = open_db(config.database)
    for company in ("acme", "globex"):
        alert_for_comparison(db, config, store_comparison(db, company, [finding(summary=f"{company} sells data")]))
    db.conn.close()
    daemon = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(path), "run"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        started = time.monotonic()
        while len(smtp.messages) < 2 and time.monotonic() - started < 20:
            time.sleep(0.05)
        took = time.monotonic() - started
        assert len(smtp.messages) == 2 and hook.connections >= 1
        assert took < 15, f"e-mails took {took:.1f} s"
    finally:
        daemon.terminate()
        daemon.wait(30)
        smtp.stop()


# -- redirects ---------------------------------------------------------------------------------


def _refusal(site, location: str):
    site.route("/privacy", Reply(status=302, headers={"Location": location}))
    site.route("/admin", Reply("<h1>Admin</h1><p>root password: hunter2</p>"))
    with pytest.raises(FetchError) as e:
        fetch_live(site.url("/privacy"), user_agent="t", timeout=5)
    assert e.value.reason == "redirect refused" and not e.value.transient
    assert f"redirected to {location}" in str(e.value)
    return e.value


def test_a_redirect_to_a_loopback_admin_page_on_another_host_name_is_refused(site):
    error = _refusal(site, f"http://localhost:{site.port}/admin")
    assert "another site than 127.0.0.1" in str(error) and site.hits("/admin") == 0


def test_a_redirect_to_another_port_is_refused():
    admin = Site().start()
    policy = Site().start()
    try:
        admin.route("/admin", Reply("<h1>Admin</h1>"))
        error = _refusal(policy, admin.url("/admin"))
        assert f"another port ({admin.port})" in str(error) and admin.hits("/admin") == 0
    finally:
        admin.stop()
        policy.stop()


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:25/x", "http://evil.example/privacy"])
def test_a_redirect_off_http_or_to_another_site_is_refused(site, location):
    _refusal(site, location)


def test_a_refused_redirect_is_a_failed_check_saying_where_it_pointed(tmp_path, site):
    site.route("/privacy", Reply(status=301, headers={"Location": f"http://localhost:{site.port}/admin"}))
    site.route("/admin", Reply(policy_page()))
    path = write_site_config(tmp_path, site, companies={"acme": site.url("/privacy")})
    result = policymon("check", config=path)
    assert result.code == 1 and f"redirected to http://localhost:{site.port}/admin" in result.out
    with sqlite3.connect(tmp_path / "policymon.db") as conn:
        assert conn.execute("SELECT count(*) FROM versions").fetchone()[0] == 0
    assert site.hits("/admin") == 0


def test_a_host_listed_in_redirect_hosts_is_followed(site):
    site.route("/privacy", Reply(status=302, headers={"Location": f"http://localhost:{site.port}/legal"}))
    site.route("/legal", Reply(policy_page()))
    got = fetch_live(site.url("/privacy"), user_agent="t", timeout=5, redirect_hosts=("localhost",))
    assert got.final_url == f"http://localhost:{site.port}/legal" and got.status == 200


def test_the_archive_client_follows_only_the_archives_own_host(site):
    other = Site().start()
    try:
        other.route("/elsewhere", Reply(policy_page()))
        ts = "20200101000000"
        site.route(f"/archive/web/{ts}id_/https://acme.test/privacy",
                   Reply(status=302, headers={"Location": other.url("/elsewhere")}))
        client = WaybackClient(site.url("/archive"), user_agent="t", cdx_per_minute=None, retries=0)
        with pytest.raises(FetchError) as e:
            client.download(Capture(timestamp=ts, original="https://acme.test/privacy", digest="X"))
        assert e.value.reason == "redirect refused" and other.hits("/elsewhere") == 0
    finally:
        other.stop()


def test_the_address_guard_refuses_before_anything_is_sent(site):
    """What stops a public name that resolves to an internal address (DNS rebinding): the
    address a connection reached is checked before the request goes out."""
    site.route("/admin", Reply("secret"))

    def refuse(peer):
        raise FetchError(f"refused {peer}")

    with net.Deadline(5, guard=refuse), pytest.raises(FetchError, match="refused 127.0.0.1"):
        net.session("t").get(site.url("/admin"))
    assert site.hits("/admin") == 0


@pytest.mark.parametrize("address, internal", [
    ("127.0.0.1", True), ("::1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("172.16.0.1", True),
    ("169.254.169.254", True), ("fd00:ec2::254", True), ("100.100.100.200", True), ("::ffff:127.0.0.1", True),
    ("0.0.0.0", True), ("224.0.0.1", True), ("93.184.216.34", False), ("2606:4700::1111", False),
])
def test_internal_addresses_are_known(address, internal):
    assert net.internal_address(address) is internal
