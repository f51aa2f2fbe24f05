"""Words a pattern cannot match without, read from the pattern's own text.

The classifier asks most sentences, and most sections of a version, nothing at all: a rule
whose required words are absent from a text cannot match it, and a substring test costs far
less than a regular expression. The words are read here from the pattern source with a small
reader of the `re` syntax the lexicon uses (groups, alternation, classes, quantifiers,
lookarounds, `{MACRO}` references). Whatever it does not understand only weakens the answer,
never falsifies it: an unknown piece counts as "any text", and inline flags or conditionals,
which could change what literals mean, make the whole answer "no words known".

Words are kept as skeletons (letters and digits only), and texts are tested by their
skeletons, so "ad\\s*networks" needs "adnetworks", and a raw section, whose spacing and markup
differ from the sentences read from it, can be tested at once.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cached_property, lru_cache

MIN_WORD = 3                          # shorter words pass nearly every text; they gate nothing
HEAD = 5                              # bytes of a word's start kept for set tests (see Clause)
_MAX_EXACT = 64                       # most strings one piece may be spelled out as
_MAX_CLAUSES = 4
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
_QUANTIFIER = re.compile(r"\{(\d*)(,?)(\d*)\}")
_ZERO_WIDTH = frozenset("bBAZ")
_CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_DROP_ASCII = string.punctuation.replace("@", "") + string.whitespace + "\x1c\x1d\x1e\x1f"
_DROP_OTHER = ("\x85\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
               "\u2028\u2029\u202f\u205f\u3000“”„‘’–—•·…")
_DROP_BYTES = _DROP_ASCII.encode()
_DROP_WIDE = re.compile("[" + _DROP_OTHER + "]+")
_WIDE = "\x7f"                        # marks a skeleton of text beyond ASCII (see skeleton)
_DIGITS = frozenset("0123456789" + _WIDE)   # what \\d needs: an ASCII digit, or text beyond ASCII


@dataclass(frozen=True, eq=False)
class Clause:
    """Words (skeletons) one of which a text must contain, the longer ones filed by their
    first HEAD bytes so that a long text is scanned for a few heads, not for every word."""
    words: frozenset[bytes]
    by_head: dict[bytes, tuple[bytes, ...]]
    heads: frozenset[bytes]
    short: tuple[bytes, ...]          # words shorter than HEAD

    @classmethod
    def of(cls, words: frozenset[bytes]) -> Clause:
        """The clause of these words; one object per set of words, so that a text answers
        each distinct clause once however many patterns share it."""
        if words not in _CLAUSES:
            by_head: dict[bytes, tuple[bytes, ...]] = {}
            for w in sorted(words):
                if len(w) >= HEAD:
                    by_head[w[:HEAD]] = by_head.get(w[:HEAD], ()) + (w,)
            _CLAUSES[words] = cls(words, by_head, frozenset(by_head), tuple(sorted(w for w in words if len(w) < HEAD)))
        return _CLAUSES[words]


_CLAUSES: dict[frozenset[bytes], Clause] = {}


class Gate:
    """A text (a section, a paragraph, a sentence) as gates test it: its skeleton, scanned for
    each word at most once, each clause answered once, however many patterns ask."""

    def __init__(self, bare: bytes):
        self.bare = bare
        self._has: dict[bytes, bool] = {}
        self._met: dict[Clause, bool] = {}

    @cached_property
    def grams(self) -> frozenset[bytes]:
        """Its HEAD-grams, which tell at once which words' heads occur (Lexicon.candidates)."""
        bare = self.bare
        return frozenset(bare[at:at + HEAD] for at in range(len(bare) - HEAD + 1))

    def has(self, word: bytes) -> bool:
        found = self._has.get(word)
        if found is None:
            found = self._has[word] = word in self.bare
        return found

    def met(self, clause: Clause) -> bool:
        """Whether the text has one of the clause's words: heads first (by set test once the
        grams are known), then the words under the heads that occur."""
        answer = self._met.get(clause)
        if answer is None:
            answer = self._met[clause] = self._meets(clause)
        return answer

    def _meets(self, clause: Clause) -> bool:
        has, bare = self._has, self.bare
        for word in clause.short:
            if word in bare:
                return True
        grams = self.__dict__.get("grams")
        for head in clause.by_head if grams is None else clause.heads & grams:
            if grams is None:
                found = has.get(head)
                if found is None:
                    found = has[head] = head in bare
                if not found:
                    continue
            for word in clause.by_head[head]:
                found = has.get(word)
                if found is None:
                    found = has[word] = word in bare
                if found:
                    return True
        return False


Need = tuple[Clause, ...]             # every clause must be met


class Unreadable(Exception):
    """The pattern uses syntax whose effect on literals is not known here."""


@dataclass(frozen=True)
class Piece:
    """What is known about a piece of pattern: the strings it can only ever match (if few),
    and clauses of words one of which each of its matches contains."""
    exact: frozenset[str] | None = None
    need: tuple[frozenset[str], ...] = ()


_ANY = Piece()
_EMPTY = Piece(frozenset({""}))


@dataclass(frozen=True)
class _Around:
    """A zero-width piece (\\b, ^, a lookaround); a positive lookaround's words are in the text."""
    need: tuple[frozenset[str], ...] = ()


_NOWHERE = _Around()


def required(pattern: str, macros: dict[str, Piece]) -> Need:
    """Clauses of words every match of `pattern` contains; () when nothing is known."""
    try:
        reader = _Reader(pattern, macros)
        piece = reader.alternation()
        if reader.at < len(pattern):
            raise Unreadable(pattern)
    except Unreadable:
        return ()
    return _useful(_clauses(piece))


def macro_piece(pattern: str, macros: dict[str, Piece]) -> Piece:
    """A macro's pattern as one piece, for patterns that write {NAME}."""
    try:
        reader = _Reader(pattern, macros)
        piece = reader.alternation()
        return piece if reader.at == len(pattern) else _ANY
    except Unreadable:
        return _ANY


def may_match(needs: tuple[Need, ...] | None, gate: Gate) -> bool:
    """Whether a text could match one of several patterns, each needing `needs[i]`
    (None: nothing known, so it could)."""
    if needs is None:
        return True
    for need in needs:
        if present(need, gate):
            return True
    return False


def present(need: Need, gate: Gate) -> bool:
    """Whether the text meets every clause of `need`."""
    for clause in need:
        if not gate.met(clause):
            return False
    return True


def rarest(need: Need) -> Clause:
    """The clause whose shortest word is longest: the one fewest texts meet."""
    return max(need, key=lambda c: (min(map(len, c.words)), -len(c.words), sorted(c.words)))


def core(clause: frozenset[bytes]) -> bytes:
    """The longest string every word of `clause` contains: absent, none of them can occur."""
    shortest = min(clause, key=len, default=b"")
    for size in range(len(shortest), 0, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start:start + size]
            if all(part in w for w in clause):
                return part
    return b""


def minimal(words) -> frozenset:
    """Drop words that begin with another word of the same clause: finding the shorter
    suffices ("share" for "shares" and "shared")."""
    kept: set = set()
    for w in sorted(set(words), key=len):
        if not any(w[:end] in kept for end in range(MIN_WORD, len(w))):
            kept.add(w)
    return frozenset(kept)


def skeleton(text: str) -> bytes:
    """Letters, digits and "@" only, as UTF-8. Markup, spacing, quotes and line breaks differ
    between a raw section and the sentences read from it, but only in characters dropped
    here, so a word whose skeleton is absent from a text's skeleton is absent from every
    sentence of it. Bytes, because bytes.translate drops characters fast whatever the text.
    A text with characters beyond ASCII ends in _WIDE, for it may hold digits beyond 0-9."""
    if text.isascii():
        return text.encode().translate(None, _DROP_BYTES)
    return _DROP_WIDE.sub("", text).encode().translate(None, _DROP_BYTES) + _WIDE.encode()


_BARE = str.maketrans("", "", _DROP_ASCII + _DROP_OTHER)
_PLAIN = re.compile(r"[^\\()\[\]{}|.*+?^$]+")        # characters that stand for themselves


def _bare(ch: str) -> str:
    return ch.translate(_BARE)


def _escaped(text: str, at: int) -> tuple[str | None, int]:
    """The character an escape at `at` stands for (None for a class of characters, a
    backreference or anything unknown; " " for whitespace, which has no skeleton either),
    and where the escape ends."""
    nxt = text[at + 1:at + 2]
    if not nxt:
        raise Unreadable("trailing backslash")
    if nxt in _CONTROL or nxt == "s":
        return " ", at + 2
    width = {"x": 2, "u": 4, "U": 8}.get(nxt)
    if width:
        digits = text[at + 2:at + 2 + width]
        if len(digits) == width and all(c in string.hexdigits for c in digits):
            return chr(int(digits, 16)), at + 2 + width
        raise Unreadable("escape")
    if nxt == "N":
        close = text.find("}", at)
        if close < 0:
            raise Unreadable("named character")
        return None, close + 1
    if nxt.isdigit():                 # octal escape or backreference: any text will do
        end = at + 1
        while end < len(text) and end < at + 4 and text[end].isdigit():
            end += 1
        return None, end
    if nxt.isalnum():                 # \w \d \S \W ...
        return None, at + 2
    return nxt, at + 2


def _clauses(piece: Piece) -> list[frozenset[str]]:
    out = list(piece.need)
    if piece.exact is not None and "" not in piece.exact:
        out.append(piece.exact)
    return out


def _useful(clauses) -> Need:
    kept = {_encoded(c) for c in clauses
            if c and (c <= _DIGITS or all(len(w) >= MIN_WORD or not w.isalnum() for w in c))}
    ranked = sorted(kept, key=lambda c: (-min(map(len, c)), len(c), sorted(c)))[:_MAX_CLAUSES]   # rarest
    clauses = [Clause.of(c) for c in ranked]
    return tuple(sorted(clauses, key=lambda c: len(c.by_head) + len(c.short)))   # cheapest to test first


@lru_cache(maxsize=None)
def _encoded(clause: frozenset[str]) -> frozenset[bytes]:
    """A clause's words as bytes, minimal; macros repeat the same clauses across patterns."""
    return minimal(w.encode() for w in clause)


def _best(clauses: list[frozenset[str]]) -> frozenset[str] | None:
    return max(clauses, key=lambda c: min(map(len, c), default=0), default=None)


class _Reader:
    def __init__(self, text: str, macros: dict[str, Piece]):
        self.text, self.at, self.macros = text, 0, macros

    def _peek(self, n: int = 1) -> str:
        return self.text[self.at:self.at + n]

    def alternation(self) -> Piece:
        branches = [self.sequence()]
        while self._peek() == "|":
            self.at += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        exacts = [b.exact for b in branches]
        exact = None
        if all(e is not None for e in exacts) and sum(map(len, exacts)) <= _MAX_EXACT:
            exact = frozenset().union(*exacts)
        chosen = [_best(_clauses(b)) for b in branches]
        need = () if any(c is None for c in chosen) else (frozenset().union(*chosen),)
        return Piece(exact, need)

    def sequence(self) -> Piece:
        need: list[frozenset[str]] = []
        run: set[str] | None = {""}       # the strings spelled out since the last unknown piece
        exact_throughout = True
        while self.at < len(self.text) and self._peek() not in "|)":
            piece = self._atom()
            if isinstance(piece, _Around):    # zero-width: consumes nothing, keeps the run whole
                need.extend(piece.need)
                continue
            piece = self._quantified(piece)
            if piece.exact is not None and run is not None and len(run) * len(piece.exact) <= _MAX_EXACT:
                run = {a + b for a in run for b in piece.exact}
                need.extend(piece.need)
                continue
            exact_throughout = False
            if run is not None and "" not in run:
                need.append(frozenset(run))
            need.extend(piece.need)
            run = set(piece.exact) if piece.exact is not None else None
            if run is not None and "" not in run:
                need.append(frozenset(run))
        if exact_throughout:
            return Piece(frozenset(run), tuple(dict.fromkeys(need)))
        if run is not None and "" not in run:
            need.append(frozenset(run))
        return Piece(None, tuple(dict.fromkeys(need)))

    def _atom(self) -> Piece | _Around:
        ch = self._peek()
        if ch == "(":
            return self._group()
        if ch == "[":
            return self._class()
        if ch == "\\":
            return self._escape()
        if ch in "^$":
            self.at += 1
            return _NOWHERE
        if ch == ".":
            self.at += 1
            return _ANY
        if ch in "*+?":
            raise Unreadable("nothing to repeat")
        if ch == "{":
            m = _MACRO.match(self.text, self.at)
            if m:
                self.at = m.end()
                return self.macros.get(m.group(1), _ANY)
            self.at += 1
            return Piece(frozenset({_bare(ch)}))
        run = _PLAIN.match(self.text, self.at).group()
        if len(run) > 1 and self._quantifier_at(self.at + len(run)):
            run = run[:-1]                # a quantifier takes only the last character
        self.at += len(run)
        return Piece(frozenset({run.translate(_BARE)}))

    def _quantifier_at(self, at: int) -> bool:
        ch = self.text[at:at + 1]
        return ch in ("?", "*", "+") and ch != "" or ch == "{" and bool(_QUANTIFIER.match(self.text, at))

    def _group(self) -> Piece | _Around:
        text = self.text
        if text.startswith("(?", self.at):
            head = text[self.at + 2:self.at + 4]
            if head.startswith(":"):
                self.at += 3
            elif head.startswith("P<"):
                close = text.find(">", self.at)
                if close < 0:
                    raise Unreadable("group name")
                self.at = close + 1
            elif head[:1] in "=!" or head in ("<=", "<!"):
                self.at += 3 if head[:1] in "=!" else 4
                inner = self.alternation()
                self._close()
                best = _best(_clauses(inner))
                return _Around((best,)) if best and (head[:1] == "=" or head == "<=") else _NOWHERE
            elif head.startswith("P="):
                close = text.find(")", self.at)
                if close < 0:
                    raise Unreadable("backreference")
                self.at = close + 1
                return _ANY
            elif head.startswith("#"):
                close = text.find(")", self.at)
                if close < 0:
                    raise Unreadable("comment")
                self.at = close + 1
                return _NOWHERE
            else:
                raise Unreadable("inline flags or a conditional")
        else:
            self.at += 1
        inner = self.alternation()
        self._close()
        return inner

    def _close(self) -> None:
        if self._peek() != ")":
            raise Unreadable("unbalanced parenthesis")
        self.at += 1

    def _class(self) -> Piece:
        """A small set of literal characters (and \\s) is spelled out; anything else is any text."""
        text, i = self.text, self.at + 1
        negated = text.startswith("^", i)
        i += negated
        members: set[str] = set()
        other = negated
        first = True
        while i < len(text) and (text[i] != "]" or first):
            ch, first = text[i], False
            if ch == "\\":
                char, i = _escaped(text, i)
                if char is None:
                    other = True
                else:
                    members.add(_bare(char))
                continue
            if ch == "-" and members and text[i + 1:i + 2] not in ("]", ""):
                other = True          # a range
            if ch in "{[":
                other = True
            members.add(_bare(ch))
            i += 1
        if i >= len(text):
            raise Unreadable("unterminated class")
        self.at = i + 1
        return _ANY if other or not members or len(members) > 8 else Piece(frozenset(members))

    def _escape(self) -> Piece | _Around:
        nxt = self.text[self.at + 1:self.at + 2]
        if nxt in _ZERO_WIDTH:
            self.at += 2
            return _NOWHERE
        if nxt == "d":
            self.at += 2
            return Piece(None, (_DIGITS,))
        char, self.at = _escaped(self.text, self.at)
        return _ANY if char is None else Piece(frozenset({_bare(char)}))

    def _quantified(self, piece: Piece) -> Piece:
        ch = self._peek()
        if ch in ("?", "*", "+"):
            self.at += 1
            low, high = {"?": (0, 1), "*": (0, None), "+": (1, None)}[ch]
        elif ch == "{" and (m := _QUANTIFIER.match(self.text, self.at)) and (m.group(1) or m.group(3)):
            self.at = m.end()
            low = int(m.group(1) or 0)
            high = int(m.group(3)) if m.group(3) else (low if not m.group(2) else None)
        else:
            return piece
        if self._peek() in ("?", "+"):    # lazy or possessive: the same strings match
            self.at += 1
        if piece.exact == _EMPTY.exact:
            return _EMPTY
        if low == 0:
            if high == 1 and piece.exact is not None:
                return Piece(piece.exact | _EMPTY.exact)
            return _ANY
        if high == low and piece.exact is not None and len(piece.exact) ** low <= _MAX_EXACT:
            strings = {""}
            for _ in range(low):
                strings = {a + b for a in strings for b in piece.exact}
            return Piece(frozenset(strings), piece.need)
        return Piece(None, tuple(_clauses(piece)))
