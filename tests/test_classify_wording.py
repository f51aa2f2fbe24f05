"""The edit stage's tables run on their own examples: what wording.toml sets aside as no change,
what it keeps as a change, what it reads as furniture, and which category topics.toml and the
topic model give a sentence that enters a policy."""
import tomllib
from importlib import resources

import pytest

from monitor.classify.edits import edit_findings
from monitor.classify.edits.wording import stem, wording
from monitor.classify.text import paragraph_sentences


def _table(name: str) -> dict:
    return tomllib.loads(resources.files("monitor.classify.edits").joinpath(name).read_text(encoding="utf-8"))


WORDING = _table("wording.toml")["examples"]
TOPICS = _table("topics.toml")
TOPIC_EXAMPLES = [(category, text) for category, t in TOPICS.items() for text in t.get("examples", [])]


@pytest.mark.parametrize("old,new", WORDING["same"], ids=lambda s: s[:40])
def test_rewording_reads_as_the_same_words(old, new):
    w = wording()
    assert set(w.terms(old)) == set(w.terms(new))


@pytest.mark.parametrize("old,new", WORDING["different"], ids=lambda s: s[:40])
def test_a_change_of_substance_reads_as_other_words(old, new):
    w = wording()
    assert set(w.terms(old)) != set(w.terms(new))


@pytest.mark.parametrize("text", WORDING["furniture"])
def test_furniture_and_pointers_are_recognised(text):
    assert wording().is_furniture(text)


@pytest.mark.parametrize("text", WORDING["not_furniture"])
def test_statements_are_not_furniture(text):
    assert not wording().is_furniture(text)


def test_every_category_has_examples():
    material = set(TOPICS) - {"contact", "other"}
    assert {c for c, _ in TOPIC_EXAMPLES} == material


@pytest.mark.parametrize("category,text", TOPIC_EXAMPLES, ids=lambda s: s[:40])
def test_a_new_sentence_gets_its_category(category, text):
    found = edit_findings([], paragraph_sentences("", text))
    assert [f.category for f in found] == [category]
    assert found[0].material and found[0].rule == f"edit.{category}"


def test_inflections_share_a_stem():
    assert len({stem(w) for w in ("share", "shares", "shared", "sharing")}) == 1
    assert stem("policy") == stem("policies") and stem("process") == stem("processing")


def test_periods_are_compared_by_length():
    w = wording()
    assert w.tokens("for 24 months") == w.tokens("for two years") == ["for", "#24mo"]
    assert w.tokens("within 72 hours") == ["within", "#72h"]


def test_numbers_that_are_not_quantities_are_dropped():
    assert wording().tokens("Suite 19, 3 Main Street") == ["suite", "main", "street"]
