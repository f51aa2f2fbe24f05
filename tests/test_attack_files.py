"""Hostile files: PDF bombs and absurd markup end as failed checks naming the budget, within
the time budget and without the checking process growing (the PDF is read in a worker)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bombs import deep_html, many_streams_pdf_bomb, small_pdf_bomb
from monitor.check import check_company
from monitor.config import load_config
from monitor.extract import extract
from monitor.extract.budget import HTML_MAX_ELEMENTS, PDF_MEMORY, PDF_SECONDS, OverBudget
from monitor.store import open_db
from sites import Reply, make_pdf, site, write_config  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
MIB = 2 ** 20
PROBE = r"""
import json, resource, sys
from monitor.extract import extract
from monitor.errors import InputError
try:
    extract(open(sys.argv[1], "rb").read())
    outcome = "extracted"
except InputError as e:
    outcome = str(e)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"outcome": outcome, "self": hwm * 1024,
                  "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""

CASES = [
    ("24 KB PDF bomb", small_pdf_bomb, "application/pdf", "(the stream budget)"),
    ("40 x 8 MB streams", many_streams_pdf_bomb, "application/pdf", "(the text budget)"),
    ("100,000 nested divs", lambda: deep_html(100_000), "text/html", "(the nesting budget)"),
]


@pytest.mark.parametrize("name, make, content_type, budget", CASES, ids=[c[0] for c in CASES])
def test_a_hostile_file_is_a_failed_check_naming_the_budget(tmp_path, site, name, make, content_type, budget):
    site.route("/privacy", Reply(make(), content_type=content_type))
    config = load_config(write_config(tmp_path, site, companies={"acme": site.url("/privacy")}))
    db = open_db(config.database)
    result = check_company(config, db, "acme")
    assert result.outcome == "failed" and budget in result.reason and not result.transient
    assert db.execute("SELECT count(*) FROM versions").fetchone()[0] == 0


@pytest.mark.parametrize("make", [small_pdf_bomb, many_streams_pdf_bomb], ids=["24 KB bomb", "40 streams"])
def test_a_pdf_bomb_costs_the_reader_no_memory_and_the_worker_under_its_cap(tmp_path, make):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(make())
    run = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=PDF_SECONDS + 30)
    measured = json.loads(run.stdout)
    assert "budget" in measured["outcome"]
    assert measured["self"] < 100 * MIB                   # the checking process: its usual size
    assert measured["worker"] < min(PDF_MEMORY, 200 * MIB)  # the worker: under its cap, measured ~141 MiB


def test_a_pdf_worker_that_overruns_its_time_is_stopped(monkeypatch):
    """The wall-clock budget, shortened: the bomb that takes ~5 s is stopped at 1 s."""
    from monitor.extract import budget
    monkeypatch.setattr(budget, "PDF_SECONDS", 1.0)
    with pytest.raises(OverBudget, match=r"took over 1 s .*\(the time budget\)"):
        extract(many_streams_pdf_bomb())


def test_markup_with_too_many_elements_is_refused_before_parsing():
    flat = b"<html><body>" + b"<span>x</span>" * (HTML_MAX_ELEMENTS // 2 + 1) + b"</body></html>"
    with pytest.raises(OverBudget, match="the element budget"):
        extract(flat)


def test_text_over_the_character_budget_is_refused(monkeypatch):
    from monitor.extract import budget
    monkeypatch.setattr(budget, "MAX_CHARS", 1000)
    with pytest.raises(OverBudget, match="over 1,000 characters"):
        extract("We do not sell personal information. " * 100)


def test_an_ordinary_pdf_still_reads_through_the_worker():
    text = extract(make_pdf(["Privacy Policy", "We do not sell personal information."]))
    assert "We do not sell personal information." in text
