"""Load the history shipped in snapshots/bundled.json into a new database.

The files are ordinary content-addressed snapshots; only their index rows are missing on a
fresh clone, so seeding is the same path as any other capture (`store_capture`).
"""
from __future__ import annotations

import json

from .config import Config
from .errors import PolicymonError
from .extract import extract
from .store import ensure_company, read_snapshot_file, store_capture
from .store.snapshots import snapshot_path

MANIFEST = "bundled.json"


def _manifest(config: Config) -> list[dict]:
    manifest = config.snapshots / MANIFEST
    if not manifest.is_file():
        return []
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["captures"]
    except (ValueError, KeyError, TypeError):
        raise PolicymonError(f"{manifest} is not a valid bundled-history manifest; restore it from the "
                             f"policymon repository or delete it") from None


def bundled_paths(config: Config) -> set[str]:
    """The snapshot files the bundled history ships (kept by the sweep though no row refers to them)."""
    return {snapshot_path(c["sha256"]) for c in _manifest(config)}


def unseeded(config: Config, db) -> list[dict]:
    """Bundled captures of configured companies that the store does not hold yet (a read only)."""
    known = {(r["company"], r["sha256"]) for r in db.query("SELECT company, sha256 FROM snapshots")}
    return [c for c in _manifest(config) if c["company"] in config.companies and (c["company"], c["sha256"]) not in known]


def seed_bundled_history(config: Config, db) -> int:
    """Store each bundled capture of a configured company not yet stored; returns how many."""
    added = 0
    for c in unseeded(config, db):
        company = config.companies[c["company"]]
        body = read_snapshot_file(config.snapshots, snapshot_path(c["sha256"]))
        ensure_company(db, company.slug, company.url)
        store_capture(db, config.snapshots, company=company.slug, body=body, text=extract(body, c["content_type"]),
                      source=c["source"], url=c["url"], captured_at=c["captured_at"], content_type=c["content_type"])
        added += 1
    return added
