"""Captures that are not the whole policy are not compared clause by clause: one finding says
why, and it is not material."""
from pathlib import Path

from monitor.classify.capture import capture_problem
from monitor.compare import compare_versions
from monitor.extract import extract
from monitor.model import Version

DEV = Path(__file__).parent / "data" / "pairs" / "x01-lumora-notice-on-publication"
POLICY = extract((DEV / "old.md").read_bytes(), filename="old.md")


def test_an_empty_or_stub_capture_is_a_capture_problem():
    c = compare_versions(Version("# Privacy Policy\n\nLoading..."), Version(POLICY))
    assert [(f.rule, f.material) for f in c.findings] == [("capture.short", False)]
    assert not c.material


def test_a_landing_page_in_place_of_the_policy_is_a_capture_problem():
    landing = "# Privacy\n\n" + "\n".join(f"* [Privacy notice for service {i}](https://x.example/{i}) explains it." for i in range(12))
    assert capture_problem(POLICY * 2, landing).rule == "capture.other-page"


def test_documents_captured_with_the_policy_on_one_date_only_are_a_capture_problem():
    dated = "Last updated: 5 July 2024\n\n" + POLICY
    appended = dated + "\n\n## Cookie notice\n" + " ".join(["We use strictly necessary cookies."] * 120)
    problem = capture_problem(appended, dated)
    assert problem.rule == "capture.partial" and "5 July 2024" not in problem.summary
    assert "2024-07-05" in problem.summary


def test_the_same_shrink_with_a_new_policy_date_is_compared():
    old = "Last updated: 5 July 2024\n\n" + POLICY + "\n\n## Cookie notice\n" + " ".join(["We use cookies."] * 120)
    new = "Last updated: 1 March 2025\n\n" + POLICY
    assert capture_problem(old, new) is None


def test_a_whole_section_dropped_from_the_end_is_compared():
    shield = ("\n\n## Privacy Shield\nLumora participates in and has certified its compliance with the "
              "EU-U.S. Privacy Shield Framework.\n")
    c = compare_versions(Version(POLICY + shield), Version(POLICY))
    assert [f.category for f in c.findings if f.material] == ["transfer"]
