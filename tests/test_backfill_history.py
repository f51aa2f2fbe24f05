"""A backfill of a varied Wayback history stores exactly what it stored before issue 13b made
backfill fast (lxml extraction, downloads ahead of the store): the same snapshots, versions
and comparisons (which versions, how many sections changed), recorded in
tests/data/backfill-history.json by the earlier code. What the classifier finds in each
comparison is the classifier's tests' business, and changes with its rules.

The history mixes markup styles (htmlstyles.Renderer), pages only the Beautiful Soup reader
reads, exact duplicates, a return to an earlier text, challenge and error pages, and a
failing download."""
from __future__ import annotations

import json
import random
from pathlib import Path

from monitor.check import backfill
from monitor.config import load_config
from monitor.fetch import WaybackClient
from monitor.store import open_db
from sites import site, write_config  # noqa: F401  (site is a fixture)
from htmlstyles import Renderer

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "backfill-history.json"
POLICY = "https://acme.test/privacy"
PAIRS = ["d02-xmatters-effective-date", "d06-webengage-notice-shortened", "d08-xmedius-sale-allowed"]


def history() -> list[tuple[str, bytes]]:
    """(timestamp, body) of each capture, in capture order."""
    rng = random.Random(13)
    texts = []
    for pair in PAIRS:
        texts += [(DATA / "dev" / pair / name).read_text(encoding="utf-8") for name in ("old.txt", "new.txt")]
    odd = [(DATA / "extract" / name).read_bytes() for name in ("soft_404.html", "cloudflare_challenge.html",
                                                                "login_wall.html", "cookie_wall.html")]
    bodies: list[bytes] = []
    for i in range(48):
        if i % 11 == 5:
            bodies.append(odd[(i // 11) % len(odd)])
        elif i % 9 == 8:
            bodies.append(bodies[rng.randrange(len(bodies))])          # the same bytes again
        else:
            text = texts[min(len(texts) - 1, i // 8)] if i != 40 else texts[0]
            page = Renderer(random.Random(i)).page(text.splitlines())
            if i % 13 == 3:
                page = page.replace("</body>", "<pre>build 13</pre></body>")       # htmlpage's page
            bodies.append(page.encode("utf-8"))
    return [(f"{2001 + i // 12}{1 + i % 12:02d}01000000", body) for i, body in enumerate(bodies)]


def stored(db) -> dict:
    """What a backfill kept, without ids or wall-clock times."""
    when = {r["id"]: r["captured_at"] for r in db.query("SELECT id, captured_at FROM versions")}
    return {
        "snapshots": [[r["captured_at"], r["sha256"]] for r in db.query(
            "SELECT captured_at, sha256 FROM snapshots ORDER BY captured_at, id")],
        "versions": [[r["captured_at"], r["sha256"]] for r in db.query(
            "SELECT captured_at, sha256 FROM versions ORDER BY captured_at, id")],
        "comparisons": [[when[r["old_version_id"]], when[r["new_version_id"]], r["technical"], r["sections_changed"]]
                        for r in db.query("SELECT * FROM comparisons ORDER BY id")],
    }


def run_backfill(site, tmp_path) -> dict:
    for timestamp, body in history():
        site.wayback.add(POLICY, timestamp, body)
    site.wayback.broken.add(history()[20][0])
    config = load_config(write_config(tmp_path, site, companies={"acme": POLICY}))
    db = open_db(config.database)
    result = backfill(config, db, "acme", client=WaybackClient.from_config(config, cdx_per_minute=None,
                                                                            retries=0, backoff=0.01))
    assert result.failed == 1 and result.rejected > 0 and result.skipped_duplicate > 0
    return stored(db)


def test_a_backfill_stores_what_it_stored_before(site, tmp_path):
    got = run_backfill(site, tmp_path)
    assert len(got["versions"]) > 10 and len(got["comparisons"]) == len(got["versions"]) - 1
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))
