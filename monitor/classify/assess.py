"""From claims to findings: what the old version said against what the new one says.

Claims of the sentences that left the policy are paired with claims of the sentences that
entered it, rule by rule. Equal values cancel (a reworded sentence says the same thing);
different values are a change ("30 days" -> "7 days", "does not sell" -> "may sell"). A
claim left unpaired appeared or disappeared, unless the other version still makes it
somewhere else (then the text moved or was restated, which is not a finding).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model import SEVERITY_RANK, Finding
from .claims import Claim, Value
from .lexicon import Rule
from .reading import Reading
from .text import Sentence

_SOFTER = {"high": "medium", "medium": "low", "low": "low"}
_ABSENT = (0.5, 0.0)      # numeric claims: between "no notice" and "notice, period unstated"


@dataclass(frozen=True)
class ClaimChange:
    rule: Rule
    old: Claim | None
    new: Claim | None

    @property
    def direction(self) -> str:
        return direction(self.rule, self.old and self.old.value, self.new and self.new.value)

    @property
    def section(self) -> str:
        return (self.new or self.old).sentence.section


def _level(rule: Rule, value: Value | None) -> tuple[float, float] | None:
    """How protective a claim's state is, comparable within one rule; None if the rule takes no side."""
    if rule.value == "polarity":
        if value is None:       # silence promises less than a qualified promise, more than a "yes"
            return (0.5, 0.0)
        return (value.rank if rule.protective == "yes" else 2.0 - value.rank, 0.0)
    if rule.value == "presence":
        if rule.protective == "neutral":
            return None
        return (float((value is not None) == (rule.protective == "present")), 0.0)
    if rule.value in ("duration", "age"):
        if value is None:
            return None if rule.protective == "neutral" else _ABSENT
        if value.key == "none":
            return (0.0, 0.0)
        if value.key == "unspecified":
            return (1.0, 0.0)
        return (2.0, value.rank if rule.order == "higher" else -value.rank)
    return None


def direction(rule: Rule, old: Value | None, new: Value | None) -> str:
    if old is None and rule.on_appear:
        return rule.on_appear
    if new is None and rule.on_disappear:
        return rule.on_disappear
    lo, ln = _level(rule, old), _level(rule, new)
    if lo is None or ln is None or lo == ln:
        return "neutral"
    return "stronger" if ln > lo else "weaker"


def _similarity(a: Sentence, b: Sentence) -> float:
    x, y = set(a.key.split()), set(b.key.split())
    return len(x & y) / (len(x | y) or 1)


def pair_claims(removed: list[Claim], added: list[Claim]) -> list[ClaimChange]:
    """Per rule: equal values cancel, the rest pair up most-similar sentences first."""
    by_rule: dict[str, tuple[list[Claim], list[Claim]]] = defaultdict(lambda: ([], []))
    for c in removed:
        by_rule[c.rule.id][0].append(c)
    for c in added:
        by_rule[c.rule.id][1].append(c)
    out: list[ClaimChange] = []
    for olds, news in by_rule.values():
        olds, news = _cancel_equal(olds, news)
        pairs = sorted(((_similarity(o.sentence, n.sentence), i, j) for i, o in enumerate(olds)
                        for j, n in enumerate(news)), reverse=True)
        used_o, used_n = set(), set()
        for _, i, j in pairs:
            if i not in used_o and j not in used_n:
                used_o.add(i), used_n.add(j)
                out.append(ClaimChange(olds[i].rule, olds[i], news[j]))
        out += [ClaimChange(c.rule, c, None) for i, c in enumerate(olds) if i not in used_o]
        out += [ClaimChange(c.rule, None, c) for j, c in enumerate(news) if j not in used_n]
    return out


def _cancel_equal(olds: list[Claim], news: list[Claim]) -> tuple[list[Claim], list[Claim]]:
    news = list(news)
    kept_old = []
    for o in olds:
        same = [n for n in news if n.value.key == o.value.key]
        if same:
            news.remove(max(same, key=lambda n: _similarity(o.sentence, n.sentence)))
        else:
            kept_old.append(o)
    return kept_old, news


def significant(changes: list[ClaimChange], old_all: Reading, new_all: Reading) -> list[ClaimChange]:
    """Drop appearances and disappearances the other version already accounts for."""
    out = []
    for ch in changes:
        if ch.old is None and old_all.still_makes(ch.new):
            continue
        if ch.new is None and new_all.still_makes(ch.old):
            continue
        out.append(ch)
    return out


def _phrase(rule: Rule, value: Value) -> str:
    if rule.value == "polarity":
        return f"it {value.text}"
    if rule.value == "text":
        return rule.label
    if rule.value in ("duration", "age") and value.key not in ("none", "unspecified"):
        return f"{rule.label} ({value.text})"
    return value.text if rule.value != "presence" else rule.label


def summary(ch: ClaimChange) -> str:
    rule, old, new = ch.rule, ch.old and ch.old.value, ch.new and ch.new.value
    if old is not None and new is not None:
        if rule.value == "polarity":
            return f"now states {_phrase(rule, new)} (before: {old.text})"
        if rule.value in ("duration", "age") and not {old.key, new.key} & {"none", "unspecified"}:
            verb = rule.more if new.rank > old.rank else rule.less
            return f"{rule.label} {verb} from {old.text} to {new.text}"
        if rule.value == "text":
            return f"{rule.label} changed"
        return f"{rule.label} now {new.text} (before: {old.text})"
    if new is not None:
        return f"now states {_phrase(rule, new)}" if rule.value == "polarity" else f"adds {_phrase(rule, new)}"
    return f"no longer states {_phrase(rule, old)}" if rule.value == "polarity" else f"drops {_phrase(rule, old)}"


def findings(changes: list[ClaimChange]) -> list[Finding]:
    """One finding per category and section, its parts joined; the weakest direction leads."""
    groups: dict[tuple[str, str], list[ClaimChange]] = defaultdict(list)
    for ch in changes:
        groups[(ch.rule.category, ch.section)].append(ch)
    return [_finding(category, section, parts) for (category, section), parts in groups.items()]


def _finding(category: str, section: str, parts: list[ClaimChange]) -> Finding:
    directions = [p.direction for p in parts]
    overall = next((d for d in ("weaker", "stronger") if d in directions), "neutral")
    parts = sorted(parts, key=lambda p: (p.direction != overall, p.old is None or p.new is None))
    severities = [p.rule.severity if p.direction == "weaker" else _SOFTER[p.rule.severity] for p in parts]
    said = {(p.new or p.old).sentence for p in parts if p.direction == overall}
    texts = list(dict.fromkeys(summary(p) for p in parts
                               if p.direction == overall or (p.new or p.old).sentence not in said))
    lead = parts[0]
    old_ev = next((p.old.sentence.text for p in parts if p.old), None)
    new_ev = next((p.new.sentence.text for p in parts if p.new), None)
    text = "; ".join(texts)
    return Finding(
        category=category,
        material=any(p.rule.material for p in parts),
        severity=min(severities, key=lambda s: SEVERITY_RANK[s]),
        direction=overall,
        summary=text[0].upper() + text[1:],
        section=section or None,
        old_value=lead.old.value.text if lead.old else None,
        new_value=lead.new.value.text if lead.new else None,
        evidence_old=old_ev,
        evidence_new=new_ev,
        rule=",".join(dict.fromkeys(p.rule.id for p in parts)),
    )
