"""split_sections: headings found in marked-up and in plain-text policies."""
from pathlib import Path

import pytest

from monitor.extract import extract
from monitor.sections import split_sections


def extracted(path: Path) -> str:
    return extract(path.read_bytes(), filename=path.name)


def titles(text: str) -> list[str]:
    return [s.title for s in split_sections(text)]


# The spec: each seed policy's headings as a person reads them (the preamble is '').
SEED_HEADINGS = {
    "000_e99e3d254979f7e2.txt": [  # xMatters 2018: Title Case headings, some with no body of their own
        "", "Privacy Policy | xMatters", "EU-U.S. Privacy Shield",
        "Collection and Use of Information on the xMatters Website",
        "Collection and Use of Information Through the xMatters Service", "Disclosure of Information",
        "Service Providers and Sub-Processors", "Legal Disclaimer", "Access to Information and Choice",
        "Data Controlled by xMatters", "Data Controlled by Our Clients", "Opt-Out Preferences", "Security",
        "Tracking Technologies", "Changes to This Privacy Policy", "Additional Information",
        "Links to 3 rd ** Party Sites", "Blog / Forum", "Testimonials", "Referrals", "Social Media Features",
        "Contact Us",
    ],
    "001_a19259ca8b32778a.txt": [  # XMedius 2020: CAPS headings, numbered sub-headings, a contents list, footer
        "", "SCOPE AND APPLICATION", "WHY WE COLLECT INFORMATION", "WHAT INFORMATION WE COLLECT AND HOW IS IT STORED",
        "3.1 XM Fax", "3.2 XM SendSecure and XM Cloud Management Portal", "3.3 XM Connect / CXE-Voice",
        "3.4 XMedius Help Desk and Billing Platform",
        "3.5 License servers hosted by XMedius in Canada and in the USA:",
        "HOW IS THE INFORMATION COMMUNICATED", "SECURITY", "HYPERLINKS AND THIRD PARTIES",
        "GENERAL INFORMATION AND HOW TO EXERCISE YOUR RIGHTS",
        "DOWNLOAD A PDF VERSION", "SOLUTIONS", "RESOURCES", "ABOUT US", "BLOG",
    ],
    "002_d42f9580413f1186.txt": [  # Jivox 2019: lettered CAPS headings; Title Case lines are body
        "", "A. THE INFORMATION JIVOX COLLECTS ABOUT YOU", "B. HOW JIVOX USES YOUR INFORMATION",
        "C. HOW JIVOX SHARES YOUR INFORMATION", "D. USER CHOICE", "E. SAFEGUARDING YOUR INFORMATION",
        "F. THIRD PARTY LINKS.", "G. CHANGES TO JIVOX'S PRIVACY POLICY", "H. EU DATA SUBJECTS",
        "I. LOCATION OF PERSONAL INFORMATION/TRANSFERS TO THE UNITED STATES",
        "J. SPECIAL NOTE REGARDING CHILDREN UNDER 13 YEARS OF AGE", "K. CONTACT JIVOX",
    ],
    "003_992bd7bacc6410b7.txt": [  # "Xajeet" 2020: Title Case headings, inline "Label – text" paragraphs
        "", "About Xajeet", "Information We Collect and Use", "Information Sharing",
        "Security of the Information We Collect", "Third-Party Links and Features", "How Long We Keep Information",
        "Your Choices", "Your[QMD1] California Privacy Rights", "Children's Information",
        "Changes to this Privacy Policy", "Contact Us",
    ],
    "004_2732011bf7fa6b54.txt": [  # WebEngage 2019: one-word headings, "Name: value" contact lines
        "", "Privacy Policy - WebEngage", "Purpose", "Information We Collect", "Information Storage and Security",
        "Information We Share", "Rights Available to You", "Change in Privacy Policy", "Choice/Opt-Out",
        "Questions", "Disclaimer",
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_HEADINGS))
def test_seed_policy_headings(corpus, name):
    assert titles(extracted(corpus / "seeds" / name)) == SEED_HEADINGS[name]


def test_table_of_contents_stays_in_the_preamble(corpus):
    preamble = split_sections(extracted(corpus / "seeds" / "001_a19259ca8b32778a.txt"))[0]
    assert preamble.body.splitlines()[-7:] == [
        "SCOPE AND APPLICATION", "WHY WE COLLECT INFORMATION", "WHAT INFORMATION WE COLLECT AND HOW IT IS STORED",
        "HOW IS THE INFORMATION COMMUNICATED", "SECURITY", "HYPERLINKS AND THIRD-PARTY",
        "GENERAL INFORMATION AND HOW TO EXERCISE YOUR RIGHTS"]


def test_title_case_contact_lines_stay_in_a_caps_headed_policy_body(corpus):
    contact = split_sections(extracted(corpus / "seeds" / "002_d42f9580413f1186.txt"))[-1]
    assert "Jivox Corporation\nAttn: Privacy\n1810 Gateway Blvd" in contact.body


def test_sentence_case_list_items_stay_in_the_body(corpus):
    sections = split_sections(extracted(corpus / "seeds" / "000_e99e3d254979f7e2.txt"))
    website = next(s for s in sections if s.title.endswith("xMatters Website"))
    assert "Work and salary history\nWe use this information to:\nAssess the needs" in website.body


@pytest.mark.parametrize("pair", ["02-aetna", "03-amazon-advertising", "10-github", "15-logitech",
                                  "21-reddit", "28-waze"])
def test_markdown_headings_each_start_a_section(corpus, pair):
    text = extracted(corpus / "real-dev" / pair / "new.md")
    atx = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
    assert [s.title for s in split_sections(text) if s.title] == atx


def test_atx_heading_levels_are_kept():
    sections = split_sections("# Privacy\nIntro text.\n## Sharing\nWe share.\n### With vendors\nVendors.")
    assert [(s.title, s.level, s.body) for s in sections] == [
        ("Privacy", 1, "Intro text."), ("Sharing", 2, "We share."), ("With vendors", 3, "Vendors.")]


def test_bare_lines_are_body_when_markup_gave_headings():
    sections = split_sections("## Sharing\nIMPORTANT NOTICE\nWe share.\n## Retention\nKept 90 days.\nData Deletion\nGone.")
    assert [s.title for s in sections] == ["Sharing", "Retention"]


def test_caps_headings_are_used_when_markup_gave_only_a_title():
    text = "# Acme Privacy Policy\nIntro.\nSHARING\nWe share.\nRETENTION\nKept.\nYOUR RIGHTS\nAsk us."
    assert titles(text) == ["Acme Privacy Policy", "SHARING", "RETENTION", "YOUR RIGHTS"]


def test_text_before_the_first_heading_is_a_preamble_titled_empty():
    [preamble, sharing] = split_sections("Last updated: May 1, 2020\nWelcome.\nInformation Sharing\nWe share.")
    assert (preamble.title, preamble.body) == ("", "Last updated: May 1, 2020\nWelcome.")
    assert sharing.title == "Information Sharing"


def test_numbered_headings_take_their_depth_as_level():
    sections = split_sections("1. Scope\nText.\n1.1 Websites\nMore.\n1.1.2 Mobile Apps\nEven more.\n2) Sharing\nText.")
    assert [(s.title, s.level) for s in sections] == [
        ("1. Scope", 1), ("1.1 Websites", 2), ("1.1.2 Mobile Apps", 3), ("2) Sharing", 1)]


def test_numbered_list_items_are_not_headings():
    text = "1. Data We Collect\nWe collect:\n1. Name\n2. Email Address\n3. Phone\n2. Sharing\nWe share."
    assert titles(text) == ["1. Data We Collect", "2. Sharing"]


def test_field_lines_with_a_value_are_not_headings():
    text = "Overview\nWe care.\nEffective Date: February 11, 2018\nName: Avlesh Singh\nContact Us\nWrite to us."
    assert titles(text) == ["Overview", "Contact Us"]


def test_sentences_and_sentence_case_items_are_not_headings():
    text = ("Your Choices\nWe use this information to:\nSend you marketing communications\n"
            "Respond to customer service requests\nYou may opt out at any time.\nWe Never Sell Data.")
    assert titles(text) == ["Your Choices"]


def test_long_caps_paragraph_is_not_a_heading():
    text = ("Terms\nBY USING THE SERVICE YOU ACCEPT TO BE BOUND BY THE TERMS OF THIS PRIVACY POLICY AND ALL LAWS.\n"
            "SECURITY\nWe encrypt data.\nSHARING\nWe share.\nRIGHTS\nAsk.")
    assert titles(text) == ["", "SECURITY", "SHARING", "RIGHTS"]


def test_lines_ending_with_a_colon_in_title_case_are_headings():
    assert titles("Intro text here.\nHow We Use Data:\nTo run the service.") == ["", "How We Use Data:"]


def test_question_in_title_case_is_a_heading():
    assert titles("Welcome to our policy.\nWhat Are Cookies?\nSmall files.") == ["", "What Are Cookies?"]


def test_title_case_contents_list_is_not_a_set_of_empty_sections():
    text = ("Acme respects your privacy.\nInformation We Collect\nHow We Use Information\nYour Rights\n"
            "Information We Collect\nWe collect your name.\nHow We Use Information\nTo run the service.\n"
            "Your Rights\nYou may ask for a copy.")
    sections = split_sections(text)
    assert [s.title for s in sections] == ["", "Information We Collect", "How We Use Information", "Your Rights"]
    assert all(s.body for s in sections)


def test_empty_text_has_no_sections():
    assert split_sections("") == []
