"""Word-level diff of two section bodies.

diff-match-patch works on characters; diffing raw characters makes edits that cut
through words ("Shie[l]d"). So each token (a word, a whitespace run or a punctuation
run) is mapped to one private character, the character strings are diffed and
semantically cleaned up, and the characters are mapped back to tokens. Because
every character of the input belongs to exactly one token, the "=" and "+" texts
rejoin to the new text.

As diff-match-patch's line mode does for lines, a first pass diffs whole sentences;
only runs where sentences were both deleted and inserted are diffed word by word, so
a long deleted passage costs one token, not hundreds. Passages with little in common
are shown as a whole deletion and insertion: a word-by-word diff of a rewrite is
both slow and unreadable.

Two kinds of difference are not word changes and are reported as "=" (taking the
new text, so the old text is only recoverable up to them):

- whitespace alone (a reflowed line break, "a ,b" -> "a, b"): since words are
  whole tokens, a whitespace-only edit never joins or splits a word;
- text moved inside the section: a deleted sentence or line that reappears
  verbatim as an inserted one elsewhere is kept as "=" where it now stands and
  its deletion is dropped. Whole moved sections are handled earlier, by
  alignment, which reports them as moved.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from diff_match_patch import diff_match_patch

from monitor.model import Diff

DIFF_TIMEOUT = 2.0          # seconds; past it diff-match-patch returns a valid but coarser diff
MIN_MOVED_WORDS = 4         # shorter repeats ("the", "and we") are coincidence, not a move
MIN_WORD_DIFF_OVERLAP = 0.2  # passages sharing fewer words are a rewrite: shown whole, not word by word

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]+")
# A sentence (or a line without end punctuation); the text between two is whitespace.
_SENTENCE = re.compile(r"\S(?:[^\n]*?[.!?;](?=\s|\Z)|[^\n]*)")
_WORD = re.compile(r"\w+")
_OPS = {-1: "-", 0: "=", 1: "+"}


def diff_words(old: str, new: str) -> Diff:
    """Diff two texts word by word; ops are "=", "-", "+" and the pieces rejoin to the inputs."""
    if old == new:
        return (("=", new),) if new else ()
    coarse = _diff_tokens(_sentences(old), _sentences(new), semantic=False)
    # sentences both deleted and inserted somewhere: moved, so kept whole to be found again
    shared = ({p for op, parts in coarse if op == "-" for p in parts}
              & {p for op, parts in coarse if op == "+" for p in parts})
    shared = {p for p in shared if len(p.split()) >= MIN_MOVED_WORDS}
    diff: list[tuple[str, list[str]]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, parts in coarse + [("=", [])]:
        if op == "-":
            deleted += parts
        elif op == "+":
            inserted += parts
        else:
            if deleted and inserted and _overlap(deleted, inserted) >= MIN_WORD_DIFF_OVERLAP:
                diff += _diff_tokens(_words(deleted, shared), _words(inserted, shared), semantic=True)
            elif deleted and inserted:
                diff += [("-", deleted), ("+", inserted)]
            else:
                diff += [("-", deleted)] if deleted else [("+", inserted)] if inserted else []
            deleted, inserted = [], []
            diff.append((op, parts))
    return _merge(_equal_whitespace(_merge(_drop_moves(diff, shared))))


def _overlap(old: list[str], new: list[str]) -> float:
    """Share of words two passages have in common (Dice over word counts)."""
    a, b = Counter(_WORD.findall(" ".join(old))), Counter(_WORD.findall(" ".join(new)))
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 1.0


def _sentences(text: str) -> list[str]:
    """The text as sentences (or lines without end punctuation) and the whitespace between them."""
    out: list[str] = []
    pos = 0
    for m in _SENTENCE.finditer(text):
        if m.start() > pos:
            out.append(text[pos:m.start()])
        out.append(m.group())
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _words(parts: list[str], shared: set[str]) -> list[str]:
    """Words, spaces and punctuation; a sentence found verbatim in both texts stays one token."""
    return [tok for part in parts for tok in ((part,) if part in shared else _TOKEN.findall(part))]


def _diff_tokens(old: list[str], new: list[str], *, semantic: bool) -> list[tuple[str, list[str]]]:
    """diff-match-patch over token sequences, each distinct token mapped to one character."""
    codes: dict[str, str] = {}
    decode: dict[str, str] = {}

    def encode(seq: list[str]) -> str:
        out = []
        for tok in seq:
            ch = codes.get(tok)
            if ch is None:
                ch = codes[tok] = _char(len(codes))
                decode[ch] = tok
            out.append(ch)
        return "".join(out)

    a, b = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    diffs = dmp.diff_main(a, b, False)
    if semantic:
        dmp.diff_cleanupSemantic(diffs)
    return [(_OPS[op], [decode[ch] for ch in chars]) for op, chars in diffs if chars]


def _char(i: int) -> str:
    """The i-th token's character: from the private-use area up, skipping surrogates."""
    code = 0xE000 + i
    if code >= 0xF900:                      # past the private-use area: continue above the BMP
        code = 0x10000 + (code - 0xF900)
    return chr(code)


def _drop_moves(diff: list[tuple[str, list[str]]], shared: set[str]) -> list[tuple[str, str]]:
    """A shared sentence deleted in one place and inserted in another is kept as "=" where it now is."""
    deleted = Counter(t for op, toks in diff if op == "-" for t in toks if t in shared)
    inserted = Counter(t for op, toks in diff if op == "+" for t in toks if t in shared)
    drop, keep = deleted & inserted, deleted & inserted
    out: list[tuple[str, str]] = []
    for op, toks in diff:
        budget = drop if op == "-" else keep if op == "+" else None
        for tok in toks:
            if budget is not None and budget[tok] > 0:
                budget[tok] -= 1
                if op == "+":
                    out.append(("=", tok))
            else:
                out.append((op, tok))
    return out


def _equal_whitespace(diff: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Whitespace-only edits are layout: keep inserted spacing as "=", drop deleted spacing."""
    return [("=", text) if op == "+" and not text.strip() else (op, text)
            for op, text in diff if not (op == "-" and not text.strip())]


def _merge(diff: Iterable[tuple[str, str]]) -> Diff:
    out: list[list[str]] = []
    for op, text in diff:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])
    return tuple((op, text) for op, text in out)
