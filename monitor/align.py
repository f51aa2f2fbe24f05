"""Pair the sections of two versions and diff each pair.

Pairing goes from sure to likely, so cheap exact matches shrink the quadratic step:
identical sections, then identical bodies under a new heading, then headings found
once on each side, then the best-scoring remaining pairs by heading and body word
overlap. Leftover sections whose words sit almost wholly inside one edited section
of the other version make it split/merged; the rest are added/removed.

Which pairs "moved" is the complement of a longest chain of pairs that kept their
order. The status of a pair is read off its word diff: without word changes it is
renamed (heading differs, even only in case or punctuation), moved or unchanged;
with word changes it is "changed", whether or not it also moved or was renamed.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Sequence

from monitor.diff import diff_words
from monitor.model import Change, Section
from monitor.sections import title_key

MIN_BODY_SIMILARITY = 0.5        # word overlap (Dice) that pairs sections on body alone
MIN_PAIR_SIMILARITY = 0.3        # with a similar heading (see _pair_score)
MIN_PART_CONTAINMENT = 0.8       # share of a part's words found in the whole (split/merged)
MIN_PART_WORDS = 5

_WORD = re.compile(r"\w+")


class _Side:
    """Per-section features, the costly ones computed only for sections that need them."""

    def __init__(self, sections: Sequence[Section]):
        self.sections = list(sections)
        self.body_key = [" ".join(s.body.split()) for s in self.sections]
        self.title_key = [title_key(s.title) for s in self.sections]
        self.title_words = [set(k.split()) for k in self.title_key]
        self._words: dict[int, set[str]] = {}

    def words(self, i: int) -> set[str]:
        if i not in self._words:
            self._words[i] = set(_WORD.findall(self.sections[i].body.casefold()))
        return self._words[i]


def align_sections(old: Sequence[Section], new: Sequence[Section]) -> list[Change]:
    """Changes in the new version's reading order; removed sections stay where they were."""
    a, b = _Side(old), _Side(new)
    pairs = _pair_identical(a, b)
    pairs.update(_pair_same_body(a, b, pairs))
    pairs.update(_pair_same_title(a, b, pairs))
    pairs.update(_pair_similar(a, b, pairs))
    groups = _group_parts(a, b, pairs)

    kept = _kept_in_order([(g[0][0], g[1][0]) for g in groups])
    placed: list[tuple[tuple, Change]] = []
    new_pos_of_old: dict[int, int] = {}
    for olds, news in groups:
        change = _paired([a.sections[i] for i in olds], [b.sections[j] for j in news],
                         in_order=(olds[0], news[0]) in kept)
        placed.append(((news[0], 0, 0), change))
        for i in olds:
            new_pos_of_old[i] = news[0]
    grouped_old = {i for olds, _ in groups for i in olds}
    grouped_new = {j for _, news in groups for j in news}
    for j, s in enumerate(b.sections):
        if j not in grouped_new:
            placed.append(((j, 0, 0), _change("added", [], [s])))
    anchor = -1
    for i, s in enumerate(a.sections):
        if i in grouped_old:
            anchor = new_pos_of_old[i]
        else:
            placed.append(((anchor, 1, i), _change("removed", [s], [])))
    placed.sort(key=lambda p: p[0])
    return [c for _, c in placed]


def _pair_identical(a: _Side, b: _Side) -> dict[int, int]:
    waiting: dict[tuple[str, str], deque[int]] = defaultdict(deque)
    for j, s in enumerate(b.sections):
        waiting[(s.title, b.body_key[j])].append(j)
    pairs = {}
    for i, s in enumerate(a.sections):
        queue = waiting.get((s.title, a.body_key[i]))
        if queue:
            pairs[i] = queue.popleft()
    return pairs


def _pair_same_body(a: _Side, b: _Side, pairs: dict[int, int]) -> dict[int, int]:
    taken = set(pairs.values())
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for j, key in enumerate(b.body_key):
        if key and j not in taken:
            waiting[key].append(j)
    out = {}
    for i, key in enumerate(a.body_key):
        if i not in pairs and waiting.get(key):
            out[i] = waiting[key].popleft()
    return out


def _pair_same_title(a: _Side, b: _Side, pairs: dict[int, int]) -> dict[int, int]:
    """A heading found once among the unpaired sections of each version names the same section."""
    taken = set(pairs.values())
    olds = Counter(a.title_key[i] for i in range(len(a.sections)) if i not in pairs)
    news = Counter(b.title_key[j] for j in range(len(b.sections)) if j not in taken)
    unique = {k for k, n in olds.items() if n == 1 and news[k] == 1}
    where = {b.title_key[j]: j for j in range(len(b.sections)) if j not in taken and b.title_key[j] in unique}
    return {i: where[a.title_key[i]] for i in range(len(a.sections))
            if i not in pairs and a.title_key[i] in unique}


def _dice(x: set, y: set) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x or y else 1.0


def _pair_score(a: _Side, b: _Side, i: int, j: int) -> float | None:
    """Similarity of two sections, or None when they are not the same section."""
    same_title = a.title_key[i] == b.title_key[j]
    t = 1.0 if same_title else _dice(a.title_words[i], b.title_words[j])
    if not a.words(i) and not b.words(j):
        return t if same_title else None
    body = _dice(a.words(i), b.words(j))
    if body >= MIN_BODY_SIMILARITY or (same_title and body > 0) or (t >= 0.5 and body >= MIN_PAIR_SIMILARITY):
        return 0.3 * t + 0.7 * body
    return None


def _pair_similar(a: _Side, b: _Side, pairs: dict[int, int]) -> dict[int, int]:
    taken = set(pairs.values())
    olds = [i for i in range(len(a.sections)) if i not in pairs]
    news = [j for j in range(len(b.sections)) if j not in taken]
    n, m = max(len(a.sections), 1), max(len(b.sections), 1)
    scored = []
    for i in olds:
        for j in news:
            score = _pair_score(a, b, i, j)
            if score is not None:
                scored.append((-score, abs(i / n - j / m), i, j))
    scored.sort()
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, _, i, j in scored:
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def _containment(part: set, whole: set) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _group_parts(a: _Side, b: _Side, pairs: dict[int, int]) -> list[tuple[list[int], list[int]]]:
    """1:1 pairs as (olds, news) groups, grown into split/merged groups where that is clear.

    Only pairs whose bodies differ can be the remains of a split or merge, which keeps
    this cheap when most sections are unchanged.
    """
    groups = [([i], [j]) for i, j in pairs.items()]
    edited = [g for g in groups if a.body_key[g[0][0]] != b.body_key[g[1][0]]]
    paired_new = set(pairs.values())
    _absorb_parts(edited, whole=0, wholes=a, parts=b,
                  leftovers=[j for j in range(len(b.sections)) if j not in paired_new])
    _absorb_parts([g for g in edited if len(g[1]) == 1], whole=1, wholes=b, parts=a,
                  leftovers=[i for i in range(len(a.sections)) if i not in pairs])
    return sorted(groups, key=lambda g: g[1][0])


def _absorb_parts(candidates, *, whole: int, wholes: _Side, parts: _Side, leftovers: list[int]) -> None:
    """Add each leftover section almost wholly contained in a candidate group's whole section.

    `whole` is the group side holding that one section (0: old, so the group grows
    into a split; 1: new, a merge). Groups already grown the other way are not
    candidates: n:m is not clear.
    """
    for part in leftovers:
        words = parts.words(part)
        if len(words) < MIN_PART_WORDS:
            continue
        fits = [(_containment(words, wholes.words(g[whole][0])), k) for k, g in enumerate(candidates)]
        score, k = max(fits, default=(0.0, -1))
        if score < MIN_PART_CONTAINMENT:
            continue
        members = candidates[k][1 - whole]
        target = wholes.words(candidates[k][whole][0])
        before = set().union(*(parts.words(m) for m in members))
        if _dice(before | words, target) > _dice(before, target):
            members.append(part)
            members.sort()


def _kept_in_order(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """A longest chain of (old, new) pairs in the same order on both sides.

    Patience sorting keeps the smallest old index at each chain length, so of two
    swapped sections the one that now comes first is the one reported as moved.
    """
    pairs = sorted(pairs, key=lambda p: p[1])
    tails: list[int] = []           # index into pairs of the chain end at each length
    prev = [-1] * len(pairs)
    for k, (i, _) in enumerate(pairs):
        n = bisect_left([pairs[t][0] for t in tails], i)
        prev[k] = tails[n - 1] if n else -1
        tails[n:n + 1] = [k]
    chain, k = set(), tails[-1] if tails else -1
    while k >= 0:
        chain.add(pairs[k])
        k = prev[k]
    return chain


def _paired(old: list[Section], new: list[Section], *, in_order: bool) -> Change:
    """Status from the word diff itself, so a section without word changes is never "changed"."""
    change = _change("changed", old, new)
    if len(new) > 1 or len(old) > 1:
        status = "split" if len(new) > 1 else "merged"
    elif change.has_word_changes:
        return change
    elif old[0].title != new[0].title:
        status = "renamed"
    else:
        status = "unchanged" if in_order else "moved"
    return Change(status, change.old, change.new, change.diff)


def _change(status: str, old: list[Section], new: list[Section]) -> Change:
    change = Change(status, tuple(old), tuple(new))
    return Change(status, change.old, change.new, diff_words(change.old_text, change.new_text))
