"""Sentences, and the three forms the classifier reads them in.

A claim is made by a sentence, so the classifier works on sentences, not lines or word
diffs. Each sentence keeps its display form (quoted as evidence), a lower-cased form the
lexicon's patterns run on, and a key of bare words: two sentences with the same key say
the same thing, whatever their case, punctuation, quotes, Markdown or line breaks.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .lexicon import LEXICON
from .literals import Gate, skeleton

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BREAK_TAG = re.compile(r"<br\s*/?>|</?p>|</?li>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[*+\-•·]\s+|>\s*)")
_MARK_CHARS = frozenset("#*+-•·>")
_RULE_LINE = re.compile(r"^\s*[-=_*|:\s]+$")
_BLOCK_START = re.compile(
    r"^\s*(?:#{1,6}\s|[*+\-•·]\s|\d{1,3}[.)]\s|\d{1,3}(?:\.\d{1,3})+\.?\s|[a-zA-Z][.)]\s|\(?[ivx]{1,4}\)\s|>)")
_WRAP_MIN = 50
_HEADING_WORDS = 12
_CAPS_TITLE_MAX = 60
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]{4,}\b")
_CLOSERS = "\"'”’)]"
_BROKEN_WORD = re.compile(r"[a-z]-$")
_NUMBER_START = re.compile(r"^\s*\d")
_AWAITS_NUMBER = re.compile(r"\b(?:of|than|under|over|to|within|after|for|by|and|or|least|most|age|aged)$", re.I)
_EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?![\w*_])")
_CELL = re.compile(r"\s*\|\s*")
_END = re.compile(r"[.!?]+[\"'“”‘’)\]]*\s+")
_ABBREV = frozenset("""
inc ltd co corp llc plc gmbh no nos vs etc st mr mrs ms dr jr sr approx dept fig art sec para
""".split())
_DOTTED = re.compile(r"(?:\b\w\.)+\w?$")
_QUOTES = (("“", ""), ("”", ""), ("„", ""), ('"', ""), ("‘", "'"), ("’", "'"), ("`", "'"),
           ("–", "-"), ("—", " - "), ("\u00a0", " "))
_USA = re.compile(r"\bu\.\s?s\.(?:\s?a\.)?|\bu\.s\b")
_EU = re.compile(r"\be\.\s?u\.")
_KEY_DROP = re.compile(r"[\W_]+")
_GATE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")      # _LINK without its optional "!": faster
_USA_LONG = ("u. s. a.", "u.s. a.", "u. s.a.", "u.s.a.")


@dataclass(frozen=True)
class Sentence:
    text: str           # as quoted in evidence
    key: str            # identity: bare lower-case words
    section: str        # title of the section it sits in
    prev: str = ""      # the sentence before it in the same section, for context
    paragraph: str = field(default="", compare=False, repr=False)   # the paragraph it belongs to

    @cached_property
    def low(self) -> str:
        """What lexicon patterns match: lower case, quotes dropped, spelling fixed. Computed
        only for sentences a question is asked about, not for every sentence of a version."""
        return lower_form(self.text)

    @cached_property
    def gate(self) -> Gate:
        """`low` as gates test it (Rule.may_match)."""
        return Gate(skeleton(self.low))

    @cached_property
    def context(self) -> tuple[str, str, str]:
        return self.low, lower_form(self.prev), self.section.lower()


def sentence(text: str, section: str = "", prev: str = "", paragraph: str = "") -> Sentence:
    return Sentence(text, key_form(text.lower()), section, prev, paragraph)


def heading_like(line: str) -> bool:
    """A short Title Case line without a sentence end: a heading, not a statement."""
    return len(line.split()) <= _HEADING_WORDS and not _ends_sentence(line) and _title_like(line)


def paragraphs(text: str, titles: frozenset[str] = frozenset(), title: str = "") -> list[tuple[str, str]]:
    """(section title, paragraph) pairs of plain text: Markdown links, emphasis, tags and table
    pipes removed; hard-wrapped lines joined, so a rewrapped paragraph reads as the original.
    A line equal to one of `titles` starts that section, unless the line before it was cut
    mid-sentence or it holds more than one sentence: then it is a wrapped line the section
    splitter mistook for a heading. A Markdown heading ("## Title") is a heading wherever it
    is. `title` is the section the text starts in."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "](" in text:
        text = (_LINK if "![" in text else _GATE_LINK).sub(r"\1", text)     # the same without images
    if "<" in text:
        text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", _BREAK_TAG.sub("\n", text)))
    heads = {_heading_key(t) for t in titles if t}
    longest = max((len(t) for t in titles), default=0) + 8
    out: list[tuple[str, str]] = []
    joinable = False
    for raw in text.split("\n"):
        if _RULE_LINE.match(raw) and raw.strip():
            joinable = False
            continue
        cells = _CELL.split(raw) if raw.count("|") >= 2 else [raw]
        starts_block = len(cells) > 1 or bool(_BLOCK_START.match(raw)) and not (
            joinable and _NUMBER_START.match(raw) and _AWAITS_NUMBER.search(out[-1][1]))
        for cell in cells:
            line = _plain(cell)
            if not line:
                joinable = False
            elif ((not joinable or raw.startswith("#")) and heads and len(line) <= longest
                  and _heading_key(line) in heads and len(split_sentences(line)) == 1):
                title, joinable = line, False
            elif joinable and not starts_block:
                glue = "" if _BROKEN_WORD.search(out[-1][1]) else " "
                out[-1] = (out[-1][0], out[-1][1] + glue + line)
                joinable = _wrapped(out[-1][1])
            else:
                out.append((title, line))
                joinable = _wrapped(line)
    return out


def _plain(cell: str) -> str:
    if cell.lstrip()[:1] in _MARK_CHARS:
        cell = _LINE_MARK.sub("", cell)
    if "*" in cell or "_" in cell:
        cell = _EMPHASIS.sub("", cell)
    return " ".join(cell.split())


@lru_cache(maxsize=4096)
def _heading_key(line: str) -> str:
    return key_form(_LINE_MARK.sub("", line).lower())


def _wrapped(line: str) -> bool:
    """Whether a line reads as cut off mid-sentence (so the next line continues it): it ends
    on an abbreviation such as "U.S.", or it is long prose without a sentence end (a long
    Title Case line is a heading or a table-of-contents entry, not a wrapped sentence)."""
    last = line.rsplit(" ", 1)[-1]
    if last.endswith(".") and _is_abbreviation(last[:-1]):
        return True
    return len(line) >= _WRAP_MIN and not _ends_sentence(line) and not _title_like(line)


def _ends_sentence(line: str) -> bool:
    """Ends with . ! ? or :, closing quotes and brackets aside."""
    bare = line.rstrip(_CLOSERS)
    return bool(bare) and bare[-1] in ".!?:"


def _title_like(line: str) -> bool:
    """Title Case: every word longer than three letters has a capital (short ALL CAPS too)."""
    if line.isupper():
        return len(line) < _CAPS_TITLE_MAX
    return _LOWER_WORD.search(line) is None


def _is_abbreviation(word: str) -> bool:
    return word.lower() in _ABBREV or bool(_DOTTED.search(word + "."))


def split_sentences(line: str) -> list[str]:
    """Sentence spans of one paragraph; abbreviations (U.S., e.g., Inc.) do not end one."""
    parts, start = [], 0
    for m in _END.finditer(line):
        if _is_abbreviation(line[start:m.start()].rsplit(" ", 1)[-1].rstrip(".")):
            continue
        parts.append(line[start:m.end()].strip())
        start = m.end()
    parts.append(line[start:].strip())
    return [p for p in parts if any(ch.isalnum() for ch in p)]


@lru_cache(maxsize=32768)
def lower_form(text: str) -> str:
    low = _unquoted(text).lower()
    if "u." in low:             # both abbreviations end in "u."
        low = _EU.sub("eu", _USA.sub("us", low))
    return LEXICON.respell(" ".join(low.split()))


def _unquoted(text: str) -> str:
    """Quotes dropped or made plain, dashes and no-break spaces plain (str.replace, which is
    many times faster than str.translate with such a table)."""
    for mark, plain in _QUOTES:
        if mark in text:
            text = text.replace(mark, plain)
    return text


def gate(text: str) -> Gate:
    """A section or paragraph as gates test it (see gate_text)."""
    return Gate(gate_text(text))


def gate_text(text: str) -> bytes:
    """What gates test a whole section or paragraph on, so that only the parts that pass are
    split into sentences: the skeleton (literals.skeleton) of its plain lower-case text, and
    of its respelt form where that differs ("u.s.a." is "us", misspellings fixed, names made
    tokens, sentence by sentence, as lower_form makes them in each sentence read from it: the
    text's sentences are never finer than those). Whatever words a sentence read from `text`
    shows the patterns (Sentence.low), their skeletons are in here, so a gate that fails
    here would fail on every such sentence."""
    if "](" in text:
        text = _GATE_LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub(" ", _AUTOLINK.sub(r"\1", text))
    low = text.lower()
    gate = skeleton(low)
    if not LEXICON.may_respell(gate) and "s.a." not in low and "s. a." not in low:
        return gate
    flat = " ".join(_unquoted(low).replace("*", "").replace("_", "").split())   # emphasis gone
    fixed = LEXICON.respell_everywhere(flat)
    for form in _USA_LONG:
        fixed = fixed.replace(form, "us")
    return gate + b"\n" + skeleton(" ".join(map(LEXICON.tokens, split_sentences(fixed))))


def key_form(lowered: str) -> str:
    return _KEY_DROP.sub(" ", lowered).strip()


@lru_cache(maxsize=64)
def version_sentences(text: str, titles: frozenset[str] = frozenset()) -> tuple[Sentence, ...]:
    """Every sentence of a version, each with the section it sits in. The whole text is read
    as one stream, so a sentence cut by a misplaced section boundary is read whole."""
    out: list[Sentence] = []
    for title, para in paragraphs(text, titles):
        out += paragraph_sentences(title, para, out[-1].text if out and out[-1].section == title else title)
    return tuple(out)


def changed_sentences(paras: list[tuple[str, str]], skip: Counter) -> list[Sentence]:
    """The sentences of `paras` (from paragraphs()) but for the first skip[p] paragraphs equal
    to p, each with the section and sentence before that version_sentences gives it."""
    left = Counter(skip)
    out: list[Sentence] = []
    for i, (title, para) in enumerate(paras):
        if left[para] > 0:
            left[para] -= 1
            continue
        out += paragraph_sentences(title, para, _sentence_before(paras, i))
    return out


def _sentence_before(paras: list[tuple[str, str]], i: int) -> str:
    title = paras[i][0]
    for j in range(i - 1, -1, -1):
        spans = split_sentences(paras[j][1])
        if spans:
            return spans[-1] if paras[j][0] == title else title
    return title


def paragraph_sentences(title: str, para: str, prev: str = "") -> list[Sentence]:
    out: list[Sentence] = []
    for span in split_sentences(para):
        out.append(sentence(span, title, prev or title, para))
        prev = span
    return out
