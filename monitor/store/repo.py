"""Plain functions over the store: companies, snapshots, versions and comparisons.

A version exists only where a company's text differs from its version just before it in
capture order, so live checks and Wayback captures can arrive in any order and still
interleave into one history.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotFound
from ..model import Comparison, Snapshot, Version, document_key, sha256_text, split_document
from .db import Database, utcnow, write
from .snapshots import write_snapshot_file


def ensure_company(db: Database, slug: str, url: str | None = None) -> None:
    with write(db):
        db.execute("INSERT INTO companies (slug, url, added_at) VALUES (?, ?, ?) "
                   "ON CONFLICT(slug) DO UPDATE SET url = coalesce(excluded.url, url)",
                   [slug, url, utcnow()])


def document_filter(column: str, ref: str) -> tuple[str, list]:
    """A WHERE clause keeping the rows of company `ref` (its privacy policy `acme` and its other
    documents `acme/…`), or of the one document 'acme/cookies' names."""
    if "/" in ref:
        return f"WHERE {column} = ?", [document_key(*split_document(ref))]
    return f"WHERE ({column} = ? OR substr({column}, 1, ?) = ?)", [ref, len(ref) + 1, ref + "/"]


def company_row(db: Database, slug: str) -> dict | None:
    rows = list(db.query("SELECT * FROM companies WHERE slug = ?", [slug]))
    return rows[0] if rows else None


def _snapshot(row: dict) -> Snapshot:
    return Snapshot(company=row["company"], source=row["source"], url=row["url"],
                    captured_at=row["captured_at"], sha256=row["sha256"], size=row["size"],
                    path=row["path"], content_type=row["content_type"],
                    http_status=row["http_status"], final_url=row["final_url"],
                    etag=row["etag"], last_modified=row["last_modified"], id=row["id"])


def save_snapshot(db: Database, root: Path, *, company: str, body: bytes, source: str,
                  url: str | None, captured_at: str, http_status: int | None = None,
                  content_type: str | None = None, final_url: str | None = None,
                  etag: str | None = None, last_modified: str | None = None) -> tuple[Snapshot, bool]:
    """Keep the raw bytes (file first, then the row), returning (snapshot, newly stored)."""
    sha, rel = write_snapshot_file(root, body)
    with write(db):
        if not (root / rel).exists():   # swept between the write and the lock: write it again
            write_snapshot_file(root, body)
        existing = list(db.query(
            "SELECT * FROM snapshots WHERE company = ? AND source = ? AND url IS ? AND captured_at = ? "
            "AND sha256 = ?", [company, source, url, captured_at, sha]))
        if existing:
            return _snapshot(existing[0]), False
        db.execute(
            "INSERT INTO snapshots (company, source, url, final_url, captured_at, fetched_at, http_status, "
            "content_type, etag, last_modified, size, sha256, path) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [company, source, url, final_url, captured_at, utcnow(), http_status, content_type, etag,
             last_modified, len(body), sha, rel])
        row = next(db.query("SELECT * FROM snapshots WHERE id = last_insert_rowid()"))
    return _snapshot(row), True


@dataclass(frozen=True)
class Stored:
    """What `store_capture` kept: the snapshot, and the version its text is in (if a policy)."""
    snapshot: Snapshot
    version: Version | None = None
    created: bool = False               # the text made a new version


def store_capture(db: Database, root: Path, *, company: str, body: bytes, text: str | None,
                  source: str, url: str | None, captured_at: str, **snapshot_fields) -> Stored:
    """The one way a capture enters the store (live check, Wayback, import, bundled history):
    its file, then in one transaction its snapshot row and, when `text` is given (the capture is
    a policy), its version. Callers add a comparison or a check record in the same transaction
    by holding write() around this call."""
    with write(db):
        snapshot, _ = save_snapshot(db, root, company=company, body=body, source=source, url=url,
                                    captured_at=captured_at, **snapshot_fields)
        if text is None:
            return Stored(snapshot)
        version, created = add_version(db, company, text, captured_at=captured_at, source=source, url=url,
                                       snapshot_id=snapshot.id)
    return Stored(snapshot, version, created)


def referenced_paths(db: Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT DISTINCT path FROM snapshots")}


def snapshots(db: Database, company: str | None = None) -> list[Snapshot]:
    where, args = ("WHERE company = ?", [company]) if company else ("", [])
    return [_snapshot(r) for r in db.query(
        f"SELECT * FROM snapshots {where} ORDER BY company, captured_at, id", args)]


_VERSION_SQL = ("SELECT v.*, t.text FROM versions v JOIN texts t ON t.sha256 = v.sha256 "
                "WHERE v.company = ?")


def _version(row: dict) -> Version:
    return Version(text=row["text"], sha256=row["sha256"], captured_at=row["captured_at"],
                   source=row["source"], url=row["url"], company=row["company"], id=row["id"])


def add_version(db: Database, company: str, text: str, *, captured_at: str, source: str,
                url: str | None = None, snapshot_id: int | None = None,
                technical: bool = False) -> tuple[Version, bool]:
    """Record `text` as captured at `captured_at`; returns (version holding that text, created)."""
    sha = sha256_text(text)
    with write(db):
        db.execute("INSERT OR IGNORE INTO texts (sha256, text) VALUES (?, ?)", [sha, text])
        before = list(db.query(_VERSION_SQL + " AND v.captured_at <= ? ORDER BY v.captured_at DESC, v.id DESC "
                               "LIMIT 1", [company, captured_at]))
        if before and before[0]["sha256"] == sha:
            return _version(before[0]), False
        after = list(db.query(_VERSION_SQL + " AND v.captured_at > ? ORDER BY v.captured_at, v.id LIMIT 1",
                              [company, captured_at]))
        if after and after[0]["sha256"] == sha:
            # The same text was already known from a later capture: it existed earlier.
            db.execute("UPDATE versions SET captured_at = ?, source = ?, url = ?, snapshot_id = ? WHERE id = ?",
                       [captured_at, source, url, snapshot_id, after[0]["id"]])
            db.execute("UPDATE comparisons SET changed_at = ? WHERE new_version_id = ?", [captured_at, after[0]["id"]])
            row = next(db.query(_VERSION_SQL + " AND v.id = ?", [company, after[0]["id"]]))
            return _version(row), False
        db.execute("INSERT INTO versions (company, sha256, captured_at, source, url, snapshot_id, technical, "
                   "created_at) VALUES (?,?,?,?,?,?,?,?)",
                   [company, sha, captured_at, source, url, snapshot_id, int(technical), utcnow()])
        row = next(db.query(_VERSION_SQL + " AND v.id = last_insert_rowid()", [company]))
    return _version(row), True


def versions(db: Database, company: str) -> list[Version]:
    return [_version(r) for r in db.query(_VERSION_SQL + " ORDER BY v.captured_at, v.id", [company])]


def versions_by_id(db: Database, company: str, ids: list[int]) -> dict[int, Version]:
    """Those of `ids` that are versions of `company`, by id."""
    marks = ",".join("?" * len(ids))
    return {r["id"]: _version(r) for r in db.query(_VERSION_SQL + f" AND v.id IN ({marks})", [company, *ids])}


def previous_version(db: Database, version: Version) -> Version | None:
    rows = list(db.query(_VERSION_SQL + " AND (v.captured_at < ? OR (v.captured_at = ? AND v.id < ?)) "
                         "ORDER BY v.captured_at DESC, v.id DESC LIMIT 1",
                         [version.company, version.captured_at, version.captured_at, version.id]))
    return _version(rows[0]) if rows else None


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][\d:]+Z?)?)?)?$")


def find_version(db: Database, company: str, when: str) -> Version:
    """Resolve WHEN: 'latest', 'previous', a version id ('#12' or '12'), a sha256 prefix, or a date
    (the version in force then: the last one captured on or before the end of that day/month/year)."""
    history = versions(db, company)
    if not history:
        raise NotFound(f"no versions stored for {company!r}; run `policymon check {company}`, "
                       f"`policymon backfill {company}` or `policymon import {company} FILE`")
    w = when.strip().lower()
    if w in ("latest", "new", "newest"):
        return history[-1]
    if w in ("previous", "prev"):
        if len(history) < 2:
            raise NotFound(f"{company!r} has only one version; there is no previous one")
        return history[-2]
    if w.lstrip("#").isdigit() and len(w.lstrip("#")) < 8:
        for v in history:
            if v.id == int(w.lstrip("#")):
                return v
    if _DATE.match(w):
        bound = w.upper() + "\uffff"     # a bare date includes the whole of that day/month/year
        eligible = [v for v in history if (v.captured_at or "") <= bound]
        if eligible:
            return eligible[-1]
        raise NotFound(f"{company!r} has no version on or before {when}; its first is from "
                       f"{history[0].captured_at}")
    if re.fullmatch(r"[0-9a-f]{6,64}", w):
        matches = [v for v in history if v.sha256.startswith(w)]
        if len({v.sha256 for v in matches}) == 1:
            return matches[-1]
    raise NotFound(f"no version of {company!r} matches {when!r}; use a date (2024-05-01), a version id "
                   f"from `policymon history {company}`, 'latest' or 'previous'")


def save_comparison(db: Database, comparison: Comparison, report: dict,
                    technical: bool = False, replace: bool = False) -> int:
    """Record a comparison and its findings once; returns its id (existing or new).

    `replace` refreshes an existing row in place (same id, so alerts and checks that refer to
    it stay valid) after re-extraction has rewritten the texts of its versions."""
    old, new = comparison.old, comparison.new
    with write(db):
        existing = list(db.query("SELECT id FROM comparisons WHERE old_version_id = ? AND new_version_id = ?",
                                 [old.id, new.id]))
        if existing and not replace:
            return existing[0]["id"]
        changed = sum(1 for c in comparison.changes if c.status != "unchanged")
        if existing:
            cid = existing[0]["id"]
            db.execute("DELETE FROM findings WHERE comparison_id = ?", [cid])
            db.execute("UPDATE comparisons SET material = ?, technical = ?, sections_changed = ?, report = ? "
                       "WHERE id = ?", [int(comparison.material), int(technical), changed,
                                        json.dumps(report, ensure_ascii=False), cid])
        else:
            db.execute("INSERT INTO comparisons (company, old_version_id, new_version_id, material, technical, "
                       "sections_changed, report, created_at, changed_at) VALUES (?,?,?,?,?,?,?,?,?)",
                       [comparison.company or new.company, old.id, new.id, int(comparison.material),
                        int(technical), changed, json.dumps(report, ensure_ascii=False), utcnow(),
                        new.captured_at])
            cid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        for f in comparison.findings:
            words = f.to_json().get("words")
            db.execute("INSERT INTO findings (comparison_id, category, material, severity, direction, summary, "
                       "section, old_value, new_value, evidence_old, evidence_new, rule, words) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       [cid, f.category, int(f.material), f.severity, f.direction, f.summary, f.section,
                        f.old_value, f.new_value, f.evidence_old, f.evidence_new, f.rule,
                        json.dumps(words, ensure_ascii=False) if words else None])
    return cid


def comparison_row(db: Database, old_id: int, new_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM comparisons WHERE old_version_id = ? AND new_version_id = ?",
                         [old_id, new_id]))
    return rows[0] if rows else None


def add_counts(db: Database, counts: dict[str, int]) -> None:
    """Add to running totals kept for /metrics (e.g. Wayback requests made by another process)."""
    with write(db):
        for name, n in counts.items():
            if n:
                db.execute("INSERT INTO counters (name, value) VALUES (?, ?) "
                           "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value", [name, n])
