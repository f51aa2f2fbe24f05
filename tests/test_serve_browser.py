"""The served pages in a real browser: Debian's headless Chromium opens the dashboard, a company
page, a comparison and the alerts page from `policymon serve`, with name lookups mapped to
nowhere; its net log shows every request the pages asked for."""
import json
import re
import subprocess

import pytest

from reportcases import Page
from served import served, store  # noqa: F401  (fixtures)
from test_browser import CHROMIUM, FLAGS, console_messages

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed at /usr/bin/chromium "
                                       "(apt-get install -y chromium; .ci/run installs it)")


# Every name maps to nowhere but the served address itself.
SERVE_FLAGS = [f for f in FLAGS if not f.startswith("--host-resolver-rules")] + [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def browse(served, path: str, workdir, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Open the served `path`; returns the run and the URLs the page requested (itself included)."""
    workdir.mkdir(parents=True, exist_ok=True)
    netlog = workdir / "netlog.json"
    run = subprocess.run(
        [str(CHROMIUM), *SERVE_FLAGS, f"--user-data-dir={workdir / 'profile'}", "--enable-logging=stderr", "--v=0",
         f"--log-net-log={netlog}", *args, served.base + path],
        capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr[-2000:]
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    # The page's own requests carry its site (127.0.0.1) in their isolation key; the browser's
    # background ones (which the resolver rules send nowhere) carry another or none.
    requested = [e["params"]["url"] for e in log["events"] if e["type"] == start
                 and "127.0.0.1" in e.get("params", {}).get("network_isolation_key", "")]
    return run, requested


def _comparison_path(served) -> str:
    return re.search(r'href="(/companies/acme/terms/compare/\d+-\d+)"', served.get("/").text).group(1)


@pytest.mark.parametrize("path, finding", [
    ("/", "Advance notice of changes shortened from 30 days to 3 days"),
    ("/companies/globex", "Retention period lengthened"),
    (None, "disputes"),
    ("/alerts", "[policymon] acme/terms:"),
])
def test_each_page_shows_its_findings_with_no_console_error_and_no_outside_request(served, tmp_path, path,
                                                                                  finding):
    path = path or _comparison_path(served)
    run, requested = browse(served, path, tmp_path, "--dump-dom")
    text = " ".join(Page(run.stdout).text)
    assert finding in text
    assert console_messages(run.stderr) == []
    assert requested == [served.base + path]          # the page itself, and nothing more


def test_dashboard_screenshot_is_a_png(served, tmp_path):
    shot = tmp_path / "dashboard.png"
    browse(served, "/", tmp_path, f"--screenshot={shot}", "--window-size=1280,900")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
