"""The terminal report: summary first, findings by importance, git-style word diff."""
import re

import pytest

from monitor.errors import InputError
from monitor.model import Comparison
from monitor.report import render
from reportcases import NOTICE_DIFF, ADS_TEXT, contact_finding, sample_comparison, section_pair

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_first_line_summarises_company_dates_counts_and_verdict():
    comparison = sample_comparison()
    first = render(comparison, "text").splitlines()[0]
    counts = comparison.counts()
    assert first.startswith("acme: 2019-03-01 → 2024-06-01:")
    for status in ("changed", "moved", "renamed", "added", "removed"):
        assert re.search(rf"\b{counts[status]} (sections? )?{status}\b", first), status
    assert first.endswith(f"{len(comparison.material_findings)} material findings")


def test_summary_says_no_material_change_when_no_finding_is_material():
    first = render(sample_comparison(findings=[contact_finding()]), "text").splitlines()[0]
    assert first.endswith("no material change")


def test_material_findings_come_first_highest_severity_first():
    out = render(sample_comparison(), "text")
    high, medium, low = (out.index(s) for s in ("HIGH", "MEDIUM", "LOW"))
    assert out.index("Material findings") < high < medium < out.index("Other findings") < low


def test_finding_shows_category_direction_values_and_evidence():
    out = render(sample_comparison(), "text")
    block = out[out.index("HIGH"):out.index("MEDIUM")]
    assert "notice, weaker" in block
    assert "before: 30 days → after: 7 days" in block
    assert "“at least 30 days before a material change”" in block
    assert "in: Changes to this policy" in block


def test_plain_word_diff_marks_deleted_and_added_words_like_git():
    out = render(sample_comparison(), "text")
    assert "at least [-30-]{+7+} days" in out
    assert f"{{+{ADS_TEXT}+}}" in out
    assert "[-Write to 1 Old Road.-]" in out


def test_moved_and_renamed_sections_are_one_line_without_diff():
    lines = render(sample_comparison(), "text").splitlines()
    moved = lines.index("  moved: Security")
    renamed = lines.index("  renamed: Your choices → Your rights and choices")
    assert renamed == moved + 1
    assert not lines[moved + 1].startswith("      ") and not lines[renamed + 1].startswith("      ")


def test_unchanged_sections_are_not_listed():
    assert "Introduction" not in render(sample_comparison(), "text")


def test_context_keeps_n_words_around_a_change_and_elides_the_rest():
    out = render(sample_comparison(), "text", context=3)
    line = next(l for l in out.splitlines() if "[-30-]" in l).strip()
    assert line == "… e-mail at least [-30-]{+7+} days before a …"


def test_context_zero_shows_only_the_changed_words():
    out = render(sample_comparison(), "text", context=0)
    assert "… [-30-]{+7+} …" in out


def test_large_context_shows_the_whole_section():
    out = render(sample_comparison(), "text", context=1000)
    unchanged = "".join(t for op, t in NOTICE_DIFF if op == "=")
    assert " ".join(unchanged.split()[-5:]) in out and "…" not in out.split("Sections")[1]


def test_negative_context_is_an_input_error():
    with pytest.raises(InputError, match="--context"):
        render(sample_comparison(), "text", context=-1)


def test_width_wraps_lines_without_losing_words():
    comparison = sample_comparison()
    wide = render(comparison, "text", context=1000)
    narrow = render(comparison, "text", width=40, context=1000)
    too_long = [l for l in narrow.splitlines() if len(l) > 40]
    assert all(len(l.split()) == 1 for l in too_long)      # only a word longer than the width overflows
    assert narrow.split() == wide.split()


def test_width_zero_means_no_wrapping():
    comparison = sample_comparison()
    assert render(comparison, "text", width=0) == render(comparison, "text")


def test_negative_width_is_an_input_error():
    with pytest.raises(InputError, match="--width"):
        render(sample_comparison(), "text", width=-5)


def test_color_paints_deletions_red_and_insertions_green():
    out = render(sample_comparison(), "text", color=True)
    assert "\x1b[31m30\x1b[0m\x1b[32m7\x1b[0m" in out
    assert "[-" not in out and "{+" not in out


def test_plain_output_has_no_escape_codes():
    assert "\x1b" not in render(sample_comparison(), "text")


def test_color_does_not_change_the_words_or_the_wrapping():
    comparison = sample_comparison()
    plain = render(comparison, "text", width=50, context=0)
    coloured = ANSI.sub("", render(comparison, "text", color=True, width=50, context=0))
    strip = lambda s: s.replace("[-", "").replace("-]", "").replace("{+", "").replace("+}", "")  # noqa: E731
    assert strip(plain).split() == coloured.split()


def test_identical_versions_say_there_is_no_difference():
    one = section_pair("unchanged", "Intro", "Intro", (("=", "Same."),))
    base = sample_comparison()
    comparison = Comparison(base.old, base.new, (one,), (), "acme")
    out = render(comparison, "text")
    assert out.splitlines()[0].endswith("0 sections changed, 0 moved, 0 added, 0 removed; no material change")
    assert "no differences in the text" in out


def test_unknown_format_is_an_input_error_naming_the_choices():
    with pytest.raises(InputError, match="text, markdown, html, json"):
        render(sample_comparison(), "pdf")
