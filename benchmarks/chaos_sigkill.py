"""SIGKILL real `policymon backfill`, `check`, `deliver` and `run` processes, again and again,
then check that the store is whole and that every alert arrived (none lost, none doubled).

Local servers play every party: the test suite's HTTP server serves each company's policy page
(flipping between a text and a materially different one, so A→B→A→B repeats happen) and a
Wayback Machine with a slow capture endpoint (kills land mid-backfill); aiosmtpd takes the
e-mail and tests/receiver.py the webhook. Each round starts one command, kills it with SIGKILL
after a random moment, and sometimes lets one run to the end. Afterwards the outbox is drained
in-process, and the script prints:

- kills, rounds, and how each command ended;
- corruption: `PRAGMA integrity_check`, `foreign_key_check`, and every snapshot row's file on
  disk with its hash;
- lost: material comparisons of checks without their one alert (a backfill's never alert), and
  alerts with a delivery not sent;
- doubled: comparisons with more than one alert; alert keys received more than once on a
  channel (a kill after the server accepted but before the outbox recorded it: the same key,
  which the receiver drops, so at-least-once by design) are counted separately as "resent".

    .venv/bin/python benchmarks/chaos_sigkill.py [--rounds 200] [--seed 1]
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from mail import SmtpServer  # noqa: E402
from receiver import Receiver  # noqa: E402
from sites import Reply, Site, policy_page, write_config  # noqa: E402

COMPANIES = [f"co{i}" for i in range(6)]
COMMANDS = ("backfill", "check", "deliver", "run")


def pages(n: int) -> tuple[str, str]:
    """Two materially different texts for company n (notice cut from 30 to 7 days)."""
    extra = f"<p>Company {n} keeps this policy at its offices in city number {n}.</p>"
    return policy_page(30, extra=extra), policy_page(7, extra=extra)


def argv(config: Path, command: str, company: str) -> list[str]:
    base = [sys.executable, "-m", "monitor.cli", "--config", str(config)]
    return base + {"backfill": ["backfill", company], "check": ["check"], "deliver": ["deliver"],
                   "run": ["run"]}[command]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    site = Site().start()
    site._server.handle_error = lambda *a: None     # a killed client resets its connection: expected here
    smtp = SmtpServer().start()
    hooks = Receiver().start()
    work = Path(tempfile.mkdtemp(prefix="policymon-chaos-"))
    state = {}
    for n, slug in enumerate(COMPANIES):
        a, b = pages(n)
        state[slug] = 0
        site.route(f"/{slug}", Reply(a))
        for month in range(40):
            site.wayback.add(site.url(f"/{slug}"), f"{2015 + month // 12}{month % 12 + 1:02d}01000000",
                             a if month % 3 else b)
    site.wayback.capture_delay = 0.05
    config = write_config(
        work, site, companies={slug: {"url": site.url(f"/{slug}")} for slug in COMPANIES},
        schedule={"interval": "1s", "deliver_every": "1s", "host_gap": 0.01},
        alerts={"digest_threshold": 2, "min_severity": "low"},
        email={"host": "127.0.0.1", "port": smtp.port, "from": "policymon@example.org",
               "to": ["privacy@example.org"], "timeout": 10},
        webhook={"url": hooks.url, "timeout": 10})

    from monitor.config import load_config
    cfg = load_config(config)           # a broken config would make every round a no-op
    kills = 0
    ended = Counter()
    started = time.monotonic()
    for round_ in range(args.rounds):
        for slug in rng.sample(COMPANIES, 2):              # some policies change between rounds
            state[slug] ^= 1
            site.route(f"/{slug}", Reply(pages(COMPANIES.index(slug))[state[slug]]))
        command = rng.choice(COMMANDS)
        proc = subprocess.Popen(argv(config, command, rng.choice(COMPANIES)), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        let_finish = rng.random() < 0.15 and command != "run"
        try:
            proc.wait(timeout=60 if let_finish else rng.uniform(0.2, 0.9 if command != "run" else 4.0))
            ended[f"{command} finished"] += 1
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            ended[f"{command} killed"] += 1
    took = time.monotonic() - started

    # Drain: whatever was left pending or 'sending' by a dead process goes out now.
    from monitor.alerts import deliver_pending
    from monitor.store import open_db
    db = open_db(cfg.database)
    for _ in range(3):
        deliver_pending(db, cfg, now=datetime.now(timezone.utc) + timedelta(days=30))

    conn = sqlite3.connect(cfg.database)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    bad_files = 0
    for path, sha in conn.execute("SELECT path, sha256 FROM snapshots"):
        file = cfg.snapshots / path
        bad_files += not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != sha
    # A backfill's comparisons never alert (the past is not news): only the checks' count here.
    alerting = ("FROM comparisons c JOIN versions v ON v.id = c.new_version_id WHERE c.material = 1 "
                "AND c.technical = 0 AND v.source != 'wayback'")
    material = conn.execute(f"SELECT count(*) {alerting}").fetchone()[0]
    unalerted = conn.execute(f"SELECT count(*) {alerting} AND NOT EXISTS "
                             "(SELECT 1 FROM alerts a WHERE a.comparison_id = c.id)").fetchone()[0]
    past = conn.execute("SELECT count(*) FROM comparisons c JOIN versions v ON v.id = c.new_version_id "
                        "WHERE c.material = 1 AND v.source = 'wayback'").fetchone()[0]
    multi = conn.execute("SELECT count(*) FROM (SELECT comparison_id FROM alerts WHERE kind = 'material' "
                         "GROUP BY comparison_id HAVING count(*) > 1)").fetchone()[0]
    unsent = conn.execute("SELECT count(*) FROM deliveries WHERE status != 'sent'").fetchone()[0]
    alerts = [r[0] for r in conn.execute("SELECT key FROM alerts")]
    deliveries = conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]
    leftovers = sum(1 for _ in cfg.snapshots.glob("??/.tmp-*"))

    emailed = Counter()
    for m in smtp.messages:
        keys = (m.message["X-Policymon-Alerts"] or m.message["X-Policymon-Delivery"]).split()
        emailed.update(keys)
    hooked = Counter(r.headers["x-policymon-delivery"] for r in hooks.requests if r.status == 200)
    lost_mail = sum(1 for k in alerts if not emailed[k])
    lost_hook = sum(1 for k in alerts if not hooked[k])
    resent = sum(n - 1 for n in emailed.values() if n > 1) + sum(n - 1 for n in hooked.values() if n > 1)

    print(f"rounds {args.rounds} in {took:.0f} s, kills {kills}: " +
          ", ".join(f"{k} {v}" for k, v in sorted(ended.items())))
    print(f"store: integrity {integrity}, foreign-key problems {len(foreign)}, snapshot files missing or "
          f"wrong {bad_files}, .tmp leftovers {leftovers} (swept once an hour old)")
    print(f"alerts {len(alerts)} for {material} material comparisons of checks ({past} more from backfills, "
          f"which never alert), {deliveries} deliveries; "
          f"e-mails {len(smtp.messages)}, webhook calls {len(hooks.requests)}")
    print(f"lost: {unalerted} material comparisons without an alert, {unsent} deliveries not sent, "
          f"{lost_mail} alerts never e-mailed, {lost_hook} never posted")
    print(f"doubled: {multi} comparisons with more than one alert; resent under the same key after a kill: "
          f"{resent}")
    if integrity == "ok" and not (foreign or bad_files or unalerted or unsent or lost_mail or lost_hook or multi):
        shutil.rmtree(work)
    else:
        print(f"kept for a look: {work}")
    site.stop()
    smtp.stop()
    hooks.stop()


if __name__ == "__main__":
    main()
