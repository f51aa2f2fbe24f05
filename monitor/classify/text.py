"""Sentences, and the three forms the classifier reads them in.

A claim is made by a sentence, so the classifier works on sentences, not lines or word
diffs. Each sentence keeps its display form (quoted as evidence), a lower-cased form the
lexicon's patterns run on, and a key of bare words: two sentences with the same key say
the same thing, whatever their case, punctuation, quotes, Markdown or line breaks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Section
from .lexicon import LEXICON

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BREAK_TAG = re.compile(r"<br\s*/?>|</?p>|</?li>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|[*+\-•·]\s+|>\s*)")
_RULE_LINE = re.compile(r"^\s*[-=_*|:\s]+$")
_EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?![\w*_])")
_CELL = re.compile(r"\s*\|\s*")
_SPACE = re.compile(r"\s+")
_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+")
_ABBREV = frozenset("""
inc ltd co corp llc plc gmbh no nos vs etc st mr mrs ms dr jr sr approx dept fig art sec para
""".split())
_DOTTED = re.compile(r"(?:\b\w\.)+\w?$")
_QUOTES = str.maketrans({"“": "", "”": "", "„": "", '"': "", "‘": "'", "’": "'", "`": "'",
                         "–": "-", "—": " - ", "\u00a0": " "})
_USA = re.compile(r"\bu\.\s?s\.(?:\s?a\.)?|\bu\.s\b")
_EU = re.compile(r"\be\.\s?u\.")
_KEY_DROP = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Sentence:
    text: str           # as quoted in evidence
    low: str            # what lexicon patterns match: lower case, quotes dropped, spelling fixed
    key: str            # identity: bare words
    section: str        # title of the section it sits in
    prev: str = ""      # the sentence before it in the same section (its `low`), for context


def clean_lines(body: str) -> list[str]:
    """Paragraphs of plain text: Markdown links, emphasis, tags and table pipes removed,
    soft-wrapped lines joined."""
    body = _BREAK_TAG.sub("\n", body.replace("\r\n", "\n").replace("\r", "\n"))
    body = _TAG.sub(" ", _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", body)))
    out: list[str] = []
    for raw in body.split("\n"):
        if _RULE_LINE.match(raw) and raw.strip():
            continue
        for cell in (_CELL.split(raw) if raw.count("|") >= 2 else [raw]):
            line = _SPACE.sub(" ", _EMPHASIS.sub("", _LINE_MARK.sub("", cell))).strip()
            if not line:
                continue
            if out and out[-1][-1:].isalpha() and out[-1][-1:].islower() and line[:1].islower() \
                    and raw[:1] not in "|#*-+":
                out[-1] += " " + line          # a hard wrap in mid-sentence
            else:
                out.append(line)
    return out


def split_sentences(line: str) -> list[str]:
    """Sentence spans of one paragraph; abbreviations (U.S., e.g., Inc.) do not end one."""
    parts, start = [], 0
    for m in _END.finditer(line):
        word = line[start:m.start()].rsplit(" ", 1)[-1]
        if word.lower().rstrip(".") in _ABBREV or _DOTTED.search(word + "."):
            continue
        parts.append(line[start:m.end()].strip())
        start = m.end()
    parts.append(line[start:].strip())
    return [p for p in parts if any(ch.isalnum() for ch in p)]


def lower_form(text: str) -> str:
    low = _EU.sub("eu", _USA.sub("us", text.translate(_QUOTES).lower()))
    return LEXICON.respell(_SPACE.sub(" ", low))


def key_form(low: str) -> str:
    return _KEY_DROP.sub(" ", low).strip()


@lru_cache(maxsize=4096)
def section_sentences(section: Section) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    prev = section.title.lower()
    for line in clean_lines(section.body):
        for span in split_sentences(line):
            low = lower_form(span)
            out.append(Sentence(span, low, key_form(low), section.title, prev))
            prev = low
    return tuple(out)
