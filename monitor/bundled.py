"""Load the history shipped in snapshots/bundled.json into a new database.

The files are ordinary content-addressed snapshots; only their index rows are missing on a
fresh clone, so seeding is the same path as any other capture: snapshot row, then version.
"""
from __future__ import annotations

import json

from .config import Config
from .errors import PolicymonError
from .extract import extract
from .store import add_version, ensure_company, read_snapshot_file, save_snapshot

MANIFEST = "bundled.json"


def seed_bundled_history(config: Config, db) -> int:
    """Store each bundled capture of a configured company not yet stored; returns how many."""
    manifest = config.snapshots / MANIFEST
    if not manifest.is_file():
        return 0
    try:
        captures = json.loads(manifest.read_text(encoding="utf-8"))["captures"]
    except (ValueError, KeyError, TypeError):
        raise PolicymonError(f"{manifest} is not a valid bundled-history manifest; restore it from the "
                             f"policymon repository or delete it") from None
    known = {(r["company"], r["sha256"]) for r in db.query("SELECT company, sha256 FROM snapshots")}
    added = 0
    for c in captures:
        company = config.companies.get(c["company"])
        if company is None or (c["company"], c["sha256"]) in known:
            continue
        body = read_snapshot_file(config.snapshots, f"{c['sha256'][:2]}/{c['sha256']}")
        ensure_company(db, company.slug, company.url)
        snapshot, _ = save_snapshot(db, config.snapshots, company=company.slug, body=body, source=c["source"],
                                    url=c["url"], captured_at=c["captured_at"], content_type=c["content_type"])
        add_version(db, company.slug, extract(body, c["content_type"]), captured_at=c["captured_at"],
                    source=c["source"], url=c["url"], snapshot_id=snapshot.id)
        added += 1
    return added
