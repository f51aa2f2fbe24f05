"""Which category an edited sentence is about: a small linear text classifier.

TF-IDF over word 1-2-grams (of the common word forms in wording.py) and multinomial logistic
regression, trained by tools/train_topic.py on real privacy policies, with section headings
as labels (distant supervision). Its weights ship in model/ and are read here in pure Python:
a sentence has a few dozen features, so a prediction is a few hundred multiply-adds.

The model proposes; topics.toml disposes: the heading of the edited section raises its
category's prior, and a category is only given when one of its cue words is in the evidence.
"""
from __future__ import annotations

import json
import math
import os
import re
import sys
from array import array
from dataclasses import dataclass
from functools import lru_cache

from ...cache import cached, source
from .wording import _read, _toml, wording

MODEL = "model"
HEADING_PRIOR = 3.0         # how much a matching section heading multiplies its category's odds
OTHER = "other"             # the model's class for text that belongs to no category
MIN_PROBABILITY = 0.1       # below this (after the priors) the best confirmed category is a guess: say nothing


def features(text: str) -> list[str]:
    """The model's features of a sentence: its terms and adjacent pairs of them."""
    terms = wording().terms(text)
    return list(terms) + [f"{a} {b}" for a, b in zip(terms, terms[1:])]


@dataclass(frozen=True)
class Topic:
    category: str
    probability: float
    cues: tuple[str, ...]        # the words in the evidence that confirmed the category


class Topics:
    """The category table (topics.toml): heading patterns and cue words per category."""

    def __init__(self, table: dict):
        self.categories = tuple(table)
        self.headings = {c: re.compile("|".join(f"(?:{p})" for p in t["headings"]), re.M) if t["headings"] else None
                         for c, t in table.items()}
        self.cues = {c: re.compile("|".join(f"(?:{p})" for p in t["cues"])) if t["cues"] else None
                     for c, t in table.items()}
        self.sentence_cues = {c: re.compile("|".join(f"(?:{p})" for p in t["sentence_cues"]))
                              if t["sentence_cues"] else None for c, t in table.items()}
        self.more = {c: t.get("more", "neutral") for c, t in table.items()}
        self.longer = {c: t.get("longer", "neutral") for c, t in table.items()}

    def heading_categories(self, title: str) -> list[str]:
        """The categories whose heading patterns match a title (or any line of several)."""
        low = _lower(title)
        return [c for c, p in self.headings.items() if p is not None and p.search(low)]

    def cue_words(self, category: str, text: str) -> tuple[str, ...]:
        p = self.cues.get(category)
        return tuple(dict.fromkeys(m.group(0) for m in p.finditer(_lower(text)))) if p is not None else ()

    def sentence_categories(self, text: str) -> list[str]:
        low = _lower(text)
        return [c for c, p in self.sentence_cues.items() if p is not None and p.search(low)]


class TopicModel:
    """The trained weights: per feature its idf and one weight per class, int16 quantised."""

    def __init__(self, meta: dict, names: list[str], weights: array):
        self.classes: tuple[str, ...] = tuple(meta["classes"])
        self.intercept: tuple[float, ...] = tuple(meta["intercept"])
        self._scale: tuple[float, ...] = tuple(meta["scale"])
        self._idf_scale: float = meta["idf_scale"]
        self.default_idf: float = meta["default_idf"]
        self.meta = meta
        self._row = dict(zip(names, range(len(names))))
        self._weights = weights
        self._width = len(self.classes) + 1

    def idf(self, term: str) -> float:
        """How specific a term is: high for rare words, low for words every policy uses."""
        i = self._row.get(term)
        return self._weights[i * self._width] * self._idf_scale if i is not None else self.default_idf

    def probabilities(self, text: str) -> dict[str, float]:
        counts: dict[int, int] = {}
        for f in features(text):
            i = self._row.get(f)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        w, width = self._weights, self._width
        vec = {i: (1.0 + math.log(n)) * w[i * width] * self._idf_scale for i, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        scores = list(self.intercept)
        for i, v in vec.items():
            base = i * width + 1
            for c in range(len(scores)):
                scores[c] += v / norm * w[base + c] * self._scale[c]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp)}


def topic(text: str, heading: str, allowed: frozenset[str] | None = None, other_limit: float = 0.5,
          certain: frozenset[str] = frozenset()) -> Topic | None:
    """The category of an edited sentence (`text`: its old and new wording) under `heading`:
    the most probable category, after the heading's prior, among `allowed` (all when None)
    that a cue word in the text confirms. None when none is, when that category's probability
    is under MIN_PROBABILITY (unless it is one of the `certain` categories, which the text's
    own words settle), or when the model gives "no category" more than `other_limit`."""
    probs = topic_model().probabilities(text)
    for c in topics().heading_categories(heading):
        if c in probs:
            probs[c] *= HEADING_PRIOR
    total = sum(probs.values())
    if probs.get(OTHER, 0.0) / total > other_limit:
        return None
    for category, p in sorted(probs.items(), key=lambda kv: -kv[1]):
        if category == OTHER or (allowed is not None and category not in allowed):
            continue
        cues = topics().cue_words(category, text)
        if cues:
            sure = p / total >= MIN_PROBABILITY or category in certain
            return Topic(category, p / total, cues) if sure else None
    return None


def _lower(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


@lru_cache(maxsize=1)
def topics() -> Topics:
    """The category table of topics.toml, derived once per change of it or of this code (cache.py)."""
    body = _read(__file__, "topics.toml")
    return cached("topics", [source(__name__), body], lambda: Topics(_toml(body)))


@lru_cache(maxsize=1)
def topic_model() -> TopicModel:
    return load_model(os.path.join(os.path.dirname(__file__), MODEL))


def load_model(folder) -> TopicModel:
    """The model in `folder` (a path): read as it is, no derivation to cache (a few ms)."""
    def read(name: str) -> bytes:
        with open(os.path.join(folder, name), "rb") as f:
            return f.read()

    meta = json.loads(read("topic.json"))
    names = read("features.txt").decode("utf-8").split("\n")
    weights = array("h")
    weights.frombytes(read("weights.bin"))
    if sys.byteorder != "little":
        weights.byteswap()
    return TopicModel(meta, names, weights)
