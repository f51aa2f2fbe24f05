"""The lexicon: the classifier's vocabulary, kept as data in lexicon/*.toml.

Each rule names one claim a policy can make (``sale.sell``: "we sell / do not sell personal
information"), how to recognise it (patterns, with shared ``{MACROS}``), what value it carries
(polarity, a duration, an age, mere presence, or its text) and which way is protective, so
direction and severity follow from the data. Every rule carries the sentences it must and
must not match; tests/test_lexicon.py runs them all.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ..cache import cached, source
from ..errors import ConfigError
from .literals import Clause, Gate, Need, Piece, core, macro_piece, may_match, present, rarest, required, skeleton

VALUE_KINDS = ("polarity", "presence", "duration", "age", "text")
PROTECTIVE = ("yes", "no", "present", "absent", "neutral")
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    label: str                          # the claim in a few words, for summaries
    meaning: str                        # what a lawyer reads the claim as
    sources: tuple[str, ...]            # the patterns, macros expanded; compiled on first use
    value: str = "presence"             # one of VALUE_KINDS
    protective: str = "present"         # which value protects the reader (see PROTECTIVE)
    order: str = "higher"               # durations/ages: "higher" or "lower" is more protective
    yes: str = ""                       # polarity rules: the claim affirmed, e.g. "may sell ..."
    no: str = ""                        # ... and negated, e.g. "does not sell ..."
    default: str = ""                   # durations: what the claim says when no period is given
    more: str = "raised"                # verbs for a value that went up / down
    less: str = "lowered"
    context_source: str = ""            # must match the sentence, the one before, or the title
    exclude_sources: tuple[str, ...] = ()
    severity: str = "medium"            # severity when the change weakens protection
    material: bool = True
    terms: bool = False                 # compare the words of what is shared, not only polarity
    on_appear: str = ""                 # direction overrides for a claim that appears/disappears
    on_disappear: str = ""
    examples: tuple = ()
    counter_examples: tuple = ()
    need: tuple[Need, ...] | None = None  # per pattern, words every match contains (None: unknown)
    where: str = ""                     # the rule's file and id, for error messages

    @cached_property
    def patterns(self) -> tuple[re.Pattern, ...]:
        return tuple(_compile(p, self.where) for p in self.sources)

    @cached_property
    def context(self) -> re.Pattern | None:
        return _compile(self.context_source, self.where) if self.context_source else None

    @cached_property
    def excludes(self) -> tuple[re.Pattern, ...]:
        return tuple(_compile(p, self.where) for p in self.exclude_sources)

    def may_match(self, gate: Gate) -> bool:
        """Whether a text (a sentence, a paragraph, a whole section: see text.gate) has the
        words some pattern cannot match without: a few substring tests that rule most text
        out before any pattern runs."""
        return may_match(self.need, gate)

    def patterns_for(self, gate: Gate) -> list[re.Pattern]:
        """The patterns that may match a text: those whose words it has."""
        if self.need is None:
            return list(self.patterns)
        return [p for p, need in zip(self.patterns, self.need) if present(need, gate)]


@dataclass(frozen=True)
class Framework:
    """A legal mechanism for transferring personal data abroad, with the dates it held."""
    id: str
    name: str
    patterns: tuple[re.Pattern, ...]
    valid_from: date | None = None
    invalid_from: date | None = None
    authority: str = ""
    need: tuple[Need, ...] | None = None  # per pattern, words every match contains (None: unknown)

    def may_match(self, gate: Gate) -> bool:
        return may_match(self.need, gate)


class Lexicon:
    def __init__(self, tables: dict[str, dict]):
        shared = tables.get("shared", {})
        self.macros = _expand_macros(shared.get("macros", {}))
        self._pieces: dict[str, Piece] = {}
        for name, pattern in shared.get("macros", {}).items():
            self._pieces[name] = macro_piece(pattern, self._pieces)
        self.shapes = shared.get("shapes", {})
        spelling = shared.get("spelling", {})
        self._spelling = dict(spelling)
        self._respell = (re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(spelling, key=len, reverse=True))) + r")\b")
                         if spelling else None)
        self._by_length = sorted(spelling, key=len, reverse=True)
        self._misspelt = [skeleton(w) for w, right in spelling.items() if skeleton(w) != skeleton(right)]
        self._names = tuple(self._name(n) for n in shared.get("name", []))
        self.rules: tuple[Rule, ...] = tuple(
            self._rule(name, raw) for name, table in sorted(tables.items()) for raw in table.get("rule", []))
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ConfigError(f"lexicon rule ids must be unique; repeated: {', '.join(dupes)}")
        fw = tables.get("frameworks", {})
        self.frameworks: tuple[Framework, ...] = tuple(self._framework(raw) for raw in fw.get("framework", []))
        self.reliance = self.compile(fw["reliance"], "frameworks.reliance")
        self.disavowal = self.compile(fw["disavowal"], "frameworks.disavowal")
        self.framework_hint = self.compile(fw["hint"], "frameworks.hint")
        dates = tables.get("dates", {})
        self.policy_date = tuple(self.compile(p, "dates.patterns") for p in dates.get("patterns", []))
        self.by_id = {r.id: r for r in self.rules}
        self._ungated = frozenset(i for i, rule in enumerate(self.rules) if rule.need is None)
        self._by_rare_head: dict[bytes, list[tuple[int, Need]]] = {}     # patterns by their rarest clause
        self._by_rare_short: dict[bytes, list[tuple[int, Need]]] = {}
        for i, rule in enumerate(self.rules):
            for need in rule.need or ():
                rare = rarest(need)
                for head in rare.by_head:
                    self._by_rare_head.setdefault(head, []).append((i, need))
                for word in rare.short:
                    self._by_rare_short.setdefault(word, []).append((i, need))
        self._rare_heads = frozenset(self._by_rare_head)
        self._any_framework = (Clause.of(frozenset().union(*(need[0].words for fw in self.frameworks
                                                              for need in fw.need)))
                               if self.frameworks and all(fw.need for fw in self.frameworks) else None)

    def names_framework(self, gate: Gate) -> bool:
        """Whether a text could name a transfer framework at all: first one clause of words,
        one from each framework pattern, then each framework."""
        if self._any_framework is not None and not gate.met(self._any_framework):
            return False
        return any(fw.may_match(gate) for fw in self.frameworks)

    def candidates(self, gate: Gate) -> list[Rule]:
        """The rules that may match a sentence, in lexicon order. Each pattern is filed under
        the heads of its rarest clause: only the patterns filed under a head the sentence has
        (one set test on its grams) are tested, clause by clause."""
        bare = gate.bare
        tried = [entry for head in gate.grams & self._rare_heads for entry in self._by_rare_head[head]]
        tried += [entry for word, entries in self._by_rare_short.items() if word in bare for entry in entries]
        hit, grams = set(self._ungated), gate.grams
        for i, need in tried:
            if i not in hit and all(c.short or not c.heads.isdisjoint(grams) for c in need) and present(need, gate):
                hit.add(i)
        return [self.rules[i] for i in sorted(hit)]

    def respell(self, low: str) -> str:
        """Fix known misspellings, then turn names that read like negations into tokens."""
        if self._respell is not None and any(wrong in low for wrong in self._spelling):
            low = self._respell.sub(lambda m: self._spelling[m.group(0)], low)
        return self.tokens(low)

    def may_respell(self, bare: bytes) -> bool:
        """Whether respelling could change the skeleton `bare` of a text: a misspelling that
        differs from its fix in more than markup, or the words of a name, occur in it."""
        return any(wrong in bare for wrong in self._misspelt) or any(key in bare for _, _, key, _ in self._names)

    def respell_everywhere(self, low: str) -> str:
        """respell's spelling fixes for gate texts: each misspelling fixed wherever it occurs,
        inside words too (more than respell fixes, never less)."""
        for wrong in self._by_length:
            if wrong in low:
                low = low.replace(wrong, self._spelling[wrong])
        return low

    def tokens(self, low: str) -> str:
        """Names that read like negations turned into tokens."""
        bare = skeleton(low)
        for pattern, token, key, need in self._names:
            if key in bare and present(need, Gate(bare)):
                low = pattern.sub(token, low)
                bare = skeleton(low)
        return low

    def _name(self, raw: dict) -> tuple[re.Pattern, str, bytes, Need]:
        """A name's pattern and token, with the words it needs and the longest core of a clause
        of them: a single substring test rules most texts out for it."""
        need = required(raw["pattern"], self._pieces)
        key = max((core(c.words) for c in need), key=len, default=b"")
        return self.compile(raw["pattern"], "shared.toml name"), raw["token"], key, need

    def compile(self, pattern: str, where: str) -> re.Pattern:
        return _compile(self.expand(pattern, where), where)

    def expand(self, pattern: str, where: str) -> str:
        return _MACRO.sub(lambda m: self._macro(m.group(1), where), pattern)

    def _macro(self, name: str, where: str) -> str:
        if name not in self.macros:
            raise ConfigError(f"lexicon {where}: unknown macro {{{name}}}; define it under [macros] in shared.toml")
        return self.macros[name]

    def _rule(self, file: str, raw: dict) -> Rule:
        rid = raw.get("id", "?")
        where = f"{file}.toml rule {rid}"
        missing = [k for k in ("id", "category", "label") if k not in raw]
        if "patterns" not in raw and "shape" not in raw:
            missing.append("patterns (or shape)")
        if missing:
            raise ConfigError(f"lexicon {where}: missing {', '.join(missing)}")
        if raw.get("value", "presence") not in VALUE_KINDS:
            raise ConfigError(f"lexicon {where}: value must be one of {', '.join(VALUE_KINDS)}")
        if raw.get("protective", "present") not in PROTECTIVE:
            raise ConfigError(f"lexicon {where}: protective must be one of {', '.join(PROTECTIVE)}")
        if raw.get("shape") and raw["shape"] not in self.shapes:
            raise ConfigError(f"lexicon {where}: unknown shape {raw['shape']!r}; define it under [shapes] in shared.toml")
        patterns = [p.replace("{OBJECT}", "(?:" + raw.get("object", "") + ")")
                    for p in list(self.shapes.get(raw.get("shape"), [])) + list(raw.get("patterns", []))]
        fields = {k: v for k, v in raw.items() if k in Rule.__dataclass_fields__}
        fields["sources"] = tuple(self.expand(p, where) for p in patterns)
        needs = tuple(required(p, self._pieces) for p in patterns)
        fields["need"] = needs if all(needs) else None
        fields["exclude_sources"] = tuple(self.expand(p, where) for p in raw.get("excludes", ()))
        fields["context_source"] = self.expand(raw["context"], where) if raw.get("context") else ""
        fields["meaning"] = raw.get("meaning", raw["label"])
        fields["examples"] = tuple(raw.get("examples", ()))
        fields["counter_examples"] = tuple(raw.get("counter_examples", ()))
        fields["where"] = where
        return Rule(**fields)

    def _framework(self, raw: dict) -> Framework:
        where = f"frameworks.toml {raw.get('id', '?')}"
        needs = tuple(required(p, self._pieces) for p in raw["patterns"])
        return Framework(
            id=raw["id"], name=raw["name"], authority=raw.get("authority", ""),
            patterns=tuple(self.compile(p, where) for p in raw["patterns"]), need=needs if all(needs) else None,
            valid_from=date.fromisoformat(raw["valid_from"]) if raw.get("valid_from") else None,
            invalid_from=date.fromisoformat(raw["invalid_from"]) if raw.get("invalid_from") else None)


def _compile(pattern: str, where: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ConfigError(f"lexicon {where}: bad pattern {pattern!r} ({e}); fix the regular expression") from None


def _expand_macros(raw: dict[str, str]) -> dict[str, str]:
    """Macros may use earlier-defined macros; each expands to a non-capturing group."""
    out: dict[str, str] = {}
    for name, pattern in raw.items():
        out[name] = "(?:" + _MACRO.sub(lambda m: out[m.group(1)], pattern) + ")"
    return out


def load_lexicon(folder: str | None = None) -> Lexicon:
    """The lexicon of lexicon/*.toml (or of another folder of rule files), derived once per
    change of a rule file or of this code and read from the user cache directory after that
    (cache.py)."""
    folder = folder or os.path.join(os.path.dirname(__file__), "lexicon")
    files = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".toml"):
            with open(os.path.join(folder, name), "rb") as f:
                files[name[:-5]] = f.read()
    inputs = [source(__name__), source("monitor.classify.literals"), *(f"{name}\0".encode() + body for name, body in
                                                                        files.items())]
    return cached("lexicon", inputs, lambda: Lexicon(_tables(files)), _compile_all)


def _tables(files: dict[str, bytes]) -> dict[str, dict]:
    import tomllib
    tables = {}
    for name, body in files.items():
        try:
            tables[name] = tomllib.loads(body.decode("utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"lexicon file {name}.toml is not valid TOML ({e}); fix it") from None
    return tables


def _compile_all(lexicon: Lexicon) -> None:
    """Every rule's patterns compiled, as first use would, so that the cached lexicon holds them."""
    for rule in lexicon.rules:
        rule.patterns, rule.context, rule.excludes


LEXICON = load_lexicon()
