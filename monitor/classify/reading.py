"""One version as the classifier reads it, computed on first use and kept: a version is
compared with the one before it and the one after it, and most comparisons never need
more than the sentences that changed."""
from __future__ import annotations

from functools import cached_property, lru_cache

from .claims import Claim, rule_claims
from .frameworks import FrameworkUse, framework_uses
from .lexicon import LEXICON, Rule
from .text import paragraph_sentences, paragraphs


class Reading:
    def __init__(self, text: str, titles: frozenset[str]):
        self.text, self.titles = text, titles
        self._by_rule: dict[str, list[Claim]] = {}

    @cached_property
    def _paragraphs(self) -> list[tuple[str, str, str]]:
        return [(title, para, para.lower()) for title, para in paragraphs(self.text, self.titles)]

    @cached_property
    def frameworks(self) -> dict[str, FrameworkUse]:
        return framework_uses([s for title, para, lowered in self._paragraphs
                               if LEXICON.framework_hint.search(lowered)
                               for s in paragraph_sentences(title, para)])

    def claims_of(self, rule: Rule) -> list[Claim]:
        """The rule's claims anywhere in the version; only paragraphs that pass the rule's
        gate are split into sentences."""
        if rule.id not in self._by_rule:
            found: list[Claim] = []
            for title, para, lowered in self._paragraphs:
                if rule.gate is None or rule.gate.search(lowered):
                    found += [c for s in paragraph_sentences(title, para) for c in rule_claims(rule, s)]
            self._by_rule[rule.id] = found
        return self._by_rule[rule.id]

    def still_makes(self, claim: Claim) -> bool:
        """Whether this version makes the same claim: same value, and (for rules that compare
        what is shared) no words the version never used for it."""
        same = [c for c in self.claims_of(claim.rule) if c.value.key == claim.value.key]
        if not same:
            return False
        if not claim.rule.terms:
            return True
        return claim.terms <= frozenset().union(*(c.terms for c in same))


@lru_cache(maxsize=32)
def reading(text: str, titles: frozenset[str]) -> Reading:
    return Reading(text, titles)
