"""One version as the classifier reads it, for the questions asked of the whole version: does
it still make this claim somewhere, which transfer frameworks does it rely on.

They are answered section by section, and a section (then a paragraph) is split into
sentences only when its gate text has the words the question needs, so most of a long policy
is never parsed. Sections are kept by their text: one the comparison left unchanged is read
once for both versions, and a version compared with the one before it and the one after it
is read once for both comparisons.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache

from ..model import Section
from .claims import Claim, rule_claims
from .frameworks import FrameworkUse, framework_uses
from .lexicon import LEXICON, Framework, Rule
from .literals import Gate
from .text import Sentence, gate, paragraph_sentences, paragraphs


class Reading:
    def __init__(self, sections: Sequence[Section]):
        self.sections = sections
        self._uses: dict[str, FrameworkUse | None] = {}

    @cached_property
    def parts(self) -> tuple[_Part, ...]:
        titles = frozenset(s.title for s in self.sections)
        return tuple(_part(s.title, s.body, titles) for s in self.sections)

    @cached_property
    def frameworks(self) -> dict[str, FrameworkUse]:
        return framework_uses([s for part in self.parts if LEXICON.names_framework(part.gate)
                               for s in part.sentences_where(LEXICON.names_framework)])

    def framework_use(self, fw: Framework) -> FrameworkUse | None:
        """How the version uses one framework, reading only what may name it: the same as
        frameworks.get(fw.id), which reads what may name any."""
        if fw.id not in self._uses:
            self._uses[fw.id] = framework_uses([s for part in self.parts if fw.may_match(part.gate)
                                                for s in part.sentences_where(fw.may_match)]).get(fw.id)
        return self._uses[fw.id]

    def still_makes(self, claim: Claim) -> bool:
        """Whether this version makes the same claim: same value, and (for rules that compare
        what is shared) no words the version never used for it. Reads parts until it knows."""
        rule, terms = claim.rule, frozenset()
        for part in self.parts:
            if not rule.may_match(part.gate):
                continue
            for c in part.claims_of(rule):
                if c.value.key == claim.value.key:
                    terms |= c.terms
                    if not rule.terms or claim.terms <= terms:
                        return True
        return False


class _Part:
    """One section: its gate text at once, its paragraphs and sentences only when asked. Its
    sentences belong to its title even when the title line does not read as a heading."""

    def __init__(self, title: str, body: str, titles: frozenset[str]):
        self.title, self.text, self.titles = title, (f"{title}\n" if title else "") + body, titles
        self._sentences: dict[int, list[Sentence]] = {}
        self._by_rule: dict[str, list[Claim]] = {}

    @cached_property
    def gate(self) -> Gate:
        return gate(self.text)

    @cached_property
    def _paragraphs(self) -> list[tuple[str, str, Gate]]:
        return [(title, para, gate(para)) for title, para in paragraphs(self.text, self.titles, self.title)]

    def sentences_where(self, test: Callable[[Gate], bool]) -> list[Sentence]:
        """Sentences of the paragraphs whose gate text passes `test`."""
        out: list[Sentence] = []
        for i, (title, para, gate) in enumerate(self._paragraphs):
            if test(gate):
                if i not in self._sentences:
                    self._sentences[i] = paragraph_sentences(title, para)
                out += self._sentences[i]
        return out

    def claims_of(self, rule: Rule) -> list[Claim]:
        if rule.id not in self._by_rule:
            self._by_rule[rule.id] = [c for s in self.sentences_where(rule.may_match) if rule.may_match(s.gate)
                                      for c in rule_claims(rule, s)]
        return self._by_rule[rule.id]


@lru_cache(maxsize=256)
def _part(title: str, body: str, titles: frozenset[str]) -> _Part:
    return _Part(title, body, titles)


@lru_cache(maxsize=32)
def reading(sections: tuple[Section, ...]) -> Reading:
    return Reading(sections)
