"""Gathering versions: a check of the live page, a Wayback backfill, a re-extraction.

Each stored capture is written in one transaction — snapshot row, version, comparison, alert
and the check's own record together — so a process killed at any moment leaves either all of
it or none of it, and the next run simply does the work again. Snapshot files are written
before that transaction (atomically, content-addressed), so at worst an unreferenced file
remains, never a half-written one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .alerts.record import alert_for_comparison, alert_for_fetch
from .config import Config, DocumentConfig
from .errors import ConfigError, FetchError, InputError
from .extract import extract, page_problem, read_page
from .fetch import Capture, RateLimited, WaybackClient, fetch_live
from .history import compare_stale, record_comparison
from .model import Snapshot, sha256_text
from .store import (add_counts, ensure_company, previous_version, read_snapshot_file, referenced_paths, snapshots,
                    store_capture, sweep, utcnow, write)

_TRANSIENT_STATUS = (408, 425, 429)


@dataclass
class CheckResult:
    company: str
    outcome: str                        # changed | unchanged | failed
    reason: str | None = None           # why it failed (or "not modified" for a 304)
    transient: bool | None = None       # for failures: may trying again later succeed?
    retry_after: float | None = None    # seconds the site asked us to wait (a 429's Retry-After)
    snapshot_id: int | None = None
    version_id: int | None = None
    comparison_id: int | None = None
    material: bool = False
    alert_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome != "failed"


def _validators(db, slug: str, url: str) -> tuple[str | None, str | None]:
    """ETag and Last-Modified of the last live snapshot of `url`, for a conditional GET."""
    row = db.execute("SELECT etag, last_modified FROM snapshots WHERE company = ? AND source = 'live' AND url = ? "
                     "ORDER BY captured_at DESC, id DESC LIMIT 1", [slug, url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _record_check(db, config: Config, started: str, result: CheckResult) -> CheckResult:
    """The check row, the company's status and its alerts. Callers may hold write() already."""
    with write(db):
        db.execute("INSERT INTO checks (company, started_at, finished_at, outcome, reason, transient, snapshot_id, "
                   "version_id, comparison_id) VALUES (?,?,?,?,?,?,?,?,?)",
                   [result.company, started, utcnow(), result.outcome, result.reason,
                    None if result.transient is None else int(result.transient),
                    result.snapshot_id, result.version_id, result.comparison_id])
        if result.ok:
            db.execute("UPDATE companies SET last_checked_at = ?1, last_success_at = ?1, last_outcome = ?2, "
                       "last_error = NULL, consecutive_failures = 0 WHERE slug = ?3",
                       [utcnow(), result.outcome, result.company])
        else:
            db.execute("UPDATE companies SET last_checked_at = ?, last_outcome = 'failed', last_error = ?, "
                       "consecutive_failures = consecutive_failures + 1 WHERE slug = ?",
                       [utcnow(), result.reason, result.company])
        if result.comparison_id is not None:
            alert_id = alert_for_comparison(db, config, result.comparison_id)
            if alert_id is not None:
                result.alert_ids.append(alert_id)
        alert_id = alert_for_fetch(db, config, result.company, result.ok, result.reason)
        if alert_id is not None:
            result.alert_ids.append(alert_id)
    return result


def _policy_text(config: Config, document: DocumentConfig, body: bytes, content_type: str | None,
                 status: int | None, accepted: set[str]) -> tuple[str | None, str | None]:
    """(text, None) for a policy page, (None, reason) for anything else, from one parse of the
    page (read_page); a text already `accepted` as the policy is not judged again."""
    page = read_page(body, content_type, status=status, selector=document.selector, remove=document.remove,
                     max_bytes=config.max_page_bytes, known=accepted)
    return page.text, page.problem


def check_company(config: Config, db, ref: str) -> CheckResult:
    """One pass over one document (`acme` is its privacy policy, `acme/cookies` another): fetch,
    judge the page, store, compare, alert.

    Error pages, challenges, walls and empty pages are failed checks with their reason, never
    versions. A 304 answer to our conditional GET is an unchanged check without a snapshot."""
    company = config.document(ref)
    slug = company.key
    ensure_company(db, slug, company.url)
    started = utcnow()
    etag, last_modified = _validators(db, slug, company.url)
    try:
        fetched = fetch_live(company.url, etag=etag, last_modified=last_modified, user_agent=config.user_agent,
                             timeout=config.fetch_timeout, max_bytes=config.max_page_bytes,
                             redirect_hosts=config.redirect_hosts)
    except FetchError as e:
        return _record_check(db, config, started, CheckResult(
            slug, "failed", reason=str(e), transient=e.transient,
            retry_after=e.retry_after if isinstance(e, RateLimited) else None))
    if fetched.not_modified:
        return _record_check(db, config, started, CheckResult(slug, "unchanged", reason="not modified (HTTP 304)"))
    if fetched.ok:
        latest = db.execute("SELECT sha256 FROM versions WHERE company = ? ORDER BY captured_at DESC, id DESC "
                            "LIMIT 1", [slug]).fetchone()
        text, problem = _policy_text(config, company, fetched.body, fetched.content_type, fetched.status,
                                     {latest[0]} if latest else set())
    else:
        text, problem = None, page_problem(fetched.body, fetched.content_type, fetched.status) or \
            f"HTTP {fetched.status}"
    if problem:
        transient = fetched.status >= 500 or fetched.status in _TRANSIENT_STATUS or problem.startswith("bot challenge")
        return _record_check(db, config, started, CheckResult(
            slug, "failed", reason=f"{problem} at {fetched.final_url}", transient=transient))
    captured_at = utcnow()
    with write(db):
        stored = store_capture(db, config.snapshots, company=slug, body=fetched.body, text=text, source="live",
                               url=company.url, captured_at=captured_at, http_status=fetched.status,
                               content_type=fetched.content_type, final_url=fetched.final_url,
                               etag=fetched.etag, last_modified=fetched.last_modified)
        version, created = stored.version, stored.created
        result = CheckResult(slug, "changed" if created else "unchanged", snapshot_id=stored.snapshot.id,
                             version_id=version.id)
        previous = previous_version(db, version) if created else None
        if previous is not None:
            result.comparison_id = record_comparison(db, previous, version, slug)
            result.material = bool(db.execute("SELECT material FROM comparisons WHERE id = ?",
                                              [result.comparison_id]).fetchone()[0])
        return _record_check(db, config, started, result)


def sweep_snapshots(config: Config, db) -> tuple[int, int]:
    """Remove what killed writers left under [storage] snapshots: `.tmp-*` files and snapshot
    files no row references (older than an hour; the bundled history's files stay). Returns
    (temporary files, orphans) removed."""
    return sweep(config.snapshots, lambda: referenced_paths(db), lock=lambda: write(db))


def check_all(config: Config, db, refs: list[str] | None = None) -> list[CheckResult]:
    """Check the named companies (each of their documents) or documents (`acme/cookies`),
    default every configured document, each independently."""
    keys = [d.key for ref in refs for d in config.documents_of(ref)] if refs else sorted(config.documents)
    return [check_company(config, db, key) for key in dict.fromkeys(keys)]


@dataclass
class BackfillResult:
    company: str
    listed: int = 0                     # usable captures the CDX API listed
    downloaded: int = 0                 # bodies fetched from the Archive (one per new digest)
    skipped_duplicate: int = 0          # a digest already seen: stored from the bytes we have
    already_stored: int = 0             # stored by an earlier run: no download at all
    rejected: int = 0                   # archived pages that are not a policy (error, challenge…)
    failed: int = 0                     # downloads that failed; the next run tries them again
    invalid: int = 0                    # CDX rows with an impossible timestamp or URL, never stored
    first_invalid: str | None = None    # what was wrong with the first of them
    new_versions: int = 0
    comparisons: int = 0                # consecutive pairs compared (and kept) for the first time
    errors: list[str] = field(default_factory=list)


def _store_capture(config: Config, db, company: DocumentConfig, capture: Capture, body: bytes,
                   content_type: str | None, final_url: str | None, accepted: set[str]) -> tuple[Snapshot, bool | None]:
    """Snapshot plus (if it is a policy) version, in one transaction; returns (snapshot, version
    created), where None means the archived page is not a policy."""
    text, _ = _policy_text(config, company, body, content_type, 200, accepted)
    stored = store_capture(db, config.snapshots, company=company.key, body=body, text=text, source="wayback",
                           url=capture.original, captured_at=capture.captured_at, http_status=200,
                           content_type=content_type, final_url=final_url)
    if text is None:
        return stored.snapshot, None
    accepted.add(sha256_text(text))
    return stored.snapshot, stored.created


def _store_captures(config: Config, db, company: DocumentConfig, client: WaybackClient, result: BackfillResult,
                    start: str | None, end: str | None, progress) -> None:
    """The backfill's walk over the Archive's listing (see backfill)."""
    slug = company.key
    stored = {(r["url"], r["captured_at"]): (r["path"], r["content_type"]) for r in db.query(
        "SELECT url, captured_at, path, content_type FROM snapshots WHERE company = ? AND source = 'wayback'", [slug])}
    by_digest: dict[str, tuple[str, str | None]] = {}    # digest → (snapshot file, content type)
    accepted: set[str] = set()                           # texts known to be the policy
    for capture in client.list_captures(company.url, start=start, end=end):
        if capture.invalid:
            result.invalid += 1
            result.first_invalid = result.first_invalid or capture.invalid
            continue
        result.listed += 1
        known = stored.get((capture.original, capture.captured_at))
        if known:
            result.already_stored += 1
            by_digest.setdefault(capture.digest, known)
        else:
            if capture.digest in by_digest:
                path, content_type = by_digest[capture.digest]
                body, final_url = read_snapshot_file(config.snapshots, path), None
                result.skipped_duplicate += 1
            else:
                try:
                    resp = client.download(capture)
                except FetchError as e:
                    result.failed += 1
                    result.errors.append(str(e))
                    if progress:
                        progress(result)
                    continue
                body, content_type, final_url = resp.body, resp.content_type or capture.mimetype, resp.final_url
                result.downloaded += 1
            snapshot, created = _store_capture(config, db, company, capture, body, content_type, final_url,
                                               accepted)
            by_digest[capture.digest] = (snapshot.path, content_type)
            result.rejected += created is None
            result.new_versions += bool(created)
        if progress:
            progress(result)


def backfill(config: Config, db, ref: str, *, start: str | None = None, end: str | None = None,
             progress=None, client: WaybackClient | None = None) -> BackfillResult:
    """Store the Wayback Machine's captures of a document as snapshots and versions, and
    compare each new pair of consecutive versions (never alerting: the past is not news).

    Each distinct digest is downloaded once; a capture repeating an earlier digest is stored
    from the bytes already kept (so a page that went back to an older text shows in the
    history). Captures stored by an earlier run are skipped without a request, so an
    interrupted backfill resumes where it stopped. `progress(result)` is called after each
    capture."""
    company = config.document(ref)
    slug = company.key
    if not config.wayback_for(company):
        where = "[wayback] enabled" if not config.wayback_enabled else f"[companies.{company.company}] wayback"
        raise ConfigError(f"the Wayback Machine is turned off for {slug} ({where} = false); remove that line "
                          f"to backfill it")
    ensure_company(db, slug, company.url)
    client = client or WaybackClient.from_config(config)
    result = BackfillResult(slug)
    sent, throttled = client.cdx_limiter.counts()
    # Each capture is still one transaction, whole or absent after a kill; but its commit does not
    # wait for the disk: a power cut may take back the last captures stored (whole: their snapshot
    # files are synced first), which the next backfill stores again like any capture not stored.
    # The commits after this one, at full sync, make them all durable.
    synchronous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        _store_captures(config, db, company, client, result, start, end, progress)
    finally:      # the Archive's answers count for /metrics however the backfill ends
        db.execute(f"PRAGMA synchronous = {int(synchronous)}")
        now_sent, now_throttled = client.cdx_limiter.counts()
        add_counts(db, {"wayback_requests": now_sent - sent, "wayback_429s": now_throttled - throttled})
    result.comparisons = compare_stale(db, slug)
    now = utcnow()
    with write(db):
        db.execute("UPDATE companies SET wayback_checked_at = ? WHERE slug = ?", [now, slug])
        if start is None and end is None and not result.failed:
            db.execute("UPDATE companies SET backfilled_at = coalesce(backfilled_at, ?) WHERE slug = ?", [now, slug])
    return result


@dataclass
class ReextractResult:
    companies: int = 0
    snapshots: int = 0
    rejected: int = 0                   # snapshots that are not (or no longer) a policy
    versions_changed: int = 0           # same version, text re-derived (marked technical)
    versions_added: int = 0             # a difference the new extractor sees (marked technical)
    versions_removed: int = 0           # no longer distinct from the version before
    comparisons: int = 0                # consecutive pairs compared again
    skipped: list[str] = field(default_factory=list)


@dataclass
class _RunStart:
    """A snapshot (or a version without one) whose text differs from the one before it."""
    captured_at: str
    text: str
    snapshot: Snapshot | None = None
    version_id: int | None = None

    @cached_property
    def sha256(self) -> str:
        return sha256_text(self.text)


def _derive(config: Config, db, company: DocumentConfig, result: ReextractResult) -> list[_RunStart]:
    """The history the current extractor gives: snapshots (and snapshot-less versions, kept as
    they are) in capture order, each kept only where its text differs from the one before."""
    items: list[tuple[str, int, int, object]] = [(s.captured_at, 0, s.id, s) for s in snapshots(db, company.key)]
    items += [(r["captured_at"], 1, r["id"], r) for r in db.query(
        "SELECT v.id, v.captured_at, t.text FROM versions v JOIN texts t ON t.sha256 = v.sha256 "
        "WHERE v.company = ? AND v.snapshot_id IS NULL", [company.key])]
    starts: list[_RunStart] = []
    accepted: set[str] = set()
    for captured_at, kind, _, item in sorted(items, key=lambda i: i[:3]):
        if kind == 1:
            start = _RunStart(captured_at, item["text"], version_id=item["id"])
        else:
            result.snapshots += 1
            body = read_snapshot_file(config.snapshots, item.path)
            if item.source == "file":     # imported by hand: read as `policymon import` reads it
                try:
                    text = extract(body, filename=item.url, selector=company.selector, remove=company.remove)
                except InputError:
                    text = None
            else:
                text, _ = _policy_text(config, company, body, item.content_type, item.http_status, accepted)
            if text is None:
                result.rejected += 1
                continue
            start = _RunStart(captured_at, text, snapshot=item)
            accepted.add(start.sha256)
        if not starts or starts[-1].sha256 != start.sha256:
            starts.append(start)
    return starts


def _referenced(db, version_id: int) -> bool:
    """Whether an alert or a check refers to the version (or to a comparison of it); comparisons
    nothing refers to are derived data, recomputed whenever missing."""
    return db.execute(
        "SELECT EXISTS (SELECT 1 FROM comparisons c WHERE (c.old_version_id = ?1 OR c.new_version_id = ?1) AND "
        "(EXISTS (SELECT 1 FROM alerts a WHERE a.comparison_id = c.id) "
        "OR EXISTS (SELECT 1 FROM checks k WHERE k.comparison_id = c.id))) "
        "OR EXISTS (SELECT 1 FROM checks WHERE version_id = ?1)", [version_id]).fetchone()[0] == 1


def _rebuild(db, slug: str, starts: list[_RunStart], result: ReextractResult) -> None:
    """Make the stored versions match `starts`, keeping every row something refers to."""
    current = list(db.query("SELECT id, sha256, captured_at, snapshot_id FROM versions WHERE company = ? "
                            "ORDER BY captured_at, id", [slug]))
    by_snapshot = {r["snapshot_id"]: r for r in current if r["snapshot_id"] is not None}
    keep: set[int] = set()
    for start in starts:
        if start.version_id is not None:
            keep.add(start.version_id)
            continue
        db.execute("INSERT OR IGNORE INTO texts (sha256, text) VALUES (?, ?)", [start.sha256, start.text])
        snap = start.snapshot
        row = by_snapshot.get(snap.id)
        if row is None:
            db.execute("INSERT INTO versions (company, sha256, captured_at, source, url, snapshot_id, technical, "
                       "created_at) VALUES (?,?,?,?,?,?,1,?)",
                       [slug, start.sha256, start.captured_at, snap.source, snap.url, snap.id, utcnow()])
            result.versions_added += 1
            continue
        keep.add(row["id"])
        if row["sha256"] != start.sha256:
            db.execute("UPDATE versions SET sha256 = ?, technical = 1 WHERE id = ?", [start.sha256, row["id"]])
            result.versions_changed += 1
    for row in current:
        if row["id"] in keep:
            continue
        if _referenced(db, row["id"]):
            # Alerts and checks point at it: keep it, holding the text in force at its time.
            in_force = [s for s in starts if s.captured_at <= row["captured_at"]] or starts[:1]
            if row["sha256"] != in_force[-1].sha256:
                db.execute("UPDATE versions SET sha256 = ?, technical = 1 WHERE id = ?",
                           [in_force[-1].sha256, row["id"]])
                result.versions_changed += 1
        else:
            db.execute("DELETE FROM comparisons WHERE old_version_id = ?1 OR new_version_id = ?1", [row["id"]])
            db.execute("DELETE FROM versions WHERE id = ?", [row["id"]])
            result.versions_removed += 1


def reextract(config: Config, db, ref: str | None = None) -> ReextractResult:
    """Rebuild versions from stored snapshots with the current extractor, without fetching.

    Versions are derived data, so they are rewritten in place (same ids, so alerts and checks
    that refer to them stay valid) and marked technical; then every consecutive pair whose
    comparison is missing or was made from the old texts is compared again. Nothing here
    raises an alert: a better extractor is not a policy change. An interrupted run is
    completed by the next one (stale comparisons are recognised by their texts' hashes)."""
    result = ReextractResult()
    chosen = config.documents_of(ref) if ref else [config.documents[k] for k in sorted(config.documents)]
    for document in chosen:
        seen = result.snapshots
        starts = _derive(config, db, document, result)
        if not starts:
            if result.snapshots > seen:
                result.skipped.append(f"{document.key}: no stored snapshot extracts to a policy; versions kept")
            continue
        result.companies += 1
        with write(db):
            _rebuild(db, document.key, starts, result)
        result.comparisons += compare_stale(db, document.key)
    return result
