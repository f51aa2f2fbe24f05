"""Word-level diff of two section bodies.

diff-match-patch works on characters; diffing raw characters makes edits that cut
through words ("Shie[l]d"). So each token (a word, a whitespace run or a punctuation
run) is mapped to one private character, the character strings are diffed and
semantically cleaned up, and the characters are mapped back to tokens. Because
every character of the input belongs to exactly one token, the "=" and "+" texts
rejoin to the new text.

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

from diff_match_patch import diff_match_patch

from monitor.model import Diff

DIFF_TIMEOUT = 2.0          # seconds; past it diff-match-patch returns a valid but coarser diff
MIN_MOVED_WORDS = 4         # shorter repeats ("the", "and we") are coincidence, not a move

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]+")
# A segment ends after a line break or after sentence punctuation followed by space.
_SEGMENT_END = re.compile(r"(?<=\n)|(?<=[.!?;])(?=\s)")
_WORD = re.compile(r"\w+")
_OPS = {-1: "-", 0: "=", 1: "+"}


def diff_words(old: str, new: str) -> Diff:
    """Diff two texts word by word; ops are "=", "-", "+" and the pieces rejoin to the inputs."""
    if old == new:
        return (("=", new),) if new else ()
    raw = _diff_tokens(old, new)
    return _merge(_equal_whitespace(_drop_moves(raw)))


def _diff_tokens(old: str, new: str) -> list[tuple[str, str]]:
    tokens: list[str] = []
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        out = []
        for tok in _TOKEN.findall(text):
            ch = codes.get(tok)
            if ch is None:
                ch = codes[tok] = _char(len(tokens))
                tokens.append(tok)
            out.append(ch)
        return "".join(out)

    a, b = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    return [(_OPS[op], "".join(tokens[_index(ch)] for ch in chars)) for op, chars in diffs if chars]


def _char(i: int) -> str:
    """The i-th token's character: from the private-use area up, skipping surrogates."""
    code = 0xE000 + i
    if code >= 0xF900:                      # past the private-use area: continue above the BMP
        code = 0x10000 + (code - 0xF900)
    return chr(code)


def _index(ch: str) -> int:
    code = ord(ch)
    return code - 0xE000 if code < 0x10000 else code - 0x10000 + 0xF900 - 0xE000


def _equal_whitespace(diff: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Whitespace-only edits are layout: keep inserted spacing as "=", drop deleted spacing."""
    return [("=", text) if op == "+" and not text.strip() else (op, text)
            for op, text in diff if not (op == "-" and not text.strip())]


def _segments(text: str) -> list[str]:
    return [s for s in _SEGMENT_END.split(text) if s]


def _move_key(segment: str) -> str | None:
    words = _WORD.findall(segment)
    return " ".join(words) if len(words) >= MIN_MOVED_WORDS else None


def _drop_moves(diff: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Turn sentences/lines deleted in one place and inserted verbatim in another into "="."""
    deleted = Counter(k for op, t in diff if op == "-" for k in map(_move_key, _segments(t)) if k)
    inserted = Counter(k for op, t in diff if op == "+" for k in map(_move_key, _segments(t)) if k)
    moved = deleted & inserted
    if not moved:
        return diff
    to_drop, to_keep = moved.copy(), moved.copy()
    out: list[tuple[str, str]] = []
    for op, text in diff:
        if op == "=":
            out.append((op, text))
            continue
        budget = to_drop if op == "-" else to_keep
        for seg in _segments(text):
            key = _move_key(seg)
            if key and budget[key] > 0:
                budget[key] -= 1
                if op == "+":
                    out.append(("=", seg))
            else:
                out.append((op, seg))
    return out


def _merge(diff: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    out: list[list[str]] = []
    for op, text in diff:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])
    return tuple((op, text) for op, text in out)
