"""Load the history shipped inside the package (monitor/bundled_history/) into a database.

The files are ordinary content-addressed snapshots, installed with the code as package data so
`policymon diff reddit` works from any install; seeding copies them into the user's snapshots
folder by the same path as any other capture: snapshot row, then version.
"""
from __future__ import annotations

import json
from importlib.resources import files

from .config import Config
from .errors import PolicymonError
from .extract import extract
from .store import add_version, ensure_company, save_snapshot

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


def seed_bundled_history(config: Config, db) -> int:
    """Store each bundled capture of a configured company not yet stored; returns how many."""
    captures = _manifest()["captures"]
    known = {(r["company"], r["sha256"]) for r in db.query("SELECT company, sha256 FROM snapshots")}
    added = 0
    for c in captures:
        company = config.companies.get(c["company"])
        if company is None or (c["company"], c["sha256"]) in known:
            continue
        body = (HISTORY / c["sha256"][:2] / c["sha256"]).read_bytes()
        ensure_company(db, company.slug, company.url)
        snapshot, _ = save_snapshot(db, config.snapshots, company=company.slug, body=body, source=c["source"],
                                    url=c["url"], captured_at=c["captured_at"], content_type=c["content_type"])
        add_version(db, company.slug, extract(body, c["content_type"]), captured_at=c["captured_at"],
                    source=c["source"], url=c["url"], snapshot_id=snapshot.id)
        added += 1
    return added
