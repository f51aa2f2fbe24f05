"""Every labelled pair in tests/data/dev and real-dev, compared for real and rendered in every format."""
import json

import pytest

from conftest import CORPUS
from monitor.compare import compare_versions
from monitor.extract import extract
from monitor.model import Version
from monitor.report import render
from monitor.report.json import comparison_to_json
from reportcases import Page
from reportschema import valid_report

PAIRS = sorted(p for group in ("dev", "real-dev") for p in (CORPUS / group).iterdir() if p.is_dir())


def compare_pair(pair):
    ext = "md" if (pair / "old.md").exists() else "txt"
    old, new = (Version(text=extract((pair / f"{n}.{ext}").read_bytes(), filename=f"{n}.{ext}"), source="file")
                for n in ("old", "new"))
    return compare_versions(old, new, company=pair.name)


@pytest.fixture(scope="module")
def comparisons():
    return {pair.name: compare_pair(pair) for pair in PAIRS}


@pytest.mark.parametrize("name", [p.name for p in PAIRS])
def test_pair_renders_in_every_format_consistently(comparisons, name):
    comparison = comparisons[name]
    text = render(comparison, "text")
    assert text.startswith(f"{name}: old → new: {comparison.counts()['changed']} section")
    assert valid_report(json.loads(render(comparison, "json"))) == comparison_to_json(comparison)
    assert render(comparison, "markdown").startswith(f"## Privacy policy changes: {name}")
    page = Page(render(comparison, "html"))
    assert not page.named("script")
    assert {a["href"][1:] for a in page.named("a") if a["href"].startswith("#")} <= page.ids
    for finding in comparison.material_findings:
        assert finding.summary in text and finding.summary in page.all_text


@pytest.mark.parametrize("name, status", [("d04-xmedius-section-moved", "moved"),
                                          ("d05-xajeet-heading-renamed", "renamed")])
def test_editorial_moves_and_renames_are_one_line_with_no_word_changes(comparisons, name, status):
    text = render(comparisons[name], "text")
    assert "[-" not in text and "{+" not in text
    assert "no material change" in text.splitlines()[0]
    assert sum(line.startswith(f"  {status}: ") for line in text.splitlines()) == 1
