"""Load the history shipped inside the package (monitor/bundled_history/) into a database.

The files are ordinary content-addressed snapshots, installed with the code as package data so
`policymon diff reddit` works from any install; seeding copies them into the user's snapshots
folder by the same path as any other capture (`store_capture`).
"""
from __future__ import annotations

import json
from importlib.resources import files

from .config import Config
from .errors import PolicymonError
from .store import ensure_company, store_capture

HISTORY = files(__package__) / "bundled_history"
MANIFEST = HISTORY / "bundled.json"


def _manifest() -> dict:
    try:
        return json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise PolicymonError(f"{MANIFEST} is missing or not valid JSON; reinstall policymon") from None


def bundled_companies() -> dict[str, str]:
    """The companies with a bundled history: slug → policy URL, for the config `policymon init` writes."""
    return {slug: c["url"] for slug, c in _manifest()["companies"].items()}


def unseeded(config: Config, db) -> list[dict]:
    """Bundled captures of configured companies that the store does not hold yet (a read only)."""
    known = {(r["company"], r["sha256"]) for r in db.query("SELECT company, sha256 FROM snapshots")}
    return [c for c in _manifest()["captures"]
            if c["company"] in config.documents and (c["company"], c["sha256"]) not in known]


def seed_bundled_history(config: Config, db) -> int:
    """Store each bundled capture of a configured company not yet stored, and compare its
    versions (as a backfill does); returns how many captures were stored."""
    from .extract import extract        # here: a store already seeded needs no reader
    added = 0
    seeded = set()
    for c in unseeded(config, db):
        document = config.documents[c["company"]]          # the bundled history is of privacy policies
        body = (HISTORY / c["sha256"][:2] / c["sha256"]).read_bytes()
        ensure_company(db, document.key, document.url)
        store_capture(db, config.snapshots, company=document.key, body=body, text=extract(body, c["content_type"]),
                      source=c["source"], url=c["url"], captured_at=c["captured_at"], content_type=c["content_type"])
        added += 1
        seeded.add(document.key)
    if seeded:
        from .history import compare_stale      # the classifier loads only on a first run
        for key in sorted(seeded):
            compare_stale(db, key)
    return added
