"""The edit stage: changes in wordings the lexicon does not know are found, judged by what really
changed, given a category, a direction and the words that changed; rewording is silent."""
import pytest

from monitor.classify.edits import edit_findings
from monitor.classify.edits.topic import topic
from monitor.classify.text import paragraph_sentences
from monitor.compare import compare_versions
from monitor.model import Version


def edits(old: str, new: str, section: str = ""):
    return edit_findings(paragraph_sentences(section, old) if old else [],
                         paragraph_sentences(section, new) if new else [])


# A short policy whose sentences the tests below rewrite one at a time.
POLICY = """# Acme Privacy Policy

## Information we collect
We collect your name, email address and the content you upload. We use it to run the service.

## How we share information
We share information with service providers that host our website on our instructions.

## Where we store data
Your data is stored on servers in Ireland.

## How long we keep data
We keep account data while your account is open and remove it a month after you close it.

## Your rights
You can ask us for a copy of your data, ask us to correct it, or ask us to erase it.

## Changes
We will email you before changes to this policy take effect.
"""


def compared(old: str, new: str):
    assert old in POLICY
    return compare_versions(Version(POLICY), Version(POLICY.replace(old, new)))


def edit_categories(comparison) -> list[str]:
    return [f.category for f in comparison.findings if f.material and f.rule.startswith("edit.")]


def test_a_new_kind_of_recipient_is_sharing():
    c = compared("on our instructions.", "on our instructions, and with insurance underwriters who price your cover.")
    assert edit_categories(c) == ["sharing"]


def test_a_country_added_to_where_data_is_stored_is_transfer():
    c = compared("servers in Ireland.", "servers in Ireland and India.")
    [f] = [f for f in c.findings if f.material]
    assert (f.category, f.rule, f.direction) == ("transfer", "edit.transfer", "weaker")
    assert f.added_words == ("india",) and f.removed_words == ()
    assert "india" in f.topic_words


def test_a_new_type_of_data_in_new_wording_is_collection():
    found = edits("We collect your name and email address.", "We collect your name, email address and keystroke rhythm.",
                  "Information we collect")
    assert [(f.category, f.direction) for f in found] == [("collection", "weaker")]
    assert set(found[0].added_words) == {"keystroke", "rhythm"}


def test_a_longer_period_in_new_wording_is_weaker_retention_of_medium_severity():
    [f] = edits("Account data is purged ninety days after closure.", "Account data is purged two years after closure.")
    assert (f.category, f.direction, f.severity) == ("retention", "weaker", "medium")


def test_a_negation_flip_is_weaker_and_of_medium_severity():
    [f] = edits("We never pass your trip history to insurers.", "We pass your trip history to insurers.", "Sharing")
    assert (f.category, f.direction, f.severity) == ("sharing", "weaker", "medium")
    assert "a negation changed" in f.summary


def test_a_right_dropped_is_found_with_the_words_it_lost():
    [f] = edits("You can ask us to move your data to another provider, or to correct it.",
                "You can ask us to correct your data.", "Your rights")
    assert f.category == "rights" and {"move", "provider"} <= set(f.removed_words)
    assert f.evidence_old.startswith("You can ask us to move") and f.evidence_new == "You can ask us to correct your data."


def test_a_sentence_added_whole_quotes_only_the_new_text():
    [f] = edits("", "Players younger than 16 need a parent to approve their account.", "Children")
    assert (f.category, f.evidence_old, f.material) == ("children", None, True)
    assert f.summary.startswith("New text on children")


@pytest.mark.parametrize("old,new", [
    ("We use your data to improve our services.", "We utilise your information to enhance our services."),
    ("We keep logs for 12 months.", "Logs are kept for one year."),
    ("We won't sell your information to anyone.", "We will not sell your information to anyone."),
    ("Our billing records are kept by our finance team.", "Our biling records are kept by our finance team."),
    ("Your bio is shown on your profile.", "Your biography is shown on your profile."),
    ("See section 4.2 for how we use cookies.", "See section 5.1 for how we use cookies."),
    ("We may share data with affiliates.", "We can share data with affiliates."),
], ids=["synonyms", "periods", "contraction", "typo", "shortening", "reference", "modal-synonym"])
def test_rewording_is_silent(old, new):
    assert edits(old, new) == []


def test_a_sentence_split_in_two_is_silent():
    old = "We collect your name and email address when you register, and we use them to send receipts."
    new = "We collect your name and email address when you register. We use them to send receipts."
    assert edits(old, new) == []


def test_a_sentence_moved_into_another_section_is_silent():
    sentence = " We use it to run the service."
    moved = POLICY.replace(sentence, "").replace("ask us to erase it.", "ask us to erase it." + sentence)
    assert moved != POLICY
    assert [f for f in compare_versions(Version(POLICY), Version(moved)).findings if f.material] == []


@pytest.mark.parametrize("line", [
    "Accept all cookies", "Learn more about how we use cookies.",
    "By clicking Accept, you agree to the storing of cookies on your device.",
    "Acme Ltd, 8th Floor, State Tower, 100 Main Street, Springfield 04631",
])
def test_furniture_pointers_and_addresses_added_are_silent(line):
    assert edits("", line) == []


def test_a_heading_renamed_in_plain_text_is_silent():
    old = POLICY.replace("## Where we store data\n", "Overseas\n")
    new = POLICY.replace("## Where we store data\n", "International transfers\n")
    assert [f for f in compare_versions(Version(old), Version(new)).findings if f.material] == []


def test_a_sentence_the_lexicon_explains_is_left_to_it():
    c = compared("We will email you before changes to this policy take effect.",
                 "Changes to this policy take effect as soon as we publish them.")
    notice = [f for f in c.findings if f.category == "notice" and f.material]
    assert notice and all(not f.rule.startswith("edit.") for f in notice)


def test_a_paragraph_removed_with_a_reported_framework_is_not_read_again():
    framework = ("We comply with the EU-U.S. Privacy Shield Framework as set forth by the U.S. Department of "
                 "Commerce. The services of JAMS are provided at no cost to you.")
    c = compare_versions(Version(POLICY + "\n## Privacy Shield\n" + framework + "\n"), Version(POLICY))
    assert [f.rule for f in c.findings if f.material] == ["transfer.frameworks"]


def test_edit_findings_say_which_words_changed_in_json():
    c = compared("servers in Ireland.", "servers in Ireland and India.")
    [f] = [f.to_json() for f in c.findings if f.material]
    assert f["rule"] == "edit.transfer"
    assert f["words"] == {"added": ["india"], "removed": [], "topic": ["india"]}


def test_lexicon_findings_carry_no_words_field():
    c = compared("You can ask us for a copy of your data, ask us to correct it, or ask us to erase it.",
                 "You can ask us for a copy of your data or ask us to correct it.")
    assert [f.to_json().get("words") for f in c.findings if f.material] == [None]


def test_a_framework_already_out_of_date_does_not_hide_the_paragraph_around_it():
    """The out-of-date note on a framework both versions rely on is not news, so the new
    paragraph that names the framework is still read: here for its dispute body."""
    relied = ("We comply with the EU-U.S. Data Privacy Framework and the Swiss-U.S. Data Privacy "
              "Framework as set forth by the U.S. Department of Commerce.")
    old = POLICY.replace("Your data is stored on servers in Ireland.", relied)
    new = old.replace(relied, relied + "\n\nAll other complaints shall be resolved through alternative dispute "
                      "resolution. We have committed to refer unresolved Data Privacy Framework complaints "
                      "to JAMS, an alternative dispute resolution provider in the United States.")
    found = compare_versions(Version(old, captured_at="2023-11-03T00:00:00Z"),
                             Version(new, captured_at="2023-11-04T00:00:00Z")).findings
    assert any(f.rule == "transfer.out-of-date" and not f.material for f in found)
    assert "disputes" in {f.category for f in found if f.material}


def test_a_promise_withdrawn_whole_is_a_change_even_when_its_words_stay_elsewhere():
    ads = "Advertisers and third-party websites show ads; they never see information that directly identifies you, such as your name."
    promise = "We do not give your name or other information that directly identifies you to these advertisers."
    old = POLICY.replace("on our instructions.", f"on our instructions. {ads} {promise}")
    new = POLICY.replace("on our instructions.", f"on our instructions. {ads}")
    [f] = [f for f in compare_versions(Version(old), Version(new)).findings if f.material]
    assert (f.rule.startswith("edit."), f.direction, f.evidence_old) == (True, "weaker", promise)



def test_three_cue_words_of_one_category_settle_it_when_the_model_doubts():
    text = ("We use cookies, pixels and SDKs for analytics and interest-based advertising, and a teen "
            "account's parent or guardian sees the settings.")
    doubted = topic(text, "Cookies and advertising", frozenset({"children"}))
    settled = topic(text, "Cookies and advertising", frozenset({"children"}), certain=frozenset({"children"}))
    assert doubted is None and settled.category == "children" and settled.probability < 0.1
    assert set(settled.cues) == {"teen", "parent", "guardian"}


def test_a_promise_extended_with_its_negation_dropped_is_a_flip():
    """The new sentence is longer, but it is the old statement with its "never" gone."""
    [f] = edits("Nimbus will never sell your personal data.",
                "Nimbus may sell your personal data to carefully selected partners.")
    assert (f.severity, f.direction) == ("medium", "weaker")


def test_a_negation_in_a_clause_of_its_own_is_not_a_flip():
    old = "You can ask us to erase your data or withdraw your consent at any time."
    new = ("You can ask us to erase your data or withdraw your consent at any time (withdrawing it does "
           "not affect the lawfulness of earlier processing).")
    assert edits(old, new) == []
    [f] = edits(old, old.replace("You can", "You cannot"))
    assert f.severity == "medium"
