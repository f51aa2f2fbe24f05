"""store.Database: the two calls the code makes run on the connection itself; the rest of
sqlite-utils is there for whoever asks for it."""
from monitor.store import open_db


def test_queries_give_rows_as_dicts_and_execute_gives_the_cursor(tmp_path):
    db = open_db(tmp_path / "policymon.db")
    db.execute("INSERT INTO companies (slug, url, added_at) VALUES (?, ?, ?)", ["acme", "https://a.test/p", "2024"])
    assert list(db.query("SELECT slug, url FROM companies")) == [{"slug": "acme", "url": "https://a.test/p"}]
    assert db.execute("SELECT count(*) FROM companies").fetchone() == (1,)


def test_anything_else_is_sqlite_utils_over_the_same_connection(tmp_path):
    db = open_db(tmp_path / "policymon.db")
    db.execute("INSERT INTO companies (slug, url, added_at) VALUES ('acme', NULL, '2024')")
    assert "companies" in db.table_names()
    assert db["companies"].count == 1
    assert db.sqlite_utils.conn is db.conn
