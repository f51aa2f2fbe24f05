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


TERMS = "# Terms of Service\n\n" + "\n\n".join(
    f"{n}. You agree that the service is provided as is, that fees for subscription plans are billed in "
    f"advance each month, that accounts may be suspended for breach of these terms, and that clause {n} "
    f"survives termination of the agreement between you and Lumora." for n in range(1, 14))


def test_another_document_at_the_policy_address_is_a_capture_problem():
    problem = capture_problem(POLICY, TERMS)
    assert problem.rule == "capture.other-page" and "new version uses the words of a privacy notice" in problem.summary
    assert not compare_versions(Version(TERMS), Version(POLICY)).material


def test_a_terse_policy_is_compared_with_its_next_version():
    terse = TERMS.replace("Terms of Service", "Privacy")
    assert capture_problem(terse, terse.replace("each month", "each year")) is None


TABLE = ("The table below lists each purpose and the data it uses.\n\n"
         "Purpose | Personal data | Legal basis\n"
         "Running your account and billing | Name, email address, payment card | Contract\n"
         "Sending marketing emails to you | Email address, purchase history | Consent\n"
         "Detecting fraud and abuse of the service | Device identifiers, IP address | Legitimate interests\n")


def test_a_table_lost_by_one_capture_is_not_read_as_a_change():
    with_table = POLICY.replace("## Why Lumora collects data", TABLE + "\n## Why Lumora collects data")
    without = POLICY.replace("## Why Lumora collects data", TABLE.split("\n")[0] + "\n\n## Why Lumora collects data")
    for old, new, side in ((with_table, without, "old"), (without, with_table, "new")):
        found = compare_versions(Version(old), Version(new)).findings
        assert [(f.rule, f.material) for f in found] == [("capture.table", False)]
        assert f"a table of 4 rows is in the {side} capture only" in found[0].summary


def test_a_table_removed_with_the_text_introducing_it_is_a_change():
    with_table = POLICY.replace("## Why Lumora collects data", TABLE + "\n## Why Lumora collects data")
    found = compare_versions(Version(with_table), Version(POLICY)).findings
    assert "capture.table" not in {f.rule for f in found}
    assert any(f.material for f in found)
