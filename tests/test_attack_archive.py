"""A broken or hostile Wayback Machine: answers that are not the documented CDX list, impossible
timestamps. `policymon backfill` runs as a real process against the local site."""
import json
import sqlite3

import pytest

from cli import assert_one_line_error, policymon
from sites import Reply, policy_page, site, write_config  # noqa: F401  (fixture)

POLICY = "https://acme.test/privacy"
HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def _backfilled_at(tmp_path):
    with sqlite3.connect(tmp_path / "policymon.db") as conn:
        return conn.execute("SELECT backfilled_at FROM companies WHERE slug = 'acme'").fetchone()[0]


def _config(tmp_path, site, cdx: Reply):
    site.route("/evil/cdx/search/cdx", cdx)
    return write_config(tmp_path, site, companies={"acme": POLICY}, wayback={"endpoint": site.url("/evil")})


@pytest.mark.parametrize("cdx, says", [
    (Reply('{"error": "overloaded"}', content_type="application/json"), "answered a JSON object, not the documented list"),
    (Reply('[{"timestamp": "20200101000000"}]', content_type="application/json"), "answered JSON of another shape"),
    (Reply("", content_type="application/json"), "answered an empty body"),
])
def test_a_cdx_answer_that_is_not_the_list_fails_the_backfill(tmp_path, site, cdx, says):
    result = policymon("backfill", "acme", config=_config(tmp_path, site, cdx))
    assert_one_line_error(result, says)
    assert _backfilled_at(tmp_path) is None        # the daemon will ask for the whole history again


def test_impossible_capture_timestamps_are_refused_and_counted(tmp_path, site):
    good = "20200101000000"
    rows = [HEADER, ["x", good, POLICY, "text/html", "200", "GOOD", "100"]]
    rows += [["x", ts, POLICY, "text/html", "200", f"D{n}", "100"]
             for n, ts in enumerate(["2020-13-45T00:00:00", "abcdabcdabcdab", "../.-./../.-./", "20201345000000"])]
    rows.append(["x", "20210101000000", "javascript:alert(1)", "text/html", "200", "D9", "100"])
    path = _config(tmp_path, site, Reply(json.dumps(rows), content_type="application/json"))
    site.route(f"/evil/web/{good}id_/{POLICY}", Reply(policy_page()))
    result = policymon("backfill", "acme", config=path)
    assert result.code == 0, result.err
    assert "refused 5 CDX row(s) that cannot be a capture" in result.err
    assert "1 listed, 1 downloaded" in result.err and "5 invalid CDX rows refused" in result.err
    with sqlite3.connect(tmp_path / "policymon.db") as conn:
        assert conn.execute("SELECT captured_at FROM snapshots").fetchall() == [("2020-01-01T00:00:00Z",)]
    assert _backfilled_at(tmp_path) is not None
