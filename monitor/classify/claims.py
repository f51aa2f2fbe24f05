"""Claims: what one sentence commits to, read through the lexicon.

A claim is a rule that matched, with its value: for polarity rules whether the sentence
affirms or negates the practice ("we may sell" / "we do not sell ... except"), for others a
duration, an age, the text of an address, or mere presence. Negation is read in scope:
the negator must sit in the same clause before the verb, not inside a subordinate clause
("does not have knowledge that it sells" negates knowing, not selling), and names such as
"Do Not Track" are rewritten to tokens before any of this runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import LEXICON, Rule
from .text import Sentence
from .values import first_duration, last_age

_NEGATOR = re.compile(r"\b(?:not|never|no|without|cannot|nor|neither|none|prohibit\w*|forbid\w*|refrain\w*)\b|n't\b")
_CLAUSE_BREAK = re.compile(
    r"[;:()]|,\s*(?=(?:but|however|while|whereas|although|though|and we|we|you|they|it|which)\b)"
    r"|\b(?:but|however|whereas|although|while|except|unless)\b")
_SUBORDINATE = re.compile(r"\b(?:that|which|who|whom|whether|if|when|where|because)\b")
_EXCEPTION = re.compile(
    r"\b(?:except|unless|other than|save (?:as|for)|apart from|without (?:first )?(?:obtaining )?"
    r"(?:your |you )?(?:prior |express |explicit |affirmative |opt-in )*(?:consent|permission|authori[sz]ation))\b")
_ONLY_CONSENT = re.compile(r"\bonly (?:with|if|when|after)\b[^.;]{0,30}\b(?:consent|permission|opt)")
_WORD = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset("""
a an the and or of to for with by on in at as from into about our your their its his her them they
it we us you that this these those such any all some certain other others which who may might will
would can could also only more most such like including include includes e.g i.e so than then when
share shares shared sharing disclose discloses disclosed disclosing provide provides provided providing
give make made available pass transmit release personal information data details is are be been being
do does not never no without except unless party parties third companies company partners partner
""".split())
WINDOW = 8       # words before the verb in which a negator still governs it


@dataclass(frozen=True)
class Value:
    key: object          # what equality compares
    rank: float          # ordering: higher means more (of notice, of age, of affirmation)
    text: str            # how a reader sees it


@dataclass(frozen=True)
class Claim:
    rule: Rule
    value: Value
    sentence: Sentence
    terms: frozenset[str] = frozenset()


POLARITY_RANK = {"no": 0.0, "qualified": 1.0, "yes": 2.0}


def negated(low: str, at: int) -> bool:
    """Whether a negator governs the word at `at`: same clause, within WINDOW words, no
    subordinate clause opening in between."""
    before = low[:at]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
    words = list(re.finditer(r"\S+", before[cut:]))[-WINDOW:]
    window = before[cut:][words[0].start():] if words else ""
    hits = list(_NEGATOR.finditer(window))
    return bool(hits) and not _SUBORDINATE.search(window[hits[-1].end():])


def _polarity(rule: Rule, s: Sentence, m: re.Match) -> Value:
    at = m.start("v") if "v" in m.re.groupindex and m.group("v") else m.start()
    rest = s.low[m.start():]
    if negated(s.low, at):
        state, text = (("qualified", f"{rule.no}, with exceptions") if _EXCEPTION.search(rest)
                       else ("no", rule.no))
    else:
        state, text = (("qualified", f"{rule.yes}, only with consent") if _ONLY_CONSENT.search(rest)
                       else ("yes", rule.yes))
    return Value(POLARITY_RANK[state], POLARITY_RANK[state], text or state)


def _value(rule: Rule, s: Sentence, m: re.Match) -> Value | None:
    span = m.group(0)
    if rule.value == "polarity":
        return _polarity(rule, s, m)
    if rule.value == "duration":
        d = first_duration(span)
        at = m.start("v") if "v" in m.re.groupindex and m.group("v") else m.start()
        if d is None and negated(s.low, at):
            return Value("none", -1.0, f"no {rule.label}")
        if d is None:
            return Value("unspecified", 0.0, rule.default or rule.label)
        return Value(d.hours, d.hours, d.text)
    if rule.value == "age":
        age = last_age(span)
        return Value(age, float(age), str(age)) if age is not None else None
    if rule.value == "text":
        whole = m.start() == 0 and m.end() == len(s.low)
        return Value(re.sub(r"[\W_]+", " ", span).strip(), 0.0, s.text if whole else span.strip())
    return Value("present", 1.0, rule.label)


def _terms(span: str) -> frozenset[str]:
    return frozenset(w.rstrip("s") for w in _WORD.findall(span) if w not in _STOP)


def _in_context(rule: Rule, s: Sentence) -> bool:
    if rule.context is None:
        return True
    return any(rule.context.search(t) for t in s.context)


def rule_claims(rule: Rule, s: Sentence) -> list[Claim]:
    """The rule's claims in one sentence; only patterns whose words it has are run."""
    matches = [m for pattern in rule.patterns_for(s.gate) for m in pattern.finditer(s.low)]
    if not matches or not _in_context(rule, s) or any(x.search(s.low) for x in rule.excludes):
        return []
    out: list[Claim] = []
    seen: set[object] = set()
    for m in matches:
        value = _value(rule, s, m)
        if value is None or (value.key, m.start()) in seen:
            continue
        seen.add((value.key, m.start()))
        out.append(Claim(rule, value, s, _terms(m.group(0)) if rule.terms else frozenset()))
    return _distinct(out)


def _distinct(claims: list[Claim]) -> list[Claim]:
    """One claim per value per sentence: several patterns matching one statement count once,
    and a stated period makes an unstated one in the same sentence redundant."""
    out: dict[object, Claim] = {}
    for c in claims:
        prior = out.get(c.value.key)
        out[c.value.key] = c if prior is None else Claim(c.rule, c.value, c.sentence, prior.terms | c.terms)
    if len(out) > 1 and "unspecified" in out:
        del out["unspecified"]
    return list(out.values())


def sentence_claims(s: Sentence) -> list[Claim]:
    out: list[Claim] = []
    for rule in LEXICON.candidates(s.gate):
        out.extend(rule_claims(rule, s))
    return out
