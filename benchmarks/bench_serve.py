"""Time `policymon serve`'s dashboard and company pages over a store of 1,000 companies and
100,000 versions.

The store is made quickly and directly: `open_db` creates it (so its schema and indexes are
the real ones, migrations included), then one transaction inserts, per company, 100 versions
(texts of a real seed policy, ~14,000 characters, edited so consecutive versions differ; a
thousand distinct texts shared across companies so the file stays near 40 MB), the comparison
of each consecutive pair with a report, findings on every fifth comparison (material, two
findings each), an alert and a webhook delivery for each material comparison (96 % sent, 2 %
pending, 2 % failed), and ten checks. The config lists the 1,000 companies.

Then a real `policymon serve` process answers, after a warm-up, `--requests` GETs of each page
(the dashboard; the company pages of companies drawn by a seeded generator) over a fresh HTTP
connection each, timed by the client with time.perf_counter around the whole request; printed
are the median and 90th percentile per page, with /healthz (a trivial answer from the same
server: the framework's and the connection's own cost) as baseline.

    .venv/bin/python benchmarks/bench_serve.py [--companies 1000] [--versions 100] [--requests 50]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from monitor.store import open_db, write  # noqa: E402
from served import Served  # noqa: E402

SEED = ROOT / "tests" / "data" / "seeds"
TEXTS = 1000
NOW = "2026-01-01T00:00:00Z"


def texts() -> list[str]:
    """A thousand distinct policy texts from the seeds, each with one edited sentence."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt"))]
    return [seeds[i % len(seeds)] + f"\n\nWe keep logs for {i + 1} days, then delete them.\n" for i in range(TEXTS)]


def stamp(day: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1262304000 + day * 86400))


def fill(folder: Path, companies: int, per_company: int) -> Path:
    db = open_db(folder / "policymon.db")
    pool = texts()
    shas = [hashlib.sha256(t.encode()).hexdigest() for t in pool]
    rng = random.Random(14)
    with write(db):
        db.conn.executemany("INSERT INTO texts (sha256, text) VALUES (?, ?)", zip(shas, pool))
        version_id = comparison_id = alert_id = 0
        for c in range(companies):
            slug = f"company-{c:04d}"
            db.execute("INSERT INTO companies (slug, url, added_at, last_checked_at, last_success_at, last_outcome, "
                       "consecutive_failures) VALUES (?, ?, ?, ?, ?, 'unchanged', 0)",
                       [slug, f"https://{slug}.example/privacy", NOW, NOW, NOW])
            rows, comparisons, findings, alerts, deliveries, checks = [], [], [], [], [], []
            for v in range(per_company):
                version_id += 1
                rows.append((version_id, slug, shas[(c * 7 + v) % TEXTS], stamp(v * 30 + c % 30), "wayback",
                             f"https://{slug}.example/privacy", NOW))
                if v == 0:
                    continue
                comparison_id += 1
                material = v % 5 == 0
                report = {"company": slug, "old": {"id": version_id - 1}, "new": {"id": version_id},
                          "material": material, "findings": []}
                comparisons.append((comparison_id, slug, version_id - 1, version_id, int(material), 3,
                                    json.dumps(report), NOW, rows[-1][3]))
                if material:
                    severity = rng.choice(("high", "medium", "low"))
                    findings += [(comparison_id, "retention", 1, severity, "weaker",
                                  f"Retention period lengthened from {v} to {v + 1} days", "Data retention"),
                                 (comparison_id, rng.choice(("sharing", "notice", "tracking")), 1, "low", "stronger",
                                  "Now states it honours opt-out preference signals", "Your rights")]
                    alert_id += 1
                    alerts.append((alert_id, f"material:{slug}:{version_id - 1}-{version_id}", slug, comparison_id,
                                   severity, f"[policymon] {slug}: retention changed", "{}", NOW))
                    deliveries.append((alert_id, "webhook", rng.choices(("sent", "pending", "failed"), (96, 2, 2))[0],
                                       1, NOW))
            for k in range(10):
                checks.append((slug, NOW, NOW, "unchanged" if k else "changed"))
            db.conn.executemany("INSERT INTO versions (id, company, sha256, captured_at, source, url, created_at) "
                                "VALUES (?,?,?,?,?,?,?)", rows)
            db.conn.executemany("INSERT INTO comparisons (id, company, old_version_id, new_version_id, material, "
                                "sections_changed, report, created_at, changed_at) VALUES (?,?,?,?,?,?,?,?,?)",
                                comparisons)
            db.conn.executemany("INSERT INTO findings (comparison_id, category, material, severity, direction, "
                                "summary, section) VALUES (?,?,?,?,?,?,?)", findings)
            db.conn.executemany("INSERT INTO alerts (id, key, company, kind, comparison_id, severity, subject, "
                                "payload, created_at) VALUES (?,?,?,'material',?,?,?,?,?)", alerts)
            db.conn.executemany("INSERT INTO deliveries (alert_id, channel, status, attempts, next_attempt_at) "
                                "VALUES (?,?,?,?,?)", deliveries)
            db.conn.executemany("INSERT INTO checks (company, started_at, finished_at, outcome) VALUES (?,?,?,?)",
                                checks)
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("companies", "versions", "comparisons", "findings", "alerts", "checks")}
    db.conn.close()
    config = folder / "config.toml"
    config.write_text('[storage]\ndatabase = "policymon.db"\nsnapshots = "snapshots"\n\n' + "".join(
        f'[companies.company-{c:04d}]\nurl = "https://company-{c:04d}.example/privacy"\n' for c in range(companies)),
        encoding="utf-8")
    size = (folder / "policymon.db").stat().st_size
    print(f"store: {', '.join(f'{n:,} {t}' for t, n in counts.items())}; {size / 2**20:.0f} MiB")
    return config


def timed(base: str, path: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(base + path, timeout=60) as resp:
        resp.read()
        assert resp.status == 200, path
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=100, help="versions per company")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        config = fill(Path(folder), args.companies, args.versions)
        print(f"filled in {time.perf_counter() - started:.1f} s")
        server = Served(config)
        try:
            rng = random.Random(1)
            pages = {"/healthz (baseline)": lambda: "/healthz",
                     "dashboard /": lambda: "/",
                     "dashboard /?category=retention&severity=high": lambda: "/?category=retention&severity=high",
                     "company page /companies/C": lambda: f"/companies/company-{rng.randrange(args.companies):04d}"}
            for make in pages.values():
                for _ in range(3):
                    timed(server.base, make())          # warm-up: imports, caches, the first connection
            for name, make in pages.items():
                times = sorted(timed(server.base, make()) for _ in range(args.requests))
                print(f"{name:<48} median {statistics.median(times):6.1f} ms   p90 "
                      f"{times[int(len(times) * 0.9) - 1]:6.1f} ms   ({args.requests} requests)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
