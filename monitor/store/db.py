"""The SQLite store: one file, WAL, foreign keys on, schema migrations as code.

Every read-then-write goes through `write()` (BEGIN IMMEDIATE), so two processes (the
daemon and a CLI command) never interleave half of one update with half of another.
"""
from __future__ import annotations

import os
import sqlite3
import urllib.parse
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from ..errors import PolicymonError


class Database:
    """The store's connection with the two calls the code makes of sqlite-utils, `execute` and
    `query` (rows as dicts). Anything else sqlite-utils offers is handed on to a
    `sqlite_utils.Database` over the same connection, made on first use: importing
    sqlite-utils costs 80 ms, and 200 ms with numpy installed, which commands that only read
    (status, alerts, diff, history) and the daemon need not pay."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)

    def query(self, sql: str, params=None):
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return (dict(zip(keys, row)) for row in cursor)

    @cached_property
    def sqlite_utils(self):
        import sqlite_utils
        return sqlite_utils.Database(self.conn)

    def __getattr__(self, name: str):
        return getattr(self.sqlite_utils, name)

    def __getitem__(self, table: str):
        return self.sqlite_utils[table]


class StoreError(PolicymonError):
    """The database cannot be used as it is: corrupt, read-only, on a full disk, or missing."""


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _m1_core(db: Database) -> None:
    _run_script(db, """
    CREATE TABLE companies (
        slug TEXT PRIMARY KEY,
        url TEXT,
        added_at TEXT NOT NULL,
        last_checked_at TEXT,
        last_outcome TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        backfilled_at TEXT,
        wayback_checked_at TEXT
    );
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL REFERENCES companies(slug),
        source TEXT NOT NULL CHECK (source IN ('live', 'wayback', 'file')),
        url TEXT,
        final_url TEXT,
        captured_at TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        http_status INTEGER,
        content_type TEXT,
        etag TEXT,
        last_modified TEXT,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        path TEXT NOT NULL,
        UNIQUE (company, source, url, captured_at, sha256)
    );
    CREATE INDEX snapshots_company_time ON snapshots(company, captured_at);
    CREATE TABLE texts (
        sha256 TEXT PRIMARY KEY,
        text TEXT NOT NULL
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL REFERENCES companies(slug),
        sha256 TEXT NOT NULL REFERENCES texts(sha256),
        captured_at TEXT NOT NULL,
        source TEXT NOT NULL,
        url TEXT,
        snapshot_id INTEGER REFERENCES snapshots(id),
        technical INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE INDEX versions_company_time ON versions(company, captured_at);
    CREATE TABLE comparisons (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL REFERENCES companies(slug),
        old_version_id INTEGER NOT NULL REFERENCES versions(id),
        new_version_id INTEGER NOT NULL REFERENCES versions(id),
        material INTEGER NOT NULL,
        technical INTEGER NOT NULL DEFAULT 0,
        sections_changed INTEGER NOT NULL DEFAULT 0,
        report TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (old_version_id, new_version_id)
    );
    CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        comparison_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
        category TEXT NOT NULL,
        material INTEGER NOT NULL,
        severity TEXT NOT NULL,
        direction TEXT NOT NULL,
        summary TEXT NOT NULL,
        section TEXT,
        old_value TEXT,
        new_value TEXT,
        evidence_old TEXT,
        evidence_new TEXT
    );
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL REFERENCES companies(slug),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT NOT NULL,
        reason TEXT,
        transient INTEGER,
        snapshot_id INTEGER REFERENCES snapshots(id),
        version_id INTEGER REFERENCES versions(id),
        comparison_id INTEGER REFERENCES comparisons(id)
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        company TEXT NOT NULL REFERENCES companies(slug),
        kind TEXT NOT NULL CHECK (kind IN ('material', 'failing', 'recovered')),
        comparison_id INTEGER REFERENCES comparisons(id),
        severity TEXT,
        subject TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        channel TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        sent_at TEXT,
        UNIQUE (alert_id, channel)
    );
    """)


def _run_script(db: Database, script: str) -> None:
    """executescript() would COMMIT our BEGIN IMMEDIATE; run statement by statement instead."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _m2_delivery_claims(db: Database) -> None:
    """Who is sending a delivery ("host:pid"), so a run can take over rows a killed run left 'sending'."""
    db.execute("ALTER TABLE deliveries ADD COLUMN claimed_by TEXT")


def _m3_alert_per_comparison(db: Database) -> None:
    """One material alert per comparison (a change that repeats an earlier one is a new
    comparison, so it alerts again), and the digest e-mail a delivery was first claimed for,
    so a digest retried after a crash goes out with the same key and the same alerts."""
    db.execute("CREATE UNIQUE INDEX alerts_material_comparison ON alerts(comparison_id) WHERE kind = 'material'")
    db.execute("ALTER TABLE deliveries ADD COLUMN digest_key TEXT")


def _m4_documents_and_reading(db: Database) -> None:
    """Several documents per company, and what `policymon serve` reads.

    A company's rows were its privacy policy's, keyed by its slug; they stay so (that is the
    privacy document's key, `acme`), and other documents get keys of their own (`acme/cookies`),
    so an existing database needs no row rewritten. Added: each comparison's `changed_at` (its
    newer version's capture time, kept equal to it by the store) and indexes, so the newest
    material change of every document is read from an index alone; indexes for a document's
    findings, checks and alerts and for deliveries by state; each document's last successful
    check, filled from the checks already recorded; and counters of Wayback requests and 429s
    (they happen in the daemon, and /metrics is served by another process)."""
    _run_script(db, """
    CREATE INDEX findings_comparison ON findings(comparison_id);
    CREATE INDEX findings_kind ON findings(category, severity, comparison_id) WHERE material = 1;
    ALTER TABLE comparisons ADD COLUMN changed_at TEXT;
    UPDATE comparisons SET changed_at = (SELECT captured_at FROM versions WHERE versions.id = new_version_id);
    CREATE INDEX comparisons_material ON comparisons(company, changed_at, id) WHERE material = 1 AND technical = 0;
    CREATE INDEX deliveries_status ON deliveries(status);
    CREATE INDEX checks_company ON checks(company, outcome);
    CREATE INDEX alerts_company ON alerts(company);
    ALTER TABLE companies ADD COLUMN last_success_at TEXT;
    UPDATE companies SET last_success_at = (SELECT max(finished_at) FROM checks
        WHERE checks.company = companies.slug AND checks.outcome != 'failed');
    CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL DEFAULT 0
    )
    """)


def _m5_finding_rule_and_words(db: Database) -> None:
    """Which stage spoke for each finding (its rule id) and, for the edit stage, the words
    added, removed and those that set its category (JSON), so a stored finding can be checked
    as a printed one. Rows stored before are filled from their comparison's JSON report,
    which has carried both since the edit stage came."""
    _run_script(db, """
    ALTER TABLE findings ADD COLUMN rule TEXT;
    ALTER TABLE findings ADD COLUMN words TEXT;
    UPDATE findings SET
        rule = (SELECT json_extract(j.value, '$.rule') FROM comparisons c, json_each(c.report, '$.findings') j
                WHERE c.id = findings.comparison_id AND json_extract(j.value, '$.category') = findings.category
                  AND json_extract(j.value, '$.summary') = findings.summary),
        words = (SELECT json_extract(j.value, '$.words') FROM comparisons c, json_each(c.report, '$.findings') j
                 WHERE c.id = findings.comparison_id AND json_extract(j.value, '$.category') = findings.category
                   AND json_extract(j.value, '$.summary') = findings.summary)
    WHERE json_valid((SELECT report FROM comparisons WHERE id = findings.comparison_id))
    """)


# Append-only: a migration, once released, is never edited; add a new one instead.
MIGRATIONS = [_m1_core, _m2_delivery_claims, _m3_alert_per_comparison, _m4_documents_and_reading,
              _m5_finding_rule_and_words]


def database_problem(e: BaseException, path: Path | None = None) -> str:
    """One line naming what is wrong with the database and what to do about it."""
    where = f"database {path}" if path else "the database ([storage] database)"
    text = str(e).lower()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (f"{where} is corrupt ({e}); restore it from a backup, or move it aside and run `policymon "
                f"backfill` for each company to rebuild the history (snapshot files are kept)")
    if "full" in text or getattr(e, "errno", None) == 28:
        return (f"the disk holding {where} is full; free some space and run the command again (what was "
                f"being written was rolled back)")
    read_only = path is not None and path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    if "readonly" in text or "read-only" in text or read_only:
        return (f"{where} is read-only; this command writes, so make the file and its folder writable by this "
                f"user (status, alerts, diff and history work as they are)")
    if "unable to open" in text or isinstance(e, OSError):
        folder = path.parent if path else "its folder"
        return (f"{where} cannot be opened: {folder} is missing or not writable by this user; create it or "
                f"fix [storage] database")
    return f"{where} failed ({e}); check the file, its folder and the free disk space"


def open_db(path: str | Path, *, readonly: bool = False) -> Database:
    """Open (creating if needed) and migrate the store; `readonly` opens an existing store for
    reading only, which works on a read-only file or folder and never writes."""
    path = Path(path)
    try:
        if readonly:
            return _open_readonly(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        db = Database(conn)
        migrate(db)
        return db
    except (sqlite3.Error, OSError) as e:
        raise StoreError(database_problem(e, path)) from None


def _open_readonly(path: Path) -> Database:
    if not path.is_file():
        raise StoreError(f"no database at {path} yet; run `policymon check` (or backfill, import) first, or "
                         f"fix [storage] database")
    try:
        conn = _connect_readonly(path, "mode=ro")
    except sqlite3.OperationalError:
        # A WAL database on a read-only folder cannot get its -shm file: read it as immutable.
        conn = _connect_readonly(path, "immutable=1")
    db = Database(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise PolicymonError(f"database schema version {version} is newer than this policymon "
                             f"({len(MIGRATIONS)}); upgrade policymon")
    return db


def _connect_readonly(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?{mode}"
    conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()      # fails now, not at the first query
    return conn


def migrate(db: Database) -> None:
    with write(db):
        current = db.execute("PRAGMA user_version").fetchone()[0]
        if current > len(MIGRATIONS):
            raise PolicymonError(f"database schema version {current} is newer than this policymon "
                                 f"({len(MIGRATIONS)}); upgrade policymon")
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            step(db)
            db.execute(f"PRAGMA user_version = {number}")


@contextmanager
def write(db: Database):
    """A read-then-write transaction that takes the write lock up front."""
    conn = db.conn
    if conn.in_transaction:       # nested: the outer transaction owns commit/rollback
        yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:     # SQLite has already rolled back after some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
