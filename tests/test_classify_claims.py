"""Reading one sentence: negation in scope, names that look like negations, values."""
import pytest

from monitor.classify.claims import negated, sentence_claims
from monitor.classify.lexicon import LEXICON
from monitor.classify.text import lower_form, paragraphs, sentence, split_sentences, version_sentences
from monitor.classify.values import durations, first_duration


def _claims(text: str, section: str = "", prev: str = ""):
    return {(c.rule.id, c.value.text) for c in sentence_claims(sentence(text, section, prev))}


def test_negator_before_verb_negates_it():
    low = "we do not sell your personal information"
    assert negated(low, low.index("sell"))


def test_negation_does_not_cross_a_subordinate_clause():
    low = "reddit does not have knowledge that it sells the data"
    assert not negated(low, low.index("sells"))


def test_negation_does_not_cross_into_the_next_clause():
    low = "while we do not share your searches with ad companies, we may share an identifier with them"
    assert not negated(low, low.rindex("share"))


def test_negated_commitment_with_exception_is_qualified():
    found = _claims("We do not sell your personal information except to a buyer of our business assets.")
    assert ("sale.sell", "does not sell personal information, with exceptions") in found
    found = _claims("We never disclose your personal information to third parties without your consent.")
    assert ("sharing.third-parties", "does not share personal information with third parties, with exceptions") in found


def test_selling_the_business_is_not_a_sale_of_data():
    assert _claims("If we sell our business or assets, your personal information may be transferred.") == set()


def test_do_not_track_is_a_name_not_a_negation():
    found = _claims("We honor Do Not Track signals.")
    assert ("tracking.dnt", "honours Do Not Track") in found


def test_not_honouring_do_not_track_is_negated():
    found = _claims("At this time we do not respond to Do Not Track browser signals.")
    assert ("tracking.dnt", "does not honour Do Not Track") in found


def test_do_not_track_location_is_still_a_negation():
    assert "dnt" not in lower_form("We do not track your location.")


def test_misspelled_framework_is_respelled():
    assert "privacy shield" in lower_form("the EU-U.S. Privacy Shied Framework")
    assert "privacy shield" in lower_form("the Privacy Sheild program")


def test_us_abbreviation_does_not_end_a_sentence():
    assert split_sentences("We comply with the EU-U.S. Privacy Shield. We also use SCCs.") == [
        "We comply with the EU-U.S. Privacy Shield.", "We also use SCCs."]


def test_markdown_links_and_emphasis_are_dropped():
    assert paragraphs("**We never sell** your [data](https://x.example/a_b).") == [("", "We never sell your data.")]


def test_table_cells_become_paragraphs():
    assert paragraphs("| Cookies | We use cookies. |") == [("", "Cookies"), ("", "We use cookies.")]


def test_hard_wrapped_lines_are_joined():
    wrapped = "If we make material changes we will notify you by email (sent to the\naddress in your account) before they apply."
    assert paragraphs(wrapped) == [("", wrapped.replace("\n", " "))]


def test_line_ending_on_an_abbreviation_continues():
    assert paragraphs("We comply with the EU-U.S.\nPrivacy Shield.") == [("", "We comply with the EU-U.S. Privacy Shield.")]


def test_short_lines_and_list_items_stay_apart():
    assert [p for _, p in paragraphs("Retention Period\nWe keep logs for 30 days\n- and backups for a year")] == [
        "Retention Period", "We keep logs for 30 days", "and backups for a year"]


def test_a_markdown_heading_is_a_heading_after_a_line_without_a_full_stop():
    text = "Besides that, we also store the logo image you upload to print on your calendar\n## Servers\nOur servers are in India."
    assert paragraphs(text, frozenset({"Servers"}))[-1] == ("Servers", "Our servers are in India.")
    assert paragraphs(text.replace("## ", ""), frozenset({"Servers"}))[-1][0] == ""    # a bare line may be a wrapped one


def test_sentences_know_their_section_from_the_titles():
    found = version_sentences("## Sharing\nWe never sell data.\n## Rights\nYou may object.", frozenset({"Sharing", "Rights"}))
    assert [(s.section, s.text) for s in found] == [("Sharing", "We never sell data."), ("Rights", "You may object.")]


def test_wrapped_line_mistaken_for_a_heading_stays_text():
    title = "shield Framework, and we remain liable for onward transfers to agents of"
    text = f"To protect data sent from Europe, we comply with the EU-U.S. Privacy\n{title}\nours in every case."
    found = version_sentences(text, frozenset({title}))
    assert [s.text for s in found] == [text.replace("\n", " ")]


@pytest.mark.parametrize("text,amount,unit", [
    ("30 days", 30, "day"), ("thirty (30) days", 30, "day"), ("(13) months", 13, "month"),
    ("one year", 1, "year"), ("1 week", 1, "week"), ("24 hours", 24, "hour"),
    ("5 business days", 5, "business day"),
])
def test_durations_are_read_in_many_spellings(text, amount, unit):
    d = first_duration(text)
    assert (d.amount, d.unit) == (amount, unit)


def test_durations_compare_across_units():
    (_, week), (_, hours) = durations("1 week or 24 hours")
    assert week.hours > hours.hours


def test_notice_claim_needs_a_change_context():
    assert not any(r == "notice.advance" for r, _ in _claims("We will notify you 30 days before your trial ends."))
    assert ("notice.advance", "30 days") in _claims(
        "We will notify you 30 days before your trial ends.", section="Changes to this policy")


def test_rights_list_yields_one_claim_per_right():
    found = _claims("You have the right to access, rectify and erase your data, and to data portability.")
    assert {r for r, _ in found} >= {"rights.access", "rights.rectification", "rights.erasure", "rights.portability"}


def test_every_rule_id_names_its_category():
    assert all(r.id.split(".")[0] == r.category for r in LEXICON.rules)


def test_heading_after_a_table_of_contents_still_starts_its_section():
    toc = "EU General Data Protection Regulation and UK Data Protection Laws - Legal Basis"
    text = f"Contents\n{toc}\nExamples of Information Collected\n7. What About Advertising?\nWe show ads."
    found = version_sentences(text, frozenset({"Contents", "7. What About Advertising?"}))
    assert found[-1].section == "7. What About Advertising?"


def test_title_holding_two_sentences_is_wrapped_text():
    title = "WE DO NOT SELL PERSONAL INFORMATION TO THIRD PARTIES. WE USE"
    text = f"{title}\nIT ONLY AS THIS POLICY SAYS."
    found = version_sentences(text, frozenset({title}))
    assert [s.text for s in found] == ["WE DO NOT SELL PERSONAL INFORMATION TO THIRD PARTIES.", "WE USE IT ONLY AS THIS POLICY SAYS."]
