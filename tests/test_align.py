"""align_sections: pairing two versions' sections, with a word diff per pair."""
import re
from pathlib import Path

import pytest

from conftest import CORPUS
from monitor.align import align_sections
from monitor.extract import extract
from monitor.model import Section
from monitor.sections import split_sections

NOTICE = Section("Changes to this policy", "We will notify you by email 30 days before any material change takes effect.")
SHARING = Section("Information sharing", "We do not sell your personal information. We share it only with service providers.")
RETENTION = Section("Data retention", "We keep account data for 90 days after you close your account, then delete it.")
CONTACT = Section("Contact us", "Write to privacy@example.com or to our postal address in Waterloo, Ontario.")
COOKIES = Section("Cookies", "We use cookies to remember your preferences and to measure how the site is used.")


def statuses(changes):
    return [(c.status, c.old_title, c.new_title) for c in changes]


def word_changes(change):
    return [(op, text) for op, text in change.diff if op != "="]


def test_identical_versions_are_all_unchanged():
    changes = align_sections([NOTICE, SHARING, RETENTION], [NOTICE, SHARING, RETENTION])
    assert [c.status for c in changes] == ["unchanged"] * 3
    assert not any(c.has_word_changes for c in changes)


def test_edited_body_is_changed_with_only_the_edit_in_its_diff():
    edited = Section(NOTICE.title, NOTICE.body.replace("30 days", "7 days"))
    [_, change, _] = align_sections([SHARING, NOTICE, RETENTION], [SHARING, edited, RETENTION])
    assert change.status == "changed"
    assert word_changes(change) == [("-", "30"), ("+", "7")]


def test_section_that_only_moved_is_moved_without_word_changes():
    changes = align_sections([NOTICE, SHARING, RETENTION, CONTACT], [NOTICE, RETENTION, CONTACT, SHARING])
    assert statuses(changes) == [
        ("unchanged", NOTICE.title, NOTICE.title), ("unchanged", RETENTION.title, RETENTION.title),
        ("unchanged", CONTACT.title, CONTACT.title), ("moved", SHARING.title, SHARING.title)]
    assert not changes[3].has_word_changes


def test_of_two_swapped_sections_the_one_now_first_moved():
    changes = align_sections([NOTICE, SHARING, RETENTION, CONTACT], [NOTICE, RETENTION, SHARING, CONTACT])
    assert [c.status for c in changes] == ["unchanged", "moved", "unchanged", "unchanged"]
    assert changes[1].new_title == RETENTION.title


def test_section_that_moved_and_was_edited_is_changed():
    edited = Section(SHARING.title, SHARING.body.replace("do not sell", "may sell"))
    changes = align_sections([NOTICE, SHARING, RETENTION, CONTACT], [NOTICE, RETENTION, CONTACT, edited])
    assert changes[3].status == "changed"
    assert ("+", "may") in word_changes(changes[3])


def test_new_heading_over_the_same_body_is_renamed_without_word_changes():
    renamed = Section("How we share information", SHARING.body)
    [_, change, _] = align_sections([NOTICE, SHARING, RETENTION], [NOTICE, renamed, RETENTION])
    assert statuses([change]) == [("renamed", SHARING.title, "How we share information")]
    assert not change.has_word_changes


def test_case_or_punctuation_only_heading_change_is_renamed():
    recased = Section("INFORMATION SHARING:", SHARING.body)
    [_, change] = align_sections([NOTICE, SHARING], [NOTICE, recased])
    assert change.status == "renamed"


def test_renamed_heading_with_edited_body_is_changed():
    reworded = Section("How we share information", SHARING.body.replace("only with", "with partners and"))
    [_, change, _] = align_sections([NOTICE, SHARING, RETENTION], [NOTICE, reworded, RETENTION])
    assert (change.status, change.old_title, change.new_title) == ("changed", SHARING.title, reworded.title)


def test_new_section_is_added_where_it_appears():
    changes = align_sections([NOTICE, SHARING, RETENTION], [NOTICE, COOKIES, SHARING, RETENTION])
    assert statuses(changes)[1] == ("added", None, COOKIES.title)
    assert changes[1].diff == (("+", COOKIES.body),)


def test_removed_section_is_placed_where_it_was():
    changes = align_sections([NOTICE, SHARING, RETENTION, CONTACT], [NOTICE, RETENTION, CONTACT])
    assert statuses(changes) == [
        ("unchanged", NOTICE.title, NOTICE.title), ("removed", SHARING.title, None),
        ("unchanged", RETENTION.title, RETENTION.title), ("unchanged", CONTACT.title, CONTACT.title)]
    assert changes[1].diff == (("-", SHARING.body),)


def test_removed_first_section_comes_first():
    changes = align_sections([NOTICE, SHARING, RETENTION], [SHARING, RETENTION])
    assert statuses(changes)[0] == ("removed", NOTICE.title, None)


def test_section_cut_in_two_is_split():
    whole = Section("Your data", SHARING.body + "\n" + RETENTION.body)
    changes = align_sections([NOTICE, whole], [NOTICE, Section("Sharing", SHARING.body),
                                                Section("Retention", RETENTION.body)])
    assert [c.status for c in changes] == ["unchanged", "split"]
    assert [s.title for s in changes[1].new] == ["Sharing", "Retention"]
    assert not changes[1].has_word_changes


def test_two_sections_joined_are_merged():
    joined = Section("Your data", SHARING.body + "\n" + RETENTION.body)
    changes = align_sections([NOTICE, SHARING, RETENTION], [NOTICE, joined])
    assert [c.status for c in changes] == ["unchanged", "merged"]
    assert [s.title for s in changes[1].old] == [SHARING.title, RETENTION.title]


def test_unrelated_section_replacing_another_is_removed_plus_added():
    changes = align_sections([NOTICE, SHARING], [NOTICE, COOKIES])
    assert sorted(c.status for c in changes) == ["added", "removed", "unchanged"]


def test_same_heading_with_rewritten_body_is_changed_not_added():
    rewritten = Section(RETENTION.title, "Account data is deleted within three years of closing; logs are kept one year.")
    [change] = align_sections([RETENTION], [rewritten])
    assert change.status == "changed"


def test_preambles_are_paired_with_each_other():
    old = [Section("", "Effective date: 1 May 2020."), NOTICE]
    new = [Section("", "Effective date: 1 June 2021."), NOTICE]
    changes = align_sections(old, new)
    assert statuses(changes) == [("changed", "", ""), ("unchanged", NOTICE.title, NOTICE.title)]


def test_empty_versions_align_to_nothing():
    assert align_sections([], []) == []


# --- the labelled dev pairs (tests/data), read through the real extractor ---

DEV_PAIRS = sorted(p.name for p in (CORPUS / "dev").iterdir() if p.is_dir())
REAL_PAIRS = sorted(p.name for p in (CORPUS / "real-dev").iterdir() if p.is_dir())


def align_pair(folder: Path) -> list:
    ext = "txt" if (folder / "old.txt").exists() else "md"
    old, new = (folder / f"old.{ext}"), (folder / f"new.{ext}")
    return align_sections(split_sections(extract(old.read_bytes(), filename=old.name)),
                          split_sections(extract(new.read_bytes(), filename=new.name)))


def changed_pieces(changes) -> list[tuple[str, str]]:
    return [(op, text) for c in changes for op, text in c.diff if op != "="]


@pytest.mark.parametrize("pair", [f"dev/{p}" for p in DEV_PAIRS] + [f"real-dev/{p}" for p in REAL_PAIRS])
def test_every_dev_pair_aligns_with_diffs_that_rebuild_the_new_text(corpus, pair):
    changes = align_pair(corpus / pair)
    assert changes
    for c in changes:
        assert "".join(t for op, t in c.diff if op != "-") == c.new_text


def test_reflowed_pair_has_no_word_changes(corpus):
    changes = align_pair(corpus / "dev" / "d01-xmatters-reflow")
    assert {c.status for c in changes} == {"unchanged"}
    assert changed_pieces(changes) == []


def test_moved_security_section_is_moved_with_no_word_changes(corpus):
    changes = align_pair(corpus / "dev" / "d04-xmedius-section-moved")
    assert [(c.status, c.title) for c in changes if c.status != "unchanged"] == [("moved", "SECURITY")]
    assert changed_pieces(changes) == []


def test_renamed_heading_is_renamed_with_no_word_changes(corpus):
    changes = align_pair(corpus / "dev" / "d05-xajeet-heading-renamed")
    assert [(c.status, c.old_title, c.new_title) for c in changes if c.status != "unchanged"] == [
        ("renamed", "Security of the Information We Collect", "How We Protect Your Information")]
    assert changed_pieces(changes) == []


def test_identical_pair_is_all_unchanged(corpus):
    changes = align_pair(corpus / "dev" / "d20-webengage-identical")
    assert {c.status for c in changes} == {"unchanged"}


def test_date_bump_changes_only_the_date(corpus):
    changes = align_pair(corpus / "dev" / "d02-xmatters-effective-date")
    assert [c.title for c in changes if c.status != "unchanged"] == ["Privacy Policy | xMatters"]
    assert changed_pieces(changes) == [("-", "February 11"), ("+", "March 1"), ("-", "2018"), ("+", "2019")]


def test_typo_fixes_change_only_the_typos(corpus):
    changes = align_pair(corpus / "dev" / "d03-jivox-typo-fixes")
    assert changed_pieces(changes) == [("-", "Shied"), ("+", "Shield"), ("-", "too"), ("+", "to")]


def test_moved_and_edited_section_is_changed_with_only_its_edit(corpus):
    changes = align_pair(corpus / "dev" / "d18-xmedius-mixed")
    security = next(c for c in changes if c.title == "SECURITY")
    assert security.status == "changed"
    assert [p for p in security.diff if p[0] != "="] == [("-", "endeavor"), ("+", "strive")]
    assert "moved" not in {c.status for c in changes}


def test_link_only_edits_leave_no_word_changes(corpus):
    changes = align_pair(corpus / "real-dev" / "10-github")
    assert changed_pieces(changes) == []


def test_capitalisation_only_edits_change_nothing_but_case(corpus):
    changes = align_pair(corpus / "real-dev" / "02-aetna")
    for c in changes:
        assert _words(c.old_text.casefold()) == _words(c.new_text.casefold())
    assert changed_pieces(changes)


def test_copy_edits_change_only_punctuation_and_new_headings(corpus):
    changes = align_pair(corpus / "real-dev" / "28-waze")
    for c in changes:
        new_headings = {" ".join(_words(s.title.casefold())) for s in c.new[1:]}
        for op, text in c.diff:
            words = " ".join(_words(text.casefold()))
            assert op == "=" or not words or (c.status == "split" and words in new_headings), (c.title, op, text)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)
