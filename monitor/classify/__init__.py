"""Classify a comparison: say which changes matter, why, and with what evidence.

Claims, not edits: the sentences that differ between the versions (after case, punctuation,
quotes, Markdown and line wrapping are set aside) are read for claims through the lexicon
(lexicon/*.toml); a finding arises only where a claim appears, disappears or changes value.
Reworded sentences, moved text, typo fixes and new dates are therefore silent. Transfer
frameworks are compared per whole version and judged against each version's capture date.

A material change made while the policy's own "last updated"/"effective" date stays the same
is reported as a `notice` finding with rule "silent-change" and material=False: it describes
how the change was announced, not a new commitment, so it must not make an otherwise
editorial comparison material or add a category to an alert that is already material for
other reasons.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from operator import attrgetter

from ..model import SEVERITY_RANK, Change, Finding, Version
from .assess import ClaimChange, findings, pair_claims, significant
from .capture import capture_problem, lost_tables
from .claims import sentence_claims
from .dates import policy_dates
from .edits import Versions, edit_findings
from .frameworks import RELIED, FrameworkUse, capture_date, framework_uses, out_of_date, relied
from .lexicon import LEXICON
from .reading import Reading, reading
from .text import Sentence, changed_sentences, paragraphs

__all__ = ["classify"]

_MARKED_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)


def classify(changes: Sequence[Change], old: Version, new: Version) -> list[Finding]:
    """Findings for one comparison, material first and highest severity first."""
    problem = capture_problem(old.text, new.text)
    if problem is not None:
        return [problem]
    old_sections = tuple(s for c in changes for s in c.old)
    new_sections = tuple(s for c in changes for s in c.new)
    old_read, new_read = reading(old_sections), reading(new_sections)
    touched = [c for c in changes if c.status != "unchanged" and c.old_text != c.new_text]
    old_titles, new_titles = frozenset(s.title for s in old_sections), frozenset(s.title for s in new_sections)
    lost = lost_tables(old.text, new.text)
    old_changed = _without(_stream((c.old for c in touched), old.text), [t for t in lost if t.side == "old"])
    new_changed = _without(_stream((c.new for c in touched), new.text), [t for t in lost if t.side == "new"])
    removed, added = _residual(paragraphs(old_changed, old_titles), paragraphs(new_changed, new_titles))
    claim_changes = significant(pair_claims([c for s in removed for c in sentence_claims(s)],
                                            [c for s in added for c in sentence_claims(s)]), old_read, new_read)
    out = findings(claim_changes)
    out += _transfer_findings(removed, added, old_read, new_read, old, new)
    out += edit_findings(removed, added, _explained(claim_changes, out, removed, added),
                         Versions(old.text, new.text), Versions(old_changed, new_changed), Versions(old_titles, new_titles))
    out += _silent_change(out, old, new)
    out += [t.finding() for t in lost]
    return sorted(out, key=lambda f: (not f.material, SEVERITY_RANK.get(f.severity, 9), f.category))


def _explained(claim_changes: list[ClaimChange], found: list[Finding], removed: list[Sentence],
               added: list[Sentence]) -> list[Sentence]:
    """The changed sentences the lexicon's findings account for, which the edit stage leaves
    alone: those whose claims changed or that a finding quotes; every sentence naming a
    transfer framework once a material transfer finding reports the frameworks (a framework
    already out of date in the old version explains nothing new); and a sentence that took
    the place of one of these (same section, same sentence before it)."""
    out = [c.sentence for ch in claim_changes for c in (ch.old, ch.new) if c is not None]
    quoted = {q for f in found for q in (f.evidence_old, f.evidence_new) if q}
    out += [s for s in (*removed, *added) if s.text in quoted]
    if any(f.material and f.rule and f.rule.startswith("transfer.") for f in found):
        out += [s for s in (*removed, *added) if framework_uses([s])]
    places = {(s.section, s.prev) for s in out}
    out += [s for s in (*removed, *added) if (s.section, s.prev) in places]
    return out


def _stream(sides, version: str) -> str:
    """The changed sections of one side as one text, headings included, so a sentence that
    runs across a misplaced section boundary is still read whole. A title the version marks
    up as a heading keeps its mark: no sentence runs across that."""
    marked = frozenset(m.group(1) for m in _MARKED_HEADING.finditer(version)) if "#" in version else frozenset()
    return "\n".join((f"{'## ' if s.title in marked else ''}{s.title}\n" if s.title else "") + s.body
                     for side in sides for s in side)


def _without(text: str, tables) -> str:
    """The text less the lines of tables the other capture lost."""
    if not tables:
        return text
    rows = {row for t in tables for row in t.rows}
    return "\n".join(line for line in text.split("\n") if line.strip() not in rows)


def _residual(old_p: list[tuple[str, str]], new_p: list[tuple[str, str]]) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences of the changed sections present on only one side. Identical sentences cancel
    wherever they sit, so text moved between sections, rewrapped or restyled is not a change;
    only what is left is read for claims. Identical paragraphs cancel first, unsplit, and
    sentences the lexicon reads the same (a misspelling it fixes) cancel last."""
    same = Counter(p for _, p in old_p) & Counter(p for _, p in new_p)
    old_s, new_s = changed_sentences(old_p, same), changed_sentences(new_p, same)
    for form in (attrgetter("key"), attrgetter("low")):
        common = Counter(map(form, old_s)) & Counter(map(form, new_s))
        old_s, new_s = _minus(old_s, common, form), _minus(new_s, common, form)
    return old_s, new_s


def _minus(sentences: Sequence[Sentence], common: Counter, form: Callable[[Sentence], str]) -> list[Sentence]:
    left = Counter(common)
    out = []
    for s in sentences:
        if left[form(s)] > 0:
            left[form(s)] -= 1
        else:
            out.append(s)
    return out


def _relies(use: FrameworkUse | None) -> bool:
    return use is not None and use.status == RELIED


def _names(uses) -> str:
    return ", ".join(u.framework.name for u in uses) or "none stated"


def _transfer_findings(removed: list[Sentence], added: list[Sentence], old_read: Reading, new_read: Reading,
                       old: Version, new: Version) -> list[Finding]:
    """Which transfer frameworks the versions rely on is read over whole versions, but only for
    the frameworks a question is about. A version relies on a framework if any of its
    sentences does, and the versions share all but the changed sentences: where those agree
    on a framework, so do the versions; where they do not, the shared text may still rely on
    it in both. A capture date asks, of each framework it puts out of date, whether the new
    version still relies on it."""
    new_day, old_day = capture_date(new.captured_at), capture_date(old.captured_at)
    were, are = framework_uses(removed), framework_uses(added)
    differ = {u.framework for u in (*were.values(), *are.values())
              if _relies(were.get(u.framework.id)) != _relies(are.get(u.framework.id))}
    out: list[Finding] = []
    if any(_relies(old_read.framework_use(fw)) != _relies(new_read.framework_use(fw)) for fw in differ):
        out.append(_reliance_change(old_read, new_read, new_day))
    dated = [fw for fw in LEXICON.frameworks if out_of_date(fw, new_day) and _relies(new_read.framework_use(fw))]
    if len(dated) > 1:                  # in the order the new version first names them
        named = list(new_read.frameworks)
        dated.sort(key=lambda fw: named.index(fw.id))
    for fw in dated:
        use, before = new_read.framework_use(fw), old_read.framework_use(fw)
        already = _relies(before) and out_of_date(fw, old_day) is not None
        out.append(Finding(
            category="transfer", material=not already, severity="high", direction="weaker",
            summary=f"Relies on {fw.name} on {new_day.isoformat()}, {out_of_date(fw, new_day)}",
            section=use.sentence.section or None, new_value=fw.name,
            evidence_new=use.sentence.text, rule="transfer.out-of-date"))
    return out


def _reliance_change(old_read: Reading, new_read: Reading, new_day) -> Finding:
    """The frameworks relied on before and after, once they are known to differ."""
    old_uses, new_uses = old_read.frameworks, new_read.frameworks
    old_relied, new_relied = relied(old_uses), relied(new_uses)
    lost = [u for k, u in old_relied.items() if k not in new_relied]
    gained = [u for k, u in new_relied.items() if k not in old_relied]
    still = [u.framework.name for u in lost if u.framework.id in new_uses]
    if lost and gained:
        text, direction = f"Transfers now rely on {_names(gained)} instead of {_names(lost)}", "neutral"
    elif gained:
        text, direction = f"Transfers now also rely on {_names(gained)}", "stronger"
    else:
        fell = all(out_of_date(u.framework, new_day) for u in lost)
        text, direction = f"No longer relies on {_names(lost)} for transfers", "neutral" if fell else "weaker"
    if still:
        text += f" ({', '.join(still)} still mentioned)"
    where = (gained or lost)[0].sentence
    return Finding(
        category="transfer", material=True, severity="high" if direction == "weaker" else "medium",
        direction=direction, summary=text, section=where.section or None,
        old_value=_names(old_relied.values()), new_value=_names(new_relied.values()),
        evidence_old=lost[0].sentence.text if lost else None,
        evidence_new=gained[0].sentence.text if gained else None, rule="transfer.frameworks")


def _silent_change(found: list[Finding], old: Version, new: Version) -> list[Finding]:
    if not any(f.material for f in found):
        return []
    old_dates = policy_dates(old.text)
    if not old_dates or old_dates != (new_dates := policy_dates(new.text)):
        return []
    shown = " / ".join(new_dates)
    return [Finding(
        category="notice", material=False, severity="medium", direction="weaker",
        summary=f"Material changes made without a new policy date (still {shown})",
        old_value=shown, new_value=shown, rule="silent-change")]

