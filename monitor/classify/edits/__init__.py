"""The edit stage: read for substance what the lexicon leaves.

The lexicon knows claims in the wordings its rules were written for; a policy changed in
other words slips past it. This stage takes the sentences present on one side only (after
the classifier's cancellations), minus those a lexicon finding already explains, and pairs
them old with new. Each edit is then weighed by what really changed:

- words are compared in their common form (wording.py): spelling, inflection, contractions,
  numbers written out, listed synonyms, dates, URLs, e-mail addresses and references are
  set aside, and periods are compared by length ("12 months" is "one year");
- a word that still appears anywhere in the other side's changed text does not count, so a
  sentence split, merged, moved or restated is no change; a typo fixed or a word shortened
  ("bio" for "biography") is no change either;
- a word weighs when it carries substance: a cue word of a category in topics.toml (a kind
  of data, a recipient, a place, a technology, a right, a legal mechanism). Other words
  weigh a little, by how rare they are in real policies; a cue word that the other version
  still uses elsewhere weighs less, since the policy already said it;
- a negation flip, a change between "may" and "will/must", or a changed period, age or
  other quantity adds weight, and so does a promise ("we do not sell ...", "only with your
  consent") added or withdrawn as a whole sentence;
- page furniture, headings and pointer sentences ("learn more", "see section 4") weigh
  nothing, and neither do the other sentences of a paragraph that appeared or disappeared
  whole when the lexicon has already reported on it.

A substantive edit gets its category from the topic model (topic.py), among the categories
whose cue words it changed, and becomes a material finding with rule "edit.<category>":
low severity, medium where a negation or a quantity changed; its direction where it can be
read (a commitment removed or a permission added is weaker); quotes of both sentences, the
words added and removed, and the words that set its category.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ...model import Finding
from ..text import Sentence, heading_like, split_sentences, version_sentences
from .topic import Topic, topic, topic_model, topics
from .wording import Markers, wording

PAIR_MIN = 0.35             # share of words two sentences must have in common to be one edit
SUBSTANTIVE = 1.0           # weight from which an edit is a change in substance
CUE = 1.0                   # a cue word added or dropped
RESTATED = 0.3              # ... that the other version still uses elsewhere
OTHER_MAX = 0.2             # any other word, at most (by its idf between OTHER_IDF and OTHER_IDF + 8)
OTHER_IDF = 4.0
NEGATION, QUANTITY, MODAL = 1.0, 1.0, 0.6
COMMITMENT = 0.5            # a sentence that protects the reader, added or removed whole
TIGHT = 0.6                 # a negation or modal flip counts only between sentences of like length (not a merge)
CONTAINED = 0.8             # ... or when this share of the shorter one's words is in the longer one,
EXTENDED = 0.4              # which is at most 2.5 times as long
SHOWN_WORDS = 6             # words of each side named in a summary
CUE_REACH = 40              # characters a cue phrase may reach either side of a changed word
BARE_HEADING_WORDS = 6      # a line this short, alone and followed by prose, is a heading
SUBHEADING_WORDS = 8        # a line this short without a sentence end heads the sentences below it
OTHER_TOPIC = 0.5           # a topic-model probability for "no category" above which nothing is said
CERTAIN_CUES = 3            # this many changed cue words of one category settle it, whatever the model says


@dataclass(frozen=True)
class Side:
    """One sentence as the edit stage reads it."""
    sentence: Sentence
    forms: dict[str, str]        # term -> the word as written (first occurrence)
    markers: Markers
    low: str                     # lower case, quotes straight: what cue patterns run on

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(self.forms)


@dataclass(frozen=True)
class Edit:
    old: Side | None
    new: Side | None
    added: tuple[str, ...]       # words as written
    removed: tuple[str, ...]
    weight: float
    cue_words_added: dict[str, frozenset[str]]    # per category, its cue words the edit added
    cue_words_removed: dict[str, frozenset[str]]  # ... and dropped
    negation: bool = False
    modal: bool = False
    added_quantities: tuple[str, ...] = ()      # "#720h", "#16": periods and numbers as wording.py writes them
    removed_quantities: tuple[str, ...] = ()

    @property
    def quantity(self) -> bool:
        return bool(self.added_quantities or self.removed_quantities)

    @property
    def text(self) -> str:
        return " ".join(s.sentence.text for s in (self.old, self.new) if s is not None)

    @property
    def section(self) -> str:
        return (self.new or self.old).sentence.section

    @property
    def cues_added(self) -> frozenset[str]:
        return frozenset(self.cue_words_added)

    @property
    def cues_removed(self) -> frozenset[str]:
        return frozenset(self.cue_words_removed)

    @property
    def cues(self) -> frozenset[str]:
        return self.cues_added | self.cues_removed

    def cue_count(self, category: str) -> int:
        return len(self.cue_words_added.get(category, frozenset()) | self.cue_words_removed.get(category, frozenset()))

    def direction(self, category: str) -> str:
        """Weaker or stronger for the reader, where it can be read: first from the wording (a
        commitment dropped or a permission added is weaker), then from the category's table
        (a longer retention period is weaker; more recipients are weaker, more rights
        stronger), else neutral."""
        o = self.old.markers if self.old else None
        n = self.new.markers if self.new else None
        weaker = (o is not None and o.commitment and not (n and n.commitment)) or \
                 (n is not None and n.permission and not (o and o.permission))
        stronger = (n is not None and n.commitment and not (o and o.commitment)) or \
                   (o is not None and o.permission and not (n and n.permission))
        if weaker != stronger:
            return "weaker" if weaker else "stronger"
        if self.longer is not None and topics().longer[category] != "neutral":
            return topics().longer[category] if self.longer else _OPPOSITE[topics().longer[category]]
        more = topics().more[category]
        if more != "neutral" and (category in self.cues_added) != (category in self.cues_removed):
            return more if category in self.cues_added else _OPPOSITE[more]
        return "neutral"

    @property
    def longer(self) -> bool | None:
        """Whether the new period, age or number is greater than the old one; None when the
        edit does not change one into another."""
        before = [_amount(t) for t in self.removed_quantities]
        after = [_amount(t) for t in self.added_quantities]
        if not before or not after:
            return None
        return max(after) > max(before)


@dataclass(frozen=True)
class Versions:
    """Something of the old version and the same of the new one."""
    old: object
    new: object


def edit_findings(removed: Sequence[Sentence], added: Sequence[Sentence], explained: Iterable[Sentence] = (),
                  texts: Versions = Versions("", ""), changed: Versions = Versions("", ""),
                  titles: Versions = Versions(frozenset(), frozenset())) -> list[Finding]:
    """Material findings for the substantive edits among the sentences that left (`removed`)
    and entered (`added`) the policy, leaving out those a lexicon finding `explained`.
    `texts` are the whole versions, to tell a restatement from news and a heading from a
    statement; `changed` the text of their changed sections, where headings are looked for;
    `titles` their section titles, which count as changed text (a line one version reads as
    a heading and the other as a sentence is no change)."""
    edits = substantive_edits(removed, added, explained, texts, titles)
    if not edits:
        return []
    heads = Versions(_subheadings(changed.old, titles.old), _subheadings(changed.new, titles.new))
    groups: dict[tuple[str, str], list[tuple[Edit, Topic]]] = defaultdict(list)
    for e in edits:
        t = _topic(e, heads)
        if t is not None:
            groups[(t.category, e.section)].append((e, t))
    return [_finding(category, section, parts) for (category, section), parts in groups.items()]


def substantive_edits(removed: Sequence[Sentence], added: Sequence[Sentence], explained: Iterable[Sentence] = (),
                      texts: Versions = Versions("", ""),
                      titles: Versions = Versions(frozenset(), frozenset())) -> list[Edit]:
    explained = list(explained)
    old_all = [_side(s) for s in removed]
    new_all = [_side(s) for s in added]
    old_pool = frozenset().union(*(s.terms for s in old_all), wording().terms("\n".join(titles.old)))
    new_pool = frozenset().union(*(s.terms for s in new_all), wording().terms("\n".join(titles.new)))
    skip = _explained(explained, removed) | _explained(explained, added)
    old = [s for s in old_all if _readable(s, skip, texts.old)]
    new = [s for s in new_all if _readable(s, skip, texts.new)]
    pairs, lone_old, lone_new = _pair(old, new)
    context = (old_pool, new_pool, _lower(texts.old), _lower(texts.new))
    edits = [_edit(o, n, *context) for o, n in pairs]
    edits += [_edit(o, None, *context) for o in lone_old]
    edits += [_edit(None, n, *context) for n in lone_new]
    return [e for e in edits if e.weight >= SUBSTANTIVE]


def _explained(explained: list[Sentence], side: Sequence[Sentence]) -> set[str]:
    """Keys of the sentences a lexicon finding explains: its own, and the other sentences of a
    paragraph that appeared or disappeared whole with one of them."""
    keys = {s.key for s in explained}
    by_paragraph: dict[str, list[Sentence]] = defaultdict(list)
    for s in side:
        if s.paragraph:
            by_paragraph[s.paragraph].append(s)
    for para, members in by_paragraph.items():
        if any(s.key in keys for s in members) and len(members) >= len(split_sentences(para)):
            keys.update(s.key for s in members)
    return keys


def _readable(s: Side, skip: set[str], version: str) -> bool:
    text = s.sentence.text
    return (s.sentence.key not in skip and not heading_like(text) and not _bare_heading(text, version)
            and not wording().is_furniture(text))


def _bare_heading(line: str, version: str) -> bool:
    """A short line without a sentence end that stands alone in the version's text and is
    followed by prose: a heading the section splitter did not take for one ("International
    transfers" in a plain-text policy), not a statement."""
    if len(line.split()) > BARE_HEADING_WORDS or line[-1:] in ".;:!?,":
        return False
    at = version.find(line)
    if at < 0 or (at > 0 and version[at - 1] != "\n"):
        return False
    rest = version[at + len(line):].lstrip(" \t")
    if not rest.startswith("\n"):
        return False
    following = rest.strip().split("\n", 1)[0].strip()
    return len(following.split()) > BARE_HEADING_WORDS and following[-1:] in ".!?:"


def _side(s: Sentence) -> Side:
    forms: dict[str, str] = {}
    for term, word in wording().term_forms(s.text):
        forms.setdefault(term, word)
    return Side(s, forms, wording().markers(s.text), _lower(s.text))


def _pair(old: list[Side], new: list[Side]) -> tuple[list[tuple[Side, Side]], list[Side], list[Side]]:
    """Most similar first: each old sentence with at most one new one, when they share enough."""
    index: dict[str, list[int]] = defaultdict(list)
    for j, n in enumerate(new):
        for t in n.terms:
            index[t].append(j)
    scored = []
    for i, o in enumerate(old):
        shared: dict[int, int] = defaultdict(int)
        for t in o.terms:
            for j in index.get(t, ()):
                shared[j] += 1
        for j, k in shared.items():
            sim = 2 * k / (len(o.terms) + len(new[j].terms))
            if sim >= PAIR_MIN:
                scored.append((sim, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_o, used_n, pairs = set(), set(), []
    for _, i, j in scored:
        if i not in used_o and j not in used_n:
            used_o.add(i), used_n.add(j)
            pairs.append((old[i], new[j]))
    return (pairs, [o for i, o in enumerate(old) if i not in used_o],
            [n for j, n in enumerate(new) if j not in used_n])


def _edit(o: Side | None, n: Side | None, old_pool: frozenset[str], new_pool: frozenset[str],
          old_version: str, new_version: str) -> Edit:
    gone = {t: w for t, w in o.forms.items() if t not in new_pool} if o else {}     # in sentence order, so
    came = {t: w for t, w in n.forms.items() if t not in old_pool} if n else {}     # not by hash: reproducible
    _drop_respellings(gone, came)
    quantities = (tuple(t for t in came if t.startswith("#")), tuple(t for t in gone if t.startswith("#")))
    weight, cues = 0.0, ({}, {})
    for side, words, other_version, found_cues in ((o, gone, new_version, cues[1]), (n, came, old_version, cues[0])):
        if side is None:
            continue
        hits = _cue_hits(side, set(words.values()))
        found_cues.update({c: frozenset(ws) for c, ws in hits.items()})
        for term, word in words.items():
            if term.startswith("#"):
                continue
            if any(word in ws for ws in hits.values()):
                weight += RESTATED if _uses(other_version, term, word) else CUE
            else:
                weight += min(OTHER_MAX, max(0.0, topic_model().idf(term) - OTHER_IDF) * OTHER_MAX / 8)
    tight = bool(o and n) and _one_statement(o, n)
    negation = tight and o.markers.negated != n.markers.negated and _same_words_negated(o, n)
    modal = tight and o.markers.permission != n.markers.permission
    weight += NEGATION * negation + MODAL * modal + QUANTITY * any(quantities)
    lone = o if n is None else n if o is None else None
    if lone is not None and lone.markers.commitment and any(cues):
        weight += COMMITMENT            # a promise made or withdrawn whole ("we do not sell ...")
    return Edit(o, n, tuple(w for t, w in came.items() if not t.startswith("#")),
                tuple(w for t, w in gone.items() if not t.startswith("#")), weight,
                cues[0], cues[1], negation, modal, *quantities)


def _same_words_negated(o: Side, n: Side) -> bool:
    """Whether the negator one side has governs words the other side also says ("we do not
    sell" -> "we sell"), not words of a clause of its own ("... does not affect the lawfulness
    of processing before withdrawal")."""
    negated, other = (o, n) if o.markers.negated else (n, o)
    governed = negated.markers.negated_terms
    return not governed or bool(governed & other.terms)


def _one_statement(o: Side, n: Side) -> bool:
    """Whether two paired sentences make one statement, so a flipped negation or modal verb
    between them is a change of it: they are of like length, or they start alike and the
    shorter one's words are nearly all in the longer one, which is not much longer (a
    statement extended: "Nimbus will never sell your data" -> "Nimbus may sell your data to
    selected partners"), not a sentence merged into another or a piece of one."""
    short, long = sorted((o.forms, n.forms), key=len)
    if len(short) >= TIGHT * len(long):
        return True
    return (len(short) >= EXTENDED * len(long) and next(iter(short), None) == next(iter(long), None)
            and sum(t in long for t in short) >= CONTAINED * len(short))


_OPPOSITE = {"weaker": "stronger", "stronger": "weaker", "neutral": "neutral"}
_HOURS = {"h": 1.0, "mo": 730.0, "": 1.0}


def _amount(quantity: str) -> float:
    """'#720h' -> 720, '#12mo' -> 8760 (hours), '#16' -> 16."""
    m = re.fullmatch(r"#([\d.]+)(h|mo)?", quantity)
    return float(m.group(1)) * _HOURS[m.group(2) or ""] if m else 0.0


def _uses(version: str, term: str, word: str) -> bool:
    """Whether a version (lower case) has the word, or another form of it, at the start of a word."""
    for form in {word, term}:
        at = version.find(form) if len(form) >= 3 else -1
        while at >= 0:
            if at == 0 or not version[at - 1].isalnum():
                return True
            at = version.find(form, at + 1)
    return False


def _cue_hits(side: Side, words: set[str]) -> dict[str, set[str]]:
    """Per category, the changed words that sit inside one of its cue phrases in the sentence.
    A cue inside a longer cue of another category is part of that one: "Google" in "Google
    Analytics" names a tracking tool, not a recipient."""
    spans = _windows(side.low, words)
    found = [(category, m.start(), m.end(), m.group(0)) for category, pattern in topics().cues.items()
             if pattern is not None for start, end in spans for m in pattern.finditer(side.low, start, end)]
    out: dict[str, set[str]] = {}
    for category, start, end, text in found:
        if any(c != category and s <= start and end <= e and e - s > end - start for c, s, e, _ in found):
            continue
        inside = {w for w in _WORD.findall(text) if w in words}
        if inside:
            out.setdefault(category, set()).update(inside)
    return out


def _windows(low: str, words: set[str]) -> list[tuple[int, int]]:
    """The stretches of a sentence around the changed words, long enough for any cue phrase
    that holds one: cue patterns need only run there."""
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(low):
        if m.group(0) in words:
            start, end = max(0, m.start() - CUE_REACH), min(len(low), m.end() + CUE_REACH)
            start = low.rfind(" ", 0, start) + 1 if start else 0      # whole words only
            stop = low.find(" ", end)
            end = len(low) if stop < 0 else stop
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    return spans


_WORD = re.compile(r"[^\W_]+")


def _topic(e: Edit, heads: Versions) -> Topic | None:
    """The edit's category: among those whose cue words it changed (or, when only a negation,
    modal or number changed, also those whose cue words it has), and the heading's category
    where the sentence has one of its cue words; the model and the heading choose among them.
    The heading is the nearest heading-like line above the sentence (a bold line the section
    splitter left in the body) where it names a category, else the section's title."""
    table, low = topics(), _lower(e.text)
    side, above = (e.new, heads.new) if e.new is not None else (e.old, heads.old)
    sub = above.get(side.sentence.key, "")
    heading = sub if sub and table.heading_categories(sub) else e.section     # the nearer heading rules
    mentioned = {c for c, p in table.cues.items() if p is not None and p.search(low)}
    flagged = e.negation or e.modal or e.quantity
    allowed = set(e.cues) | (mentioned if flagged or not e.cues else set()) | (set(table.heading_categories(heading)) & mentioned)
    certain = frozenset(c for c in allowed if e.cue_count(c) >= CERTAIN_CUES)
    return topic(e.text, heading, frozenset(allowed - {"contact"}), other_limit=OTHER_TOPIC, certain=certain)


@lru_cache(maxsize=8)
def _subheadings(text: str, titles: frozenset[str]) -> dict[str, str]:
    """For each sentence of a text (by key), the last short line without a sentence end
    above it in its section."""
    out: dict[str, str] = {}
    section, current = None, ""
    for s in version_sentences(text, titles):
        if s.section != section:
            section, current = s.section, ""
        if len(s.text.split()) <= SUBHEADING_WORDS and s.text[-1:] not in ".;:!?,":
            current = s.text
        else:
            out.setdefault(s.key, current)
    return out


def _lower(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _drop_respellings(gone: dict[str, str], came: dict[str, str]) -> None:
    """A word on one side that is the other's typo, or its shortening ("bio", "biography";
    "discriminate", "discriminatory"), is not a new word."""
    for t, g in list(gone.items()):
        for u, c in list(came.items()):
            if _same_word(g, c):
                del gone[t], came[u]
                break


def _same_word(a: str, b: str) -> bool:
    if not (a.isalpha() and b.isalpha()) or a[0] != b[0]:
        return False
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short) and len(short) >= 0.3 * len(long) and len(long) >= 6:
        return True
    prefix = len(_common_prefix(a, b))
    if prefix >= 6 and prefix >= 0.7 * len(short):
        return True
    return len(short) >= 5 and _close(a, b, 1 if len(short) < 8 else 2)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _close(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return False
        prev = cur
    return prev[-1] <= limit


def _finding(category: str, section: str, parts: list[tuple[Edit, Topic]]) -> Finding:
    edits = [e for e, _ in parts]
    directions = {id(e): e.direction(category) for e in edits}
    direction = next((d for d in ("weaker", "stronger") if d in directions.values()), "neutral")
    lead = max(edits, key=lambda e: (directions[id(e)] == direction, e.weight))
    added = _words(e.added for e in edits)
    removed = _words(e.removed for e in edits)
    cues = _words(sorted(e.cue_words_added.get(category, frozenset()) | e.cue_words_removed.get(category, frozenset()))
                  or t.cues for e, t in parts)
    severity = "medium" if any(e.negation or e.quantity for e in edits) else "low"
    return Finding(
        category=category, material=True, severity=severity, direction=direction,
        summary=_summary(category, edits, added, removed),
        section=section or None,
        evidence_old=lead.old.sentence.text if lead.old else None,
        evidence_new=lead.new.sentence.text if lead.new else None,
        rule=f"edit.{category}",
        added_words=added, removed_words=removed, topic_words=cues)


def _words(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for g in groups for w in g))


def _summary(category: str, edits: list[Edit], added: tuple[str, ...], removed: tuple[str, ...]) -> str:
    kinds = []
    if any(e.old is None for e in edits):
        kinds.append("new text")
    if any(e.new is None for e in edits):
        kinds.append("text removed")
    if any(e.old is not None and e.new is not None for e in edits):
        kinds.append("reworded text")
    parts = [f"{' and '.join(kinds).capitalize()} on {category}"]
    if added:
        parts.append("adds " + ", ".join(f"“{w}”" for w in added[:SHOWN_WORDS]))
    if removed:
        parts.append("drops " + ", ".join(f"“{w}”" for w in removed[:SHOWN_WORDS]))
    flags = [name for name, on in (("a negation", any(e.negation for e in edits)),
                                   ("a period or number", any(e.quantity for e in edits)),
                                   ("may/will", any(e.modal for e in edits))) if on]
    if flags:
        parts.append(" and ".join(flags) + " changed")
    return "; ".join(parts)
