"""Classifying changes: claims compared, not words; values, directions, evidence, dates."""
from monitor.classify import classify
from monitor.model import Change, Section, Version

OLD_DATE = "Last updated: 1 March 2022"


def _version(*sections: Section, captured_at=None) -> Version:
    return Version(text="\n\n".join(f"## {s.title}\n{s.body}" for s in sections), captured_at=captured_at)


def _classify(old_body: str, new_body: str, title: str = "Changes to this policy", *,
              old_at=None, new_at=None, extra: tuple[Section, ...] = ()):
    old_s, new_s = Section(title, old_body), Section(title, new_body)
    changes = [Change("changed" if old_body != new_body else "unchanged", (old_s,), (new_s,))]
    changes += [Change("unchanged", (s,), (s,)) for s in extra]
    return classify(changes, _version(old_s, *extra, captured_at=old_at), _version(new_s, *extra, captured_at=new_at))


def _material(findings):
    return [f for f in findings if f.material]


def test_shorter_notice_period_is_a_weaker_notice_finding_with_values():
    [f] = _material(_classify("We will email you 30 days before changes take effect.",
                              "We will email you 7 days before changes take effect."))
    assert (f.category, f.direction, f.old_value, f.new_value) == ("notice", "weaker", "30 days", "7 days")
    assert f.summary == "Advance notice of changes shortened from 30 days to 7 days"


def test_longer_notice_period_is_stronger_and_less_severe():
    [f] = _material(_classify("We will email you one week before changes take effect.",
                              "We will email you thirty (30) days before changes take effect."))
    assert (f.direction, f.severity) == ("stronger", "medium")


def test_evidence_quotes_both_sentences_and_names_the_section():
    [f] = _material(_classify("Intro. We will email you 30 days before changes take effect.",
                              "Intro. We will email you 7 days before changes take effect."))
    assert f.evidence_old == "We will email you 30 days before changes take effect."
    assert f.evidence_new == "We will email you 7 days before changes take effect."
    assert f.section == "Changes to this policy"


def test_reworded_sentence_with_the_same_claim_is_silent():
    assert _classify("We will never sell your personal information.",
                     "Your personal information will never be sold by us.", "Sharing") == []


def test_case_punctuation_and_markdown_only_edits_are_silent():
    assert _classify("WE DO NOT SELL YOUR PERSONAL DATA ; we never rent it.",
                     "**We do not sell your personal data;** we never rent it.", "Sharing") == []


def test_deleted_commitment_is_a_weaker_finding():
    [f] = _material(_classify("We do not rent or sell your Personal Information. We use cookies.",
                              "We use cookies.", "Sharing"))
    assert (f.category, f.direction, f.severity) == ("sale", "weaker", "high")
    assert f.old_value == "does not sell personal information"


def test_flipped_commitment_reports_both_values():
    [f] = _material(_classify("We do not sell your personal information.",
                              "We may sell your personal information.", "Sharing"))
    assert (f.old_value, f.new_value) == ("does not sell personal information", "may sell personal information")


def test_commitment_moved_to_another_section_is_silent():
    promise = "We never sell your personal information."
    old = (Section("Sharing", f"We share with processors. {promise}"), Section("Your choices", "You may opt out."))
    new = (Section("Sharing", "We share with processors."), Section("Your choices", f"You may opt out. {promise}"))
    changes = [Change("changed", (old[0],), (new[0],)), Change("changed", (old[1],), (new[1],))]
    assert classify(changes, _version(*old), _version(*new)) == []


def test_removed_claim_still_made_elsewhere_is_silent():
    keep = Section("Summary", "We never sell your personal information.")
    found = _classify("We never sell your personal information. We use cookies.", "We use cookies.", "Sharing",
                      extra=(keep,))
    assert found == []


def test_dropped_right_from_a_list_is_weaker_rights():
    [f] = _material(_classify(
        "You have the right to access, to rectify and to erase your data, and the right to data portability.",
        "You have the right to access, to rectify and to erase your data.", "Your rights"))
    assert (f.category, f.direction) == ("rights", "weaker")
    assert "portability" in f.summary


def test_contact_change_alone_is_not_material():
    [f] = _classify("Write to privacy@old.example.", "Write to dpo@new.example.", "Contact")
    assert (f.category, f.material, f.old_value, f.new_value) == (
        "contact", False, "privacy@old.example", "dpo@new.example")


def test_framework_swap_is_a_transfer_finding_with_per_version_frameworks():
    [f] = _material(_classify("We comply with the EU-U.S. Privacy Shield Framework.",
                              "We comply with the EU-U.S. Data Privacy Framework.", "Transfers"))
    assert (f.category, f.old_value, f.new_value) == (
        "transfer", "EU-U.S. Privacy Shield", "EU-U.S. Data Privacy Framework")


def test_misspelled_framework_fix_is_silent():
    assert _classify("We comply with the EU-U.S. Privacy Shied Framework.",
                     "We comply with the EU-U.S. Privacy Shield Framework.", "Transfers") == []


def test_disavowed_framework_is_no_longer_relied_on():
    [f] = _material(_classify("We comply with the EU-U.S. Privacy Shield.",
                              "We no longer rely on the Privacy Shield, which was invalidated.", "Transfers"))
    assert f.category == "transfer" and "still mentioned" in f.summary


def test_stale_framework_claim_judged_against_capture_date_is_its_own_finding():
    found = _classify("We rely on Standard Contractual Clauses.",
                      "We rely on Standard Contractual Clauses and comply with the EU-U.S. Privacy Shield.",
                      "Transfers", old_at="2020-06-01T00:00:00Z", new_at="2021-03-01T00:00:00Z")
    stale = [f for f in found if f.rule == "transfer.out-of-date"]
    assert len(stale) == 1 and stale[0].material and stale[0].direction == "weaker"
    assert "2020-07-16" in stale[0].summary


def test_framework_claimed_before_it_existed_is_flagged():
    found = _classify("We rely on Standard Contractual Clauses.",
                      "We are certified under the EU-U.S. Data Privacy Framework.", "Transfers",
                      new_at="2022-01-01T00:00:00Z")
    assert any(f.rule == "transfer.out-of-date" and "2023-07-10" in f.summary for f in found)


def test_stale_claim_already_stale_in_old_version_is_not_material():
    found = _classify("We comply with the EU-U.S. Privacy Shield. We use cookies.",
                      "We comply with the EU-U.S. Privacy Shield. We use few cookies.", "Transfers",
                      old_at="2021-01-01", new_at="2021-06-01")
    stale = [f for f in found if f.rule == "transfer.out-of-date"]
    assert stale and not any(f.material for f in stale)


def test_unknown_capture_date_makes_no_dated_judgement():
    found = _classify("We rely on Standard Contractual Clauses.",
                      "We rely on Standard Contractual Clauses and the EU-U.S. Privacy Shield.", "Transfers")
    assert not any(f.rule == "transfer.out-of-date" for f in found)


def test_material_change_under_an_unchanged_date_adds_a_non_material_silent_change():
    dated = Section("", OLD_DATE)
    found = _classify("We will email you 30 days before changes take effect.",
                      "We will email you 2 days before changes take effect.", extra=(dated,))
    silent = [f for f in found if f.rule == "silent-change"]
    assert len(silent) == 1 and silent[0].material is False and silent[0].old_value == "2022-03-01"
    assert {f.category for f in _material(found)} == {"notice"}


def test_material_change_with_a_new_date_is_not_silent():
    old_s = Section("Changes", f"{OLD_DATE}. We will email you 30 days before changes take effect.")
    new_s = Section("Changes", "Last updated: 2 April 2022. We will email you 2 days before changes take effect.")
    found = classify([Change("changed", (old_s,), (new_s,))], _version(old_s), _version(new_s))
    assert not any(f.rule == "silent-change" for f in found)


def test_editorial_change_gets_no_silent_change_finding():
    dated = Section("", OLD_DATE)
    assert _classify("We use cookies.", "We use a few cookies.", "Cookies", extra=(dated,)) == []


def test_material_findings_come_first_by_severity():
    found = _classify("Mail privacy@a.example. We do not sell personal data. We email you 30 days before changes.",
                      "Mail privacy@b.example. We may sell personal data. We email you 40 days before changes.")
    assert [f.material for f in found] == sorted((f.material for f in found), reverse=True)
    assert found[0].severity == "high" and found[0].category == "sale"


def test_unchanged_changes_produce_nothing():
    s = Section("Sharing", "We may sell your personal information.")
    assert classify([Change("unchanged", (s,), (s,))], _version(s), _version(s)) == []


def test_added_section_is_classified():
    added = Section("Disputes", "Any dispute will be settled by binding arbitration, and you waive any class action.")
    old = Section("Intro", "Hello.")
    found = classify([Change("unchanged", (old,), (old,)), Change("added", (), (added,))],
                     _version(old), _version(old, added))
    [f] = _material(found)
    assert (f.category, f.direction, f.section) == ("disputes", "weaker", "Disputes")
