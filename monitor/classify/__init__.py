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

from collections import Counter
from collections.abc import Sequence

from ..model import SEVERITY_RANK, Change, Finding, Version
from .assess import findings, pair_claims, significant
from .claims import sentence_claims
from .dates import policy_dates
from .frameworks import capture_date, out_of_date, relied
from .lexicon import LEXICON
from .reading import Reading, reading
from .text import Sentence, version_sentences

__all__ = ["classify"]


def classify(changes: Sequence[Change], old: Version, new: Version) -> list[Finding]:
    """Findings for one comparison, material first and highest severity first."""
    old_read = reading(old.text, frozenset(s.title for c in changes for s in c.old))
    new_read = reading(new.text, frozenset(s.title for c in changes for s in c.new))
    touched = [c for c in changes if c.status != "unchanged" and c.old_text != c.new_text]
    removed, added = _residual(version_sentences(_stream(c.old for c in touched), old_read.titles),
                               version_sentences(_stream(c.new for c in touched), new_read.titles))
    claim_changes = pair_claims([c for s in removed for c in sentence_claims(s)],
                                [c for s in added for c in sentence_claims(s)])
    out = findings(significant(claim_changes, old_read, new_read))
    out += _transfer_findings(removed + added, old_read, new_read, old, new)
    out += _silent_change(out, old, new)
    return sorted(out, key=lambda f: (not f.material, SEVERITY_RANK.get(f.severity, 9), f.category))


def _stream(sides) -> str:
    """The changed sections of one side as one text, headings included, so a sentence that
    runs across a misplaced section boundary is still read whole."""
    return "\n".join((f"{s.title}\n" if s.title else "") + s.body for side in sides for s in side)


def _residual(old_s: Sequence[Sentence], new_s: Sequence[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences of the changed sections present on only one side. Identical sentences cancel
    wherever they sit, so text moved between sections, rewrapped or restyled is not a change;
    only what is left is read for claims."""
    common = Counter(s.key for s in old_s) & Counter(s.key for s in new_s)
    return _minus(old_s, common), _minus(new_s, common)


def _minus(sentences: Sequence[Sentence], common: Counter) -> list[Sentence]:
    left = Counter(common)
    out = []
    for s in sentences:
        if left[s.key] > 0:
            left[s.key] -= 1
        else:
            out.append(s)
    return out


def _names(uses) -> str:
    return ", ".join(u.framework.name for u in uses) or "none stated"


def _transfer_findings(changed: list[Sentence], old_read: Reading, new_read: Reading,
                       old: Version, new: Version) -> list[Finding]:
    """Frameworks are read over whole versions, but only when a changed sentence names one or
    a capture date asks whether the new version's claims still held on that day."""
    named = any(LEXICON.framework_hint.search(s.key) for s in changed)
    if not named and not new.captured_at:
        return []
    old_uses, new_uses = old_read.frameworks, new_read.frameworks
    old_relied, new_relied = relied(old_uses), relied(new_uses)
    out: list[Finding] = []
    lost = [u for k, u in old_relied.items() if k not in new_relied]
    gained = [u for k, u in new_relied.items() if k not in old_relied]
    new_day, old_day = capture_date(new.captured_at), capture_date(old.captured_at)
    if lost or gained:
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
        out.append(Finding(
            category="transfer", material=True, severity="high" if direction == "weaker" else "medium",
            direction=direction, summary=text, section=where.section or None,
            old_value=_names(old_relied.values()), new_value=_names(new_relied.values()),
            evidence_old=lost[0].sentence.text if lost else None,
            evidence_new=gained[0].sentence.text if gained else None, rule="transfer.frameworks"))
    for key, use in new_relied.items():
        why = out_of_date(use.framework, new_day)
        if not why:
            continue
        before = old_relied.get(key)
        already = before is not None and out_of_date(before.framework, old_day) is not None
        out.append(Finding(
            category="transfer", material=not already, severity="high", direction="weaker",
            summary=f"Relies on {use.framework.name} on {new_day.isoformat()}, {why}",
            section=use.sentence.section or None, new_value=use.framework.name,
            evidence_new=use.sentence.text, rule="transfer.out-of-date"))
    return out


def _silent_change(found: list[Finding], old: Version, new: Version) -> list[Finding]:
    if not any(f.material for f in found):
        return []
    old_dates, new_dates = policy_dates(old.text), policy_dates(new.text)
    if not old_dates or old_dates != new_dates:
        return []
    shown = " / ".join(new_dates)
    return [Finding(
        category="notice", material=False, severity="medium", direction="weaker",
        summary=f"Material changes made without a new policy date (still {shown})",
        old_value=shown, new_value=shown, rule="silent-change")]

