"""`policymon run` as a real process against a local site and a local SMTP server.

One daemon run is shared by the first tests (it is the expensive part): the site serves a
policy, the daemon stores it, the policy changes, the alert e-mail arrives, a second
`policymon run` is refused, SIGTERM stops the daemon, and a restart on the same database
checks again without sending anything twice. Each test then asserts one of those behaviours.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mail import SmtpServer
from sites import Reply, Site, write_config

CASE = Path(__file__).resolve().parent / "data" / "dev" / "d06-webengage-notice-shortened"
INTERVAL = 2      # seconds between checks of a company
WAIT = 30         # seconds any single expected event may take, at most
ARCHIVED = "20200101000000"


def page(text: str) -> str:
    """A policy text as a web page: short lines are headings, the rest paragraphs."""
    body = "\n".join(f"<h2>{line}</h2>" if len(line) < 60 else f"<p>{line}</p>"
                     for line in text.splitlines() if line.strip())
    return f"<!doctype html><html><head><title>Privacy Policy</title></head><body><main>{body}</main></body></html>"


OLD = page((CASE / "old.txt").read_text(encoding="utf-8"))
NEW = page((CASE / "new.txt").read_text(encoding="utf-8"))


class Daemon:
    """A `policymon run` subprocess whose JSON log lines are collected as they arrive."""

    def __init__(self, config: Path):
        self.proc = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(config), "run",
                                      "--log-format", "json"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)
            self.events.append(json.loads(line))

    def wait_for(self, timeout: float = WAIT, **fields) -> dict:
        """The first event (from the start) whose fields include `fields`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for e in list(self.events):
                if all(e.get(k) == v for k, v in fields.items()):
                    return e
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no log event with {fields}; log:\n" + "".join(self.lines))

    def checks(self, company: str) -> list[dict]:
        return [e for e in list(self.events) if e.get("action") == "check" and e.get("company") == company]

    def wait_checks(self, company: str, count: int, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while len(self.checks(company)) < count:
            assert time.monotonic() < deadline and self.proc.poll() is None, \
                f"{company} checked {len(self.checks(company))} times, wanted {count}; log:\n" + "".join(self.lines)
            time.sleep(0.05)

    def wait(self, timeout: float = WAIT) -> int:
        """The exit code, once the process ends by itself (killed if it does not)."""
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self._reader.join(5)

    def stop(self, timeout: float = WAIT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)


def configure(tmp: Path, site: Site, smtp: SmtpServer, companies: dict) -> Path:
    return write_config(tmp, site, companies=companies,
                        schedule={"interval": f"{INTERVAL}s", "workers": 2, "host_gap": "0.05s",
                                  "deliver_every": "1s"},
                        email={"host": "127.0.0.1", "port": smtp.port, "to": ["privacy@example.com"]})


def wait_until(condition, timeout: float = WAIT, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def servers():
    site, smtp = Site().start(), SmtpServer().start()
    try:
        yield site, smtp
    finally:
        smtp.stop()
        site.stop()


@dataclass
class Story:
    """What happened in the shared run, for the tests to assert on."""
    mails_after_change: list = field(default_factory=list)
    mails_after_restart: list = field(default_factory=list)
    second: subprocess.CompletedProcess | None = None
    first_pid: int = 0
    exit_code: int | None = None
    restart_checks: list = field(default_factory=list)
    first_log: list = field(default_factory=list)
    restart_log: list = field(default_factory=list)
    archive_downloads: int = 0


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    tmp = tmp_path_factory.mktemp("daemon")
    site, smtp = Site().start(), SmtpServer().start()
    story = Story()
    try:
        site.route("/privacy", Reply(OLD))
        site.wayback.add(site.url("/privacy"), ARCHIVED, OLD.replace("1 week", "30 days"))
        config = configure(tmp, site, smtp, {"acme": site.url("/privacy")})
        daemon = Daemon(config)
        try:
            story.first_pid = daemon.proc.pid
            daemon.wait_checks("acme", 1)                     # the first version is stored
            site.route("/privacy", Reply(NEW))
            wait_until(lambda: smtp.messages, what="the alert e-mail")
            daemon.wait_checks("acme", len(daemon.checks("acme")) + 3)   # later checks see no new change
            daemon.wait_for(action="backfill", company="acme")
            time.sleep(2)                                     # and two more delivery rounds pass
            story.mails_after_change = list(smtp.messages)
            story.second = subprocess.run([sys.executable, "-m", "monitor.cli", "--config", str(config), "run"],
                                          capture_output=True, text=True, timeout=WAIT, stdin=subprocess.DEVNULL)
        finally:
            story.exit_code = daemon.stop()
            story.first_log = daemon.events
        again = Daemon(config)
        try:
            again.wait_checks("acme", 2)
            time.sleep(2)
            story.restart_checks = again.checks("acme")
            story.mails_after_restart = list(smtp.messages)
            story.archive_downloads = site.wayback.downloads[ARCHIVED]
        finally:
            again.stop()
            story.restart_log = again.events
    finally:
        smtp.stop()
        site.stop()
    return story


def test_changed_policy_produces_exactly_one_alert_email(story):
    assert len(story.mails_after_change) == 1
    mail = story.mails_after_change[0].message
    assert "acme" in mail["Subject"]
    assert mail["To"] == "privacy@example.com"


def test_second_daemon_on_the_same_database_is_refused_naming_the_first(story):
    assert story.second.returncode == 1
    lines = story.second.stderr.strip().splitlines()
    assert len(lines) == 1 and f"PID {story.first_pid}" in lines[0], story.second.stderr


def test_sigterm_stops_the_daemon_with_exit_code_0(story):
    assert story.exit_code == 0
    assert story.first_log[-1]["action"] == "stop" and story.first_log[-1]["outcome"] == "ok"


def test_sigint_lets_a_running_check_finish_then_exits_0(tmp_path, servers):
    site, smtp = servers
    site.route("/slow", Reply(OLD, delay=2))
    daemon = Daemon(configure(tmp_path, site, smtp, {"acme": site.url("/slow")}))
    wait_until(lambda: site.hits("/slow"), what="the check to start")
    daemon.proc.send_signal(signal.SIGINT)
    assert daemon.wait() == 0
    events = [(e["action"], e["outcome"]) for e in daemon.events]
    assert events.index(("stop", "requested")) < events.index(("check", "changed")) < events.index(("stop", "ok"))


def test_second_sigterm_abandons_a_running_check_without_a_partial_write(tmp_path, servers):
    site, smtp = servers
    site.route("/slow", Reply(OLD, delay=4))
    config = configure(tmp_path, site, smtp, {"acme": site.url("/slow")})
    daemon = Daemon(config)
    wait_until(lambda: site.hits("/slow"), what="the check to start")
    daemon.proc.send_signal(signal.SIGTERM)
    daemon.wait_for(action="stop", outcome="requested")
    started = time.monotonic()
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.wait() == 0
    assert time.monotonic() - started < 3
    assert daemon.events[-1]["detail"] == "abandoned check:acme"
    db = sqlite3.connect(tmp_path / "policymon.db")
    assert db.execute("SELECT (SELECT count(*) FROM snapshots) + (SELECT count(*) FROM versions) "
                      "+ (SELECT count(*) FROM checks)").fetchone()[0] == 0


def test_restart_checks_again_without_resending_the_alert(story):
    assert len(story.restart_checks) >= 2
    assert len(story.mails_after_restart) == 1


def test_new_company_is_backfilled_once_in_the_background(story):
    backfills = [e for e in story.first_log + story.restart_log if e["action"] == "backfill"]
    assert [(e["company"], e["outcome"]) for e in backfills] == [("acme", "ok")]
    assert backfills[0]["detail"].startswith("1 listed, 1 downloaded")
    assert story.archive_downloads == 1


def test_every_log_line_names_action_and_outcome_and_checks_their_company_and_duration(story):
    for e in story.first_log + story.restart_log:
        assert e["action"] and e["outcome"], e
    checks = [e for e in story.first_log if e["action"] == "check"]
    assert checks and all(e["company"] == "acme" and e["duration"] >= 0 for e in checks)


def test_sighup_reloads_config_and_checks_a_new_company(tmp_path, servers):
    site, smtp = servers
    site.route("/acme", Reply(OLD))
    site.route("/globex", Reply(OLD.replace("WebEngage", "Globex")))
    config = configure(tmp_path, site, smtp, {"acme": site.url("/acme")})
    daemon = Daemon(config)
    try:
        daemon.wait_checks("acme", 1)
        stamp = config.stat().st_mtime_ns
        configure(tmp_path, site, smtp, {"acme": site.url("/acme"), "globex": site.url("/globex")})
        os.utime(config, ns=(stamp, stamp))              # same mtime: only the signal can tell
        time.sleep(1.5)
        assert not daemon.checks("globex")
        daemon.proc.send_signal(signal.SIGHUP)
        reload = daemon.wait_for(action="reload", outcome="ok")
        assert reload["detail"].startswith("SIGHUP")
        daemon.wait_checks("globex", 1)
    finally:
        assert daemon.stop() == 0


def test_changed_config_file_is_reloaded_without_a_signal(tmp_path, servers):
    site, smtp = servers
    site.route("/acme", Reply(OLD))
    site.route("/globex", Reply(OLD.replace("WebEngage", "Globex")))
    config = configure(tmp_path, site, smtp, {"acme": site.url("/acme")})
    daemon = Daemon(config)
    try:
        daemon.wait_checks("acme", 1)
        configure(tmp_path, site, smtp, {"acme": site.url("/acme"), "globex": site.url("/globex")})
        reload = daemon.wait_for(action="reload", outcome="ok")
        assert "config.toml changed" in reload["detail"]
        daemon.wait_checks("globex", 1)
    finally:
        assert daemon.stop() == 0


@pytest.mark.parametrize("edit,problem", [
    (lambda text: text + "\n[companies.broken\n", "not valid TOML"),
    (lambda text: text.replace("interval = ", "intervall = "), "did you mean interval?"),
    (lambda text: text.replace("workers = 2", "workers = 0"), "schedule.workers = 0 is too small"),
])
def test_invalid_config_on_reload_is_one_log_line_and_the_old_one_kept(tmp_path, servers, edit, problem):
    """A reload validates as start-up and `policymon config check` do; the daemon keeps watching."""
    site, smtp = servers
    site.route("/acme", Reply(OLD))
    config = configure(tmp_path, site, smtp, {"acme": site.url("/acme")})
    daemon = Daemon(config)
    try:
        daemon.wait_checks("acme", 1)
        config.write_text(edit(config.read_text()))
        failed = daemon.wait_for(action="reload", outcome="failed")
        assert problem in failed["detail"] and "keeping the previous config" in failed["detail"]
        before = len(daemon.checks("acme"))
        daemon.wait_checks("acme", before + 1)           # still watching with the old config
        assert [e["outcome"] for e in daemon.events if e["action"] == "reload"] == ["failed"]
    finally:
        assert daemon.stop() == 0
