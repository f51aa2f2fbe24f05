"""Small comparisons built by hand from model.py dataclasses, for the report tests.

Each change's diff is written out so a test can see exactly which words were deleted and
added; HOSTILE is policy text that would inject markup if a report forgot to escape it.
"""
from html.parser import HTMLParser

from monitor.model import Change, Comparison, Finding, Section, Version

HOSTILE = "<script>alert(1)</script> & AT&T [click](https://evil.example/x) *bold* `code`"
OLD_URL = "https://www.acme.example/privacy"

NOTICE_OLD = ("We will notify you by e-mail at least 30 days before a material change takes effect. "
              "Please review this policy from time to time so that you stay informed about our "
              "practices and your choices.")
NOTICE_DIFF = (
    ("=", "We will notify you by e-mail at least "), ("-", "30"), ("+", "7"),
    ("=", " days before a material change takes effect. Please review this policy from time to "
          "time so that you stay informed about our practices and your choices."),
)
ADS_TEXT = "We share your data with ad networks and data brokers for their own marketing."


def section_pair(status: str, old_title: str | None, new_title: str | None, diff) -> Change:
    """A change whose section bodies are rebuilt from its diff, as the differ guarantees."""
    old_body = "".join(t for op, t in diff if op in "=-")
    new_body = "".join(t for op, t in diff if op in "=+")
    old = (Section(old_title, old_body),) if old_title is not None else ()
    new = (Section(new_title, new_body),) if new_title is not None else ()
    return Change(status, old, new, tuple(diff))


def notice_finding() -> Finding:
    return Finding("notice", True, "high", "weaker", "Advance notice of changes cut from 30 days to 7 days",
                   section="Changes to this policy", old_value="30 days", new_value="7 days",
                   evidence_old="at least 30 days before a material change",
                   evidence_new="at least 7 days before a material change")


def sharing_finding() -> Finding:
    return Finding("sharing", True, "medium", "weaker", "New sharing with ad networks and data brokers",
                   section="Advertising partners", evidence_new=ADS_TEXT)


def contact_finding() -> Finding:
    return Finding("contact", False, "low", "neutral", "New postal address", section="Contact us",
                   old_value="1 Old Road", new_value="2 New Street")


def sample_comparison(findings=None, company: str | None = "acme") -> Comparison:
    """Every status a report must show: unchanged, changed, moved, renamed, added, removed."""
    old = Version(text="old text", captured_at="2019-03-01T10:00:00Z", source="wayback", url=OLD_URL,
                  company=company)
    new = Version(text="new text", captured_at="2024-06-01T08:00:00Z", source="live", url=OLD_URL,
                  company=company)
    changes = (
        section_pair("unchanged", "Introduction", "Introduction", (("=", "We care about your privacy."),)),
        section_pair("changed", "Changes to this policy", "Changes to this policy", NOTICE_DIFF),
        section_pair("moved", "Security", "Security", (("=", "We encrypt data in transit."),)),
        section_pair("renamed", "Your choices", "Your rights and choices", (("=", "You may opt out."),)),
        section_pair("added", None, "Advertising partners", (("+", ADS_TEXT),)),
        section_pair("removed", "Contact us", None, (("-", "Write to 1 Old Road."),)),
    )
    if findings is None:
        findings = (contact_finding(), sharing_finding(), notice_finding())
    return Comparison(old, new, changes, tuple(findings), company)


def hostile_comparison() -> Comparison:
    """Policy text, titles, findings and company name full of markup."""
    diff = (("=", "Intro " + HOSTILE + " then "), ("-", "old <b>words</b>"), ("+", "new " + HOSTILE),
            ("=", " end."))
    change = section_pair("changed", "Title " + HOSTILE, "Title " + HOSTILE, diff)
    finding = Finding("sharing", True, "high", "weaker", "Summary " + HOSTILE, section="Title " + HOSTILE,
                      old_value=HOSTILE, new_value=HOSTILE, evidence_old=HOSTILE, evidence_new=HOSTILE)
    v = Version(text="x", captured_at="2020-01-01T00:00:00Z", source="file")
    return Comparison(v, Version(text="y", captured_at="2021-01-01T00:00:00Z", source="file"), (change,),
                      (finding,), "acme " + HOSTILE)


class Page(HTMLParser):
    """An HTML document's start tags (name, attrs), text and ids, read by the stdlib parser."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    @property
    def all_text(self) -> str:
        return "".join(self.text)
