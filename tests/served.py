"""`policymon serve` as a real process on a free 127.0.0.1 port, over a store filled by real
`check` and `backfill` runs against the local site (tests/sites.py) and webhook receiver.

`filled_store(folder, site, receiver)` writes the config and runs the commands; `Served` starts
the server on it and answers `get(path)`. The module-scoped fixtures `store` and `served` do both
once for a test module: `from served import served, store`.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli import policymon
from receiver import Receiver
from sites import Reply, Site, policy_page, write_config

COOKIES = """<html><body><main><h1>Cookie Policy</h1><h2>Cookies we use</h2>
<p>We use strictly necessary cookies to keep you signed in. We do not use advertising cookies.</p>
<h2>Changes</h2><p>We will notify you at least {days} days before changes to this policy take effect.</p>
</main></body></html>"""
TERMS = """<html><body><main><h1>Terms of Service</h1><h2>Disputes</h2>
<p>{disputes}</p><h2>Changes</h2><p>We will notify you at least 30 days before changes take effect.</p>
</main></body></html>"""
COURTS = "You may bring any claim in the courts of your place of residence."
# Text that looks like markup (escaped in the page, so it is text in the policy): pages must escape it.
ARBITRATION = ("Any dispute will be resolved by binding individual arbitration, and you waive your right to a "
               "class action or a jury trial. &lt;script&gt;alert('policy')&lt;/script&gt;")
GLOBEX = "https://globex.test/privacy"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def filled_store(folder: Path, site, receiver) -> Path:
    """acme (privacy, cookies, terms) checked twice, its cookies and terms changing materially in
    between; globex backfilled from three Wayback captures (a material change among them); the
    webhook failing, so deliveries stay pending. Returns the config's path."""
    site.route("/privacy", Reply(policy_page(30)))
    site.route("/cookies", Reply(COOKIES.format(days=30)))
    site.route("/terms", Reply(TERMS.format(disputes=COURTS)))
    for year, page in ((2019, policy_page(30)), (2020, policy_page(30, retention="five years")),
                       (2021, policy_page(7, retention="five years"))):
        site.wayback.add(GLOBEX, f"{year}0601000000", page)
    receiver.answer(*[500] * 50)
    path = write_config(folder, site, companies={
        "acme": {"url": site.url("/privacy"), "name": "Acme <Corp>", "wayback": False, "documents": {
            "cookies": site.url("/cookies"), "terms": {"url": site.url("/terms"), "selector": "main"}}},
        "globex": {"url": GLOBEX}},
        alerts={"min_severity": "low", "max_attempts": 1}, webhook={"url": receiver.url, "timeout": "2s"})
    for args in (("check", "acme"), ("backfill", "globex")):
        result = policymon(*args, config=path)
        assert result.code in (0, 1), result.err
    site.route("/cookies", Reply(COOKIES.format(days=3)))
    site.route("/terms", Reply(TERMS.format(disputes=ARBITRATION)))
    assert policymon("check", "acme", config=path).code in (0, 1)
    return path


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Served:
    """`policymon serve` on `config`, started and stopped as a user would."""

    def __init__(self, config: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(config), "serve",
                                      "--port", str(self.port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.get("/healthz")
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"serve did not start: {self.proc.stderr.read()}") from None
                time.sleep(0.1)

    def get(self, path: str) -> Answer:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as resp:
                return Answer(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, e.headers, e.read())

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode, self.proc.stderr.read()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A config whose store `filled_store` filled, for the tests of one module."""
    site, receiver = Site().start(), Receiver().start()
    try:
        yield filled_store(tmp_path_factory.mktemp("served"), site, receiver)
    finally:
        site.stop()
        receiver.stop()


@pytest.fixture(scope="module")
def served(store):
    """`policymon serve` over `store`, stopped (exit 0, no traceback) after the module's tests."""
    server = Served(store)
    yield server
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err, err
