"""The store keeps every snapshot once, a version only per distinct text, and survives reopening."""
import sqlite3

import pytest

from monitor.errors import NotFound
from monitor.model import Comparison, Finding, Version
from monitor.store import (add_version, ensure_company, find_version, open_db, previous_version,
                           save_comparison, save_snapshot, snapshots, versions)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "pm.db")
    ensure_company(database, "acme", "https://acme.example/privacy")
    return database


def test_database_uses_wal_and_foreign_keys(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO versions (company, sha256, captured_at, source, created_at) "
                   "VALUES ('nobody', 'x', '2024', 'live', '2024')")


def test_reopening_keeps_schema_and_data(tmp_path):
    first = open_db(tmp_path / "pm.db")
    ensure_company(first, "acme")
    add_version(first, "acme", "text", captured_at="2024-01-01T00:00:00Z", source="live")
    again = open_db(tmp_path / "pm.db")
    assert [v.text for v in versions(again, "acme")] == ["text"]


def test_snapshot_body_is_stored_once_content_addressed(db, tmp_path):
    root = tmp_path / "snaps"
    a, created_a = save_snapshot(db, root, company="acme", body=b"<p>hi</p>", source="live",
                                 url="https://acme.example/privacy", captured_at="2024-01-01T00:00:00Z")
    b, created_b = save_snapshot(db, root, company="acme", body=b"<p>hi</p>", source="live",
                                 url="https://acme.example/privacy", captured_at="2024-02-01T00:00:00Z")
    assert created_a and created_b and a.path == b.path
    assert (root / a.path).read_bytes() == b"<p>hi</p>"
    assert a.path == f"{a.sha256[:2]}/{a.sha256}"
    assert len(list(root.rglob("*"))) == 2           # one folder, one file
    again, created = save_snapshot(db, root, company="acme", body=b"<p>hi</p>", source="live",
                                   url="https://acme.example/privacy", captured_at="2024-01-01T00:00:00Z")
    assert not created and again.id == a.id
    assert len(snapshots(db, "acme")) == 2


def test_same_text_is_not_a_new_version(db):
    v1, c1 = add_version(db, "acme", "one", captured_at="2024-01-01T00:00:00Z", source="live")
    v2, c2 = add_version(db, "acme", "one", captured_at="2024-02-01T00:00:00Z", source="live")
    assert c1 and not c2 and v1.id == v2.id
    assert db.execute("SELECT count(*) FROM texts").fetchone()[0] == 1


def test_text_changing_back_is_a_new_version(db):
    for month, text in [("01", "one"), ("02", "two"), ("03", "one")]:
        add_version(db, "acme", text, captured_at=f"2024-{month}-01T00:00:00Z", source="live")
    assert [v.text for v in versions(db, "acme")] == ["one", "two", "one"]
    assert db.execute("SELECT count(*) FROM texts").fetchone()[0] == 2


def test_older_capture_interleaves_by_capture_time(db):
    add_version(db, "acme", "live text", captured_at="2024-06-01T00:00:00Z", source="live")
    add_version(db, "acme", "archived text", captured_at="2020-01-01T00:00:00Z", source="wayback")
    assert [v.text for v in versions(db, "acme")] == ["archived text", "live text"]


def test_earlier_capture_of_the_same_text_moves_the_version_back(db):
    add_version(db, "acme", "A", captured_at="2020-01-01T00:00:00Z", source="wayback")
    add_version(db, "acme", "B", captured_at="2024-01-01T00:00:00Z", source="live")
    version, created = add_version(db, "acme", "B", captured_at="2022-01-01T00:00:00Z", source="wayback")
    assert not created
    assert [(v.text, v.captured_at[:4]) for v in versions(db, "acme")] == [("A", "2020"), ("B", "2022")]


def test_find_version_by_date_id_and_keyword(db):
    v1, _ = add_version(db, "acme", "one", captured_at="2023-05-01T00:00:00Z", source="live")
    v2, _ = add_version(db, "acme", "two", captured_at="2024-05-01T00:00:00Z", source="live")
    assert find_version(db, "acme", "latest").id == v2.id
    assert find_version(db, "acme", "previous").id == v1.id
    assert find_version(db, "acme", "2023-12-31").id == v1.id
    assert find_version(db, "acme", "2024-05-01").id == v2.id   # the whole day counts
    assert find_version(db, "acme", str(v1.id)).id == v1.id
    assert find_version(db, "acme", v2.sha256[:10]).id == v2.id
    assert previous_version(db, v2).id == v1.id
    with pytest.raises(NotFound, match="no version"):
        find_version(db, "acme", "2001-01-01")


def test_find_version_without_history_says_how_to_get_one(db):
    with pytest.raises(NotFound, match="policymon check acme"):
        find_version(db, "acme", "latest")


def test_comparison_is_recorded_once_with_its_findings(db):
    v1, _ = add_version(db, "acme", "one", captured_at="2023-05-01T00:00:00Z", source="live")
    v2, _ = add_version(db, "acme", "two", captured_at="2024-05-01T00:00:00Z", source="live")
    finding = Finding(category="sale", material=True, severity="high", direction="weaker",
                      summary="May now sell personal information")
    comparison = Comparison(old=v1, new=v2, changes=(), findings=(finding,), company="acme")
    first = save_comparison(db, comparison, {"material": True})
    second = save_comparison(db, comparison, {"material": True})
    assert first == second
    assert [r["category"] for r in db.query("SELECT category FROM findings")] == ["sale"]


def test_a_stored_finding_keeps_its_rule_and_words(db):
    """What history, the dashboard and feeds read back is the finding as it was printed."""
    from monitor.history import _findings
    from monitor.compare import compare_versions
    old, _ = add_version(db, "acme", "## Sharing\nWe share data with our hosting provider.",
                         captured_at="2023-05-01T00:00:00Z", source="live")
    new, _ = add_version(db, "acme", "## Sharing\nWe share data with our hosting provider and insurance underwriters.",
                         captured_at="2024-05-01T00:00:00Z", source="live")
    comparison = compare_versions(old, new, company="acme")
    assert any(f.rule.startswith("edit.") and f.added_words for f in comparison.findings)
    cid = save_comparison(db, comparison, {"material": comparison.material})
    assert _findings(db, cid) == comparison.findings


def test_a_comparison_is_dated_by_its_newer_version_even_when_that_moves_earlier(db):
    """changed_at orders the dashboard and feeds: it follows a version found to exist earlier."""
    v1, _ = add_version(db, "acme", "one", captured_at="2023-05-01T00:00:00Z", source="live")
    v2, _ = add_version(db, "acme", "two", captured_at="2024-05-01T00:00:00Z", source="live")
    save_comparison(db, Comparison(old=v1, new=v2, changes=(), company="acme"), {})
    assert db.execute("SELECT changed_at FROM comparisons").fetchone()[0] == "2024-05-01T00:00:00Z"
    moved, created = add_version(db, "acme", "two", captured_at="2023-09-01T00:00:00Z", source="wayback")
    assert (moved.id, created) == (v2.id, False)
    assert db.execute("SELECT changed_at FROM comparisons").fetchone()[0] == "2023-09-01T00:00:00Z"


def test_failed_write_leaves_nothing_half_written(db):
    v1, _ = add_version(db, "acme", "one", captured_at="2023-05-01T00:00:00Z", source="live")
    ghost = Version(text="two", company="acme", id=999999, captured_at="2024-01-01T00:00:00Z")
    with pytest.raises(sqlite3.IntegrityError):
        save_comparison(db, Comparison(old=v1, new=ghost, changes=(), company="acme"), {})
    assert db.execute("SELECT count(*) FROM comparisons").fetchone()[0] == 0
