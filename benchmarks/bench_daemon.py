"""Run `policymon run` against a local site with 10,000 companies and measure it.

A real daemon process checks 10,000 policy pages (real seed text, one page per company) served
by the test suite's local HTTP server, on a short interval, for a fixed time. Then config.toml
is changed to a long interval (the daemon reloads it by itself) and the process is watched
while it has nothing to do. Printed:

- checks per second while busy, and two baselines measured in the same run: a bare loop of
  `requests.get` over the same URLs (HTTP alone), and a bare loop of `check_company` in one
  thread (the same pipeline work without the daemon around it);
- peak memory (VmHWM from /proc) and resident memory early and late in the busy phase,
  so growth over thousands of checks shows;
- CPU while idle (every check an hour off, the Wayback Machine turned off so that no first
  backfill is due either), as a share of one core.

Target (issue 13): peak memory under 150 MiB at 10,000 companies, and CPU near zero while idle.

    .venv/bin/python benchmarks/bench_daemon.py [--companies 10000] [--seconds 30] [--idle 10]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sites import Reply, Site, write_config  # noqa: E402

SEED = ROOT / "tests" / "data" / "dev" / "d06-webengage-notice-shortened" / "old.txt"
TICK = os.sysconf("SC_CLK_TCK")


def policy_page(n: int) -> str:
    """The seed policy as HTML, with the company's own name so every page is distinct."""
    lines = SEED.read_text(encoding="utf-8").replace("WebEngage", f"Company {n}").splitlines()
    body = "\n".join(f"<h2>{line}</h2>" if len(line) < 60 else f"<p>{line}</p>" for line in lines if line.strip())
    return f"<!doctype html><html><head><title>Privacy Policy</title></head><body><main>{body}</main></body></html>"


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM in KiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK      # utime + stime


class Log:
    """Reads the daemon's JSON log lines as they come."""

    def __init__(self, stream):
        self.checks: list[tuple[float, str]] = []
        self.events: list[dict] = []
        self.other = 0
        self.checked: set[str] = set()          # companies checked at least once
        self.lock = threading.Lock()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            try:
                record = json.loads(line)
            except ValueError:
                print("daemon:", line.rstrip(), file=sys.stderr)
                continue
            with self.lock:
                self.events.append(record)
                if record.get("action") == "check":
                    self.checks.append((time.monotonic(), record.get("outcome")))
                    if record.get("outcome") != "skipped":
                        self.checked.add(record.get("company"))

    def wait_quiet(self, action: str, quiet: float, timeout: float) -> float:
        """Wait until no `action` event has come for `quiet` seconds; returns the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            with self.lock:
                last = max((t for t, _ in self.checks), default=0.0) if action == "check" else 0.0
            if time.monotonic() - max(last, start) >= quiet:
                break
            time.sleep(0.2)
        return time.monotonic() - start

    def wait_checked(self, count: int, timeout: float) -> float:
        """Wait until `count` companies have been checked once; returns the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            with self.lock:
                if len(self.checked) >= count:
                    break
            time.sleep(0.5)
        return time.monotonic() - start

    def wait_for(self, action: str, outcome: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if any(e.get("action") == action and e.get("outcome") == outcome for e in self.events):
                    return True
            time.sleep(0.1)
        return False


def baseline_get(urls: list[str], seconds: float) -> float:
    """requests.get in a plain loop over the same pages: the cost of the HTTP alone."""
    done, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        requests.get(urls[done % len(urls)], timeout=10).content
        done += 1
    return done / (time.monotonic() - start)


def baseline_check(config_path: Path, slugs: list[str], seconds: float) -> float:
    """The same pipeline call the daemon makes (fetch, extract, store), in a plain loop in this
    process, on the database the daemon left: what the daemon adds on top is the difference."""
    from monitor.check import check_company
    from monitor.config import load_config
    from monitor.store import open_db
    config = load_config(config_path)
    db = open_db(config.database)
    done, start = 0, time.monotonic()
    while time.monotonic() - start < seconds:
        check_company(config, db, slugs[done % len(slugs)])
        done += 1
    return done / (time.monotonic() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=30.0, help="busy phase length")
    parser.add_argument("--idle", type=float, default=10.0, help="idle phase length")
    parser.add_argument("--interval", default="10s", help="check interval while busy")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    site = Site().start()
    work = Path(tempfile.mkdtemp(prefix="bench-daemon-"))
    try:
        companies = {}
        for n in range(args.companies):
            site.route(f"/c/{n}", Reply(policy_page(n)))
            companies[f"c{n:04d}"] = site.url(f"/c/{n}")

        def configure(interval: str, wayback: bool = True) -> Path:
            return write_config(work, site, companies=companies, wayback={"enabled": wayback},
                                schedule={"interval": interval, "workers": args.workers, "host_gap": "0.001s",
                                          "deliver_every": "5s"})

        config = configure(args.interval)
        daemon = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(config), "run",
                                   "--log-format", "json"], stderr=subprocess.PIPE, text=True,
                                  stdin=subprocess.DEVNULL)
        log = Log(daemon.stderr)
        if not log.wait_for("start", "ok", 60):
            print("the daemon did not start", file=sys.stderr)
            daemon.kill()
            return 1
        started = time.monotonic()
        early_rss = None
        while time.monotonic() - started < args.seconds:
            time.sleep(0.5)
            if early_rss is None and time.monotonic() - started >= args.seconds / 4:
                early_rss = proc_status(daemon.pid)["VmRSS"]
        with log.lock:
            busy = [outcome for t, outcome in log.checks if t >= started]
        busy_rate = len(busy) / args.seconds
        memory = proc_status(daemon.pid)

        # Every company checked once first: one never checked is due at once after any reload.
        first_round = log.wait_checked(args.companies, timeout=args.companies / 5)
        # The daemon sees the change and reloads by itself. Idle means nothing due: no check for an
        # hour, and no first backfill either (each company's is due one second after the one
        # before, so with the Archive on, 10,000 companies keep the daemon busy for hours).
        os.utime(configure("1h", wayback=False))
        log.wait_for("reload", "ok", 10)
        # checks already queued run out first (at 10,000 companies, a few minutes of them)
        drained = log.wait_quiet("check", quiet=3.0, timeout=max(120.0, args.companies / 20))
        cpu0, t0 = cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(args.idle)
        idle_cpu = (cpu_seconds(daemon.pid) - cpu0) / (time.monotonic() - t0)
        final = proc_status(daemon.pid)
        late_rss, peak = final["VmRSS"], final["VmHWM"]         # the peak over the whole run
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=60)

        urls = list(companies.values())
        get_rate = baseline_get(urls, min(10.0, args.seconds))
        check_rate = baseline_check(config, list(companies), min(10.0, args.seconds))
        outcomes = {o: busy.count(o) for o in sorted(set(busy))}
        with log.lock:
            skipped = sum(1 for e in log.events if e.get("outcome") == "skipped")
        print(f"companies: {args.companies}, interval {args.interval}, workers {args.workers}, "
              f"busy {args.seconds:g} s, idle {args.idle:g} s")
        print(f"daemon: {len(busy)} checks in {args.seconds:g} s = {busy_rate:.1f} checks/s  {outcomes}; "
              f"{skipped} runs skipped while their previous run was still queued")
        print(f"baseline, bare requests.get loop: {get_rate:.1f} pages/s  (daemon/baseline = {busy_rate / get_rate:.2f})")
        print(f"baseline, bare check_company loop in one thread: {check_rate:.1f} checks/s  "
              f"(daemon/baseline = {busy_rate / check_rate:.2f})")
        print(f"memory: peak {peak / 1024:.1f} MiB over the whole run ({memory['VmHWM'] / 1024:.1f} MiB by the end "
              f"of the busy phase); resident {early_rss / 1024:.1f} MiB at "
              f"{args.seconds / 4:g} s, {memory['VmRSS'] / 1024:.1f} MiB at {args.seconds:g} s, "
              f"{late_rss / 1024:.1f} MiB idle after {len(log.checks)} checks")
        print(f"CPU while idle: {idle_cpu * 100:.2f}% of one core (measured once every company had been checked, "
              f"{first_round:.0f} s after the busy phase, and the queue had drained, {drained:.1f} s after that)")
        print(f"targets: peak memory < 150 MiB: {'met' if peak / 1024 < 150 else 'NOT met'}; "
              f"idle CPU < 1%: {'met' if idle_cpu < 0.01 else 'NOT met'}")
        print(f"SIGTERM exit code: {code}")
        return 0 if code == 0 else 1
    finally:
        site.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
