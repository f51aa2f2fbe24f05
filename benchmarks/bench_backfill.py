"""Backfill a 1,000-capture Wayback history from a local archive and measure it.

The test suite's local server plays the Wayback Machine (CDX JSON with resume keys, `id_`
captures) with no rate limit. Every capture has its own digest (the markup changes each
time, as a site's build stamps do) and the policy text changes every tenth capture, so a
backfill downloads every capture, stores each as a snapshot and keeps about one in ten as
a version. Both programs run as child processes; printed:

- captures per second for `policymon backfill`, and for a baseline measured in the same run:
  a bare `requests` loop over the same CDX pages and captures (no store, no extraction);
- the same for a rerun, where every capture is already stored (nothing is downloaded);
- peak memory (max RSS of each child process).

    .venv/bin/python benchmarks/bench_backfill.py [--captures 1000] [--page-size 500]
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sites import Site, write_config  # noqa: E402

SEED = ROOT / "tests" / "data" / "dev" / "d06-webengage-notice-shortened" / "old.txt"
POLICY = "https://acme.test/privacy"

BASELINE = r"""
import json, sys, requests
endpoint, url, page_size = sys.argv[1], sys.argv[2], sys.argv[3]
s = requests.Session()
params = {"url": url, "output": "json", "filter": "statuscode:200", "collapse": "digest",
          "showResumeKey": "true", "limit": page_size}
count = 0
while True:
    rows = s.get(endpoint + "/cdx/search/cdx", params=params, timeout=30).json()
    resume = rows[-1][0] if len(rows) > 2 and rows[-2] == [] else None
    for row in rows[1:-2] if resume else rows[1:]:
        s.get(f"{endpoint}/web/{row[1]}id_/{row[2]}", timeout=30).content
        count += 1
    if not resume:
        break
    params["resumeKey"] = resume
print(count)
"""


def page(i: int) -> str:
    """The seed policy as HTML; its text changes every tenth capture, its markup every capture."""
    text = SEED.read_text(encoding="utf-8").replace("at least 1 week", f"at least {1 + i // 10} weeks")
    body = "\n".join(f"<h2>{line}</h2>" if len(line) < 60 else f"<p>{line}</p>"
                     for line in text.splitlines() if line.strip())
    return (f"<!doctype html><html><head><title>Privacy Policy</title><script src='/app.{i:06d}.js'></script>"
            f"</head><body><main>{body}</main></body></html>")


def child_peak(args: list[str]) -> tuple[float, int, str]:
    """Run a child, returning (seconds, its own max RSS in KiB, its stdout+stderr)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args[2:])} failed: {text.strip()}")
    return elapsed, usage.ru_maxrss, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=1000)
    parser.add_argument("--page-size", type=int, default=500, help="CDX rows per answer (resume keys beyond)")
    args = parser.parse_args()

    site = Site().start()
    site.wayback.page_size = args.page_size
    start = datetime(2005, 1, 1)
    for i in range(args.captures):
        site.wayback.add(POLICY, (start + timedelta(days=3 * i, seconds=i)).strftime("%Y%m%d%H%M%S"), page(i))
    size = sum(len(c.body) for c in site.wayback.captures) / len(site.wayback.captures)
    work = Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    config = write_config(work, site, companies={"acme": POLICY}, wayback={"cdx_per_minute": 1_000_000})
    try:
        base_s, base_rss, _ = child_peak([sys.executable, "-c", BASELINE, site.wayback.endpoint, POLICY,
                                          str(args.page_size)])
        site.wayback.downloads.clear()
        run_s, run_rss, run_out = child_peak([sys.executable, "-m", "monitor.cli", "--config", str(config),
                                              "backfill", "acme"])
        downloads = sum(site.wayback.downloads.values())
        again_s, again_rss, _ = child_peak([sys.executable, "-m", "monitor.cli", "--config", str(config),
                                            "backfill", "acme"])
        db = sqlite3.connect(work / "policymon.db")
        versions = db.execute("SELECT count(*) FROM versions").fetchone()[0]
        snapshots = db.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    finally:
        site.stop()

    n = args.captures
    print(f"backfill of {n} Wayback captures ({size / 1024:.1f} KiB each, CDX pages of {args.page_size}), "
          f"local archive, no rate limit")
    print(f"  policymon:  {n / run_s:8.1f} captures/s  ({run_s:.2f} s; {downloads} downloads, "
          f"{snapshots} snapshots, {versions} versions)  peak RSS {run_rss / 1024:.0f} MiB")
    print(f"  baseline:   {n / base_s:8.1f} captures/s  ({base_s:.2f} s; bare requests: list + download only)  "
          f"peak RSS {base_rss / 1024:.0f} MiB")
    print(f"  ratio:      policymon runs at {base_s / run_s:.2f}x the baseline's speed")
    print(f"  rerun:      {n / again_s:8.1f} captures/s  ({again_s:.2f} s; all already stored, no downloads)  "
          f"peak RSS {again_rss / 1024:.0f} MiB")
    print(f"  last line:  {run_out.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
