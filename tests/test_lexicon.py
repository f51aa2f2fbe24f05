"""Every lexicon rule is tested by its own examples (must match, with the stated value) and
counter-examples (must not match), straight from lexicon/*.toml."""
import pytest

from monitor.classify.claims import POLARITY_RANK, rule_claims
from monitor.classify.lexicon import LEXICON, load_lexicon
from monitor.classify.text import sentence
from monitor.errors import ConfigError

_STATE = {rank: state for state, rank in POLARITY_RANK.items()}


def _shown(rule, value) -> str:
    """How an example states a value: yes/no/qualified, none/unspecified, or the value's text."""
    if rule.value == "polarity":
        return _STATE[value.rank]
    return value.key if value.key in ("none", "unspecified") else value.text


EXAMPLES = [pytest.param(rule, ex, id=f"{rule.id}:{i}") for rule in LEXICON.rules
            for i, ex in enumerate(rule.examples)]
COUNTER = [pytest.param(rule, ex, id=f"{rule.id}:{i}") for rule in LEXICON.rules
           for i, ex in enumerate(rule.counter_examples)]


def test_every_rule_has_examples_and_counter_examples():
    lacking = [r.id for r in LEXICON.rules if not r.examples or not r.counter_examples]
    assert lacking == []


def test_every_category_has_rules():
    from monitor.model import CATEGORIES
    covered = {r.category for r in LEXICON.rules} | {"transfer"}
    assert covered == set(CATEGORIES)


@pytest.mark.parametrize("rule,example", EXAMPLES)
def test_rule_matches_its_example(rule, example):
    text = example if isinstance(example, str) else example["text"]
    claims = rule_claims(rule, sentence(text))
    assert claims, f"{rule.id} did not match: {text}"
    if not isinstance(example, str) and "value" in example:
        assert example["value"] in [_shown(rule, c.value) for c in claims]


@pytest.mark.parametrize("rule,example", COUNTER)
def test_rule_ignores_its_counter_example(rule, example):
    assert rule_claims(rule, sentence(example)) == []


def test_lexicon_loads_from_package_data():
    assert len(load_lexicon().rules) == len(LEXICON.rules)


def test_bad_pattern_is_a_config_error():
    with pytest.raises(ConfigError, match="bad pattern"):
        LEXICON.compile("(unclosed", "test")


def test_unknown_macro_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown macro"):
        LEXICON.compile("{NO_SUCH_MACRO}", "test")
