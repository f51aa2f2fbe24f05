"""Words as the edit stage compares them: what is left of a sentence when the forms that never
change its meaning are made the same.

Two sentences say the same thing, word for word, when they differ only in case, spelling
(British or American), inflection, contractions, numbers written as words, synonyms listed in
wording.toml, dates, URLs, e-mail addresses, numbering or section references. `terms` gives
a sentence's content words in that common form; `markers` the negators and modal verbs that
turn one statement into its opposite. The tables live in wording.toml.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from ...cache import cached, source

_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|ai|eu|co|uk|de|fr|gov|edu|app|info)\b(?:/\S*)?")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+\d{{4}}|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|{_MONTH}\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{1,2}}/\d{{4}}|(?:19|20)\d{{2}}"
    r"|\d+\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago)\b")
_REFERENCE = re.compile(
    r"(?:\b(?:sections?|sec|clauses?|paragraphs?|para|articles?|art|parts?|chapters?|annex(?:es)?|appendix|schedule)\b\.?|§+)\s*"
    r"(?:\d+[a-z]?\b|[ivx]+\b|[a-z]\b)(?:\.\d+)*(?:\s*\([a-z0-9]+\))*", re.I)
_NUMBERING = re.compile(r"^\s*(?:\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivx]{1,5})[.)]|\d{1,3}(?:\.\d{1,3})+)\s+", re.I)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": " ", "—": " ", "\u00a0": " "})
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+(?:[.,]\d+)*|%")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PER_UNIT = {"hour": (1, "h"), "day": (24, "h"), "week": (168, "h"), "month": (1, "mo"), "year": (12, "mo")}
_ISE = re.compile(r"^(\w{3,}?)is(e|es|ed|ing|ation|ations)$")


@dataclass(frozen=True)
class Markers:
    """What turns one statement into another with the same words: negators and modal verbs;
    and whether the sentence commits the company or permits it something (for direction)."""
    negated: bool
    modals: frozenset[str]
    commitment: bool
    permission: bool
    negated_terms: frozenset[str] = frozenset()    # the content words a negator governs


class Wording:
    def __init__(self, table: dict):
        spelling = table["spelling"]
        self._ise_keeps = frozenset(spelling.get("ise_keeps", ()))
        self.spelling = {k: v for k, v in spelling.items() if isinstance(v, str)}
        phrases = {k: v for k, v in self.spelling.items() if " " in k or "." in k or "-" in k}
        self.words = {k: v for k, v in self.spelling.items() if k not in phrases}
        self.contractions = table["contractions"]
        self.numbers = {k: int(v) for k, v in table["numbers"].items()}
        self.irregular = dict(table["irregular"])
        units = dict(table["units"])
        self.quantity_before = frozenset(units.pop("quantity_before"))
        self.units = {form: _PER_UNIT[name] for name, forms in units.items() for form in forms}
        self.synonyms: dict[str, str] = {}
        for group in table["synonyms"]["groups"]:
            for word in group:
                if " " in word:
                    phrases[word] = group[0]
                else:
                    self.synonyms[word] = group[0]
        self.function = frozenset(table["function"]["words"].split())
        self.stemmed_synonyms = {stem(word): same for word, same in self.synonyms.items()}
        self._phrases = re.compile(r"(?<![\w-])(?:" + "|".join(
            re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")(?![\w-])")
        self._phrase_to = phrases
        self._contraction = re.compile("|".join(re.escape(c) for c in sorted(self.contractions, key=len, reverse=True)))
        m = table["markers"]
        self.negators = frozenset(m["negators"])
        self.modals = frozenset(m["modal"])
        self._commitment = re.compile("|".join(f"(?:{p})" for p in m["commitment"]))
        self._permission = re.compile("|".join(f"(?:{p})" for p in m["permission"]))
        f = table["furniture"]
        self._furniture = re.compile("|".join(f"(?:{p})" for p in f["patterns"]))
        self._pointer = re.compile("|".join(f"(?:{p})" for p in f["pointers"]))
        self._address = re.compile("|".join(f"(?:{p})" for p in f["addresses"]))

    def plain(self, text: str) -> str:
        """Lower case with dates, URLs, e-mail addresses, references and numbering removed,
        contractions and listed phrases read out."""
        low = text.translate(_QUOTES).lower()
        low = _EMAIL.sub(" ", low)
        low = _URL.sub(" ", low)
        low = _DATE.sub(" ", low)
        low = _REFERENCE.sub(" ", low)
        low = _NUMBERING.sub("", low)
        if "'" in low or "cannot" in low:
            low = self._contraction.sub(lambda m: self.contractions[m.group(0)], low)
        return self._phrases.sub(lambda m: self._phrase_to[m.group(0)], low)

    def tokens(self, text: str) -> list[str]:
        """Words of `plain(text)`, numbers written out read as digits, and each quantity as one
        token: a period as "#<hours>h" or "#<months>mo", another quantity (an age, a limit)
        as "#<n>". Numbers that are not quantities are dropped."""
        return list(_tokens(self, text))

    def _read_tokens(self, text: str) -> list[str]:
        words: list[str] = []
        for tok in _TOKEN.findall(self.plain(text).replace("-", " ")):
            tok = tok.split("'")[0].replace(",", "")
            n = self.numbers.get(tok)
            if n is not None and words and words[-1].isdigit() and int(words[-1]) % 10 == 0 and 20 <= int(words[-1]) < 100 and n < 10:
                words[-1] = str(int(words[-1]) + n)          # twenty four -> 24
            elif n is not None:
                words.append(str(n))
            else:
                words.append(tok)
        return self._quantities(words)

    def _quantities(self, words: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            tok = words[i]
            if not _NUMBER.fullmatch(tok):
                out.append(tok)
                i += 1
                continue
            j = i + 1
            while j < len(words) and words[j] == tok:        # "thirty (30)"
                j += 1
            unit, width = self._unit(words, j)
            if unit:
                out.append(f"#{float(tok) * unit[0]:g}{unit[1]}")
                i = j + width
                continue
            if self.quantity_before.intersection(out[-3:]) or (j < len(words) and words[j] in ("percent", "%")):
                out.append(f"#{float(tok):g}")
            i = j
        return out

    def _unit(self, words: list[str], j: int) -> tuple[tuple[float, str] | None, int]:
        for width in (2, 1):
            unit = self.units.get(" ".join(words[j:j + width]))
            if unit and j + width <= len(words):
                return unit, width
        return None, 0

    def terms(self, text: str) -> tuple[str, ...]:
        """Content words in their common form, in order: function words, negators and modal
        verbs dropped (markers() reads those), each word respelt, made its group's synonym
        and stemmed."""
        return tuple(t for t, _ in self.term_forms(text))

    def term_forms(self, text: str) -> list[tuple[str, str]]:
        """(term, the word as written) for each content word of `text`."""
        out = []
        for tok in _tokens(self, text):
            if tok in self.function or tok in self.negators or tok in self.modals:
                continue
            t = self.term(tok)
            if t:
                out.append((t, tok))
        return out

    def term(self, word: str) -> str:
        return _term(self, word)

    def markers(self, text: str) -> Markers:
        toks = _tokens(self, text)
        plain = " ".join(toks)
        return Markers(
            negated=any(t in self.negators for t in toks),
            negated_terms=frozenset(self.term(t) for i, t in enumerate(toks) if t not in self.function
                                    and t not in self.negators and t not in self.modals
                                    and any(u in self.negators for u in toks[max(0, i - NEGATION_REACH):i])) - {""},
            modals=frozenset(t for t in toks if t in self.modals),
            commitment=bool(self._commitment.search(plain)),
            permission=bool(self._permission.search(plain)))

    def is_furniture(self, text: str) -> bool:
        """Page furniture, a postal address or contact block, or a sentence that only points
        elsewhere: a pointer ("learn more", "see section 4") with little else in it."""
        low = " ".join(text.translate(_QUOTES).lower().split())
        if self._furniture.search(low) or self._address.search(low) and not _SENTENCE_VERB.search(low):
            return True
        return bool(self._pointer.search(low)) and len(set(self.terms(text))) <= POINTER_TERMS


NEGATION_REACH = 4     # a negator governs the content words this many words after it
POINTER_TERMS = 6      # a pointer sentence with more content words than this says something itself
# A line that states something has one of these; a postal address or a contact block has none.
_SENTENCE_VERB = re.compile(r"\b(?:we|you|they|it|is|are|was|were|will|may|can|must|shall|do|does|has|have|collect\w*|use[sd]?|shar\w+|process\w*)\b")


@lru_cache(maxsize=4096)
def _tokens(w: Wording, text: str) -> tuple[str, ...]:
    """Wording.tokens, read once per sentence: the edit stage asks for a sentence's terms and
    its markers, and both are read from its tokens."""
    return tuple(w._read_tokens(text))


@lru_cache(maxsize=65536)
def _term(w: Wording, word: str) -> str:
    if word.startswith("#"):
        return word
    word = w.irregular.get(word, w.words.get(word, word))
    if word not in w._ise_keeps:
        m = _ISE.match(word)
        if m:
            word = f"{m.group(1)}iz{m.group(2)}"
    same = w.synonyms.get(word) or w.stemmed_synonyms.get(stem(word))
    if same is None:
        return stem(word)
    return "" if all(part in w.function for part in same.split()) else same


_VOWEL = re.compile(r"[aeiouy]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper in Porter's spirit, for inflections only: 'shares', 'shared',
    'sharing' -> 'shar'; 'policy', 'policies' -> 'polici'. Both sides of a comparison go
    through it, so it needs to be consistent, not linguistically right."""
    if len(word) <= 2 or not word.isalpha():
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ies", "ied")):
        word = word[:-3] + "i"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    elif word.endswith("eed"):
        pass
    elif word.endswith("ed") and _VOWEL.search(word[:-2]):
        word = word[:-2]
    elif word.endswith("ing") and len(word) > 4 and _VOWEL.search(word[:-3]):
        word = word[:-3]
    if len(word) > 2 and word.endswith("e"):
        word = word[:-1]
    if word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    return word


@lru_cache(maxsize=1)
def wording() -> Wording:
    """The tables of wording.toml, derived once per change of it or of this code (cache.py)."""
    body = _read(__file__, "wording.toml")
    return cached("wording", [source(__name__), body], lambda: Wording(_toml(body)))


def _read(beside: str, name: str) -> bytes:
    """A data file next to a module (os.path, not pathlib or importlib.resources: this runs at start)."""
    with open(os.path.join(os.path.dirname(beside), name), "rb") as f:
        return f.read()


def _toml(body: bytes) -> dict:
    import tomllib
    return tomllib.loads(body.decode("utf-8"))
