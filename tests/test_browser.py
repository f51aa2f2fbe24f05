"""The HTML report opened from disk by a real browser: Debian's headless Chromium.

Chromium runs with its name lookups mapped to nowhere, so neither the page nor the browser's own
background services can reach the internet; its net log shows every request the page asked for.
"""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS
from monitor.compare import compare_versions
from monitor.extract import extract
from monitor.model import Version
from monitor.report import render
from reportcases import Page

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]
PAIR = "dev/d18-xmedius-mixed"          # a moved section, a reworded sentence and a notice finding

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed at /usr/bin/chromium "
                                       "(apt-get install -y chromium; .ci/run installs it)")


def report_for(pair: Path) -> str:
    old, new = (Version(text=extract((pair / name).read_bytes(), filename=name), source="file")
                for name in ("old.txt", "new.txt"))
    return render(compare_versions(old, new, company=pair.name.split("-")[1]), "html")


def open_page(html: str, workdir: Path, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    """Open `html` as a file:// page with extra flags; returns the run and its net log."""
    workdir.mkdir(parents=True, exist_ok=True)
    page, netlog = workdir / "report.html", workdir / "netlog.json"
    page.write_text(html, encoding="utf-8")
    run = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={workdir / 'profile'}", "--enable-logging=stderr", "--v=0",
         f"--log-net-log={netlog}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr[-2000:]
    return run, netlog


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for (its requests carry the file:// site; the browser's own do not)."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in log["events"]
            if e["type"] == start and "file://" in e["params"].get("site_for_cookies", "")]


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def report_html() -> str:
    return report_for(CORPUS / PAIR)


@pytest.fixture(scope="module")
def dumped(report_html, tmp_path_factory):
    run, netlog = open_page(report_html, tmp_path_factory.mktemp("dom"), "--dump-dom")
    return run, netlog


def test_browser_shows_findings_panel_linked_to_sections(dumped):
    run, _ = dumped
    dom = Page(run.stdout)
    assert any(a.get("id") == "findings" for a in dom.named("section"))
    findings = [a for a in dom.named("li") if a.get("class", "").startswith("finding sev-")]
    assert findings and "material" in findings[0]["class"]
    assert {a["href"][1:] for a in dom.named("a") if a.get("href", "").startswith("#")} <= dom.ids


def test_browser_shows_removed_and_added_words_highlighted(dumped):
    dom = Page(dumped[0].stdout)
    assert dom.named("del") and dom.named("ins")


def test_browser_reports_no_console_errors(dumped):
    assert console_messages(dumped[0].stderr) == []


def test_page_makes_no_network_requests(dumped):
    assert page_requests(dumped[1]) == []


def test_checks_catch_a_page_that_fetches_and_logs(tmp_path):
    """The two checks above are live: a page with a remote image and a console error trips both."""
    bad = "<!DOCTYPE html><img src='http://192.0.2.1/pixel.png'><script>console.error('boom')</script>"
    run, netlog = open_page(bad, tmp_path, "--dump-dom")
    assert page_requests(netlog) == ["http://192.0.2.1/pixel.png"]
    assert any("boom" in line for line in console_messages(run.stderr))


def test_screenshot_is_a_png(report_html, tmp_path):
    shot = tmp_path / "report.png"
    open_page(report_html, tmp_path, f"--screenshot={shot}", "--window-size=1280,1600")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
