"""The lexicon: the classifier's vocabulary, kept as data in lexicon/*.toml.

Each rule names one claim a policy can make (``sale.sell``: "we sell / do not sell personal
information"), how to recognise it (patterns, with shared ``{MACROS}``), what value it carries
(polarity, a duration, an age, mere presence, or its text) and which way is protective, so
direction and severity follow from the data. Every rule carries the sentences it must and
must not match; tests/test_lexicon.py runs them all.
"""
from __future__ import annotations

import re
import tomllib
from re import _constants as sre
from re import _parser as sre_parse
from dataclasses import dataclass
from datetime import date
from importlib import resources

from ..errors import ConfigError

VALUE_KINDS = ("polarity", "presence", "duration", "age", "text")
PROTECTIVE = ("yes", "no", "present", "absent", "neutral")
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    label: str                          # the claim in a few words, for summaries
    meaning: str                        # what a lawyer reads the claim as
    patterns: tuple[re.Pattern, ...]
    value: str = "presence"             # one of VALUE_KINDS
    protective: str = "present"         # which value protects the reader (see PROTECTIVE)
    order: str = "higher"               # durations/ages: "higher" or "lower" is more protective
    yes: str = ""                       # polarity rules: the claim affirmed, e.g. "may sell ..."
    no: str = ""                        # ... and negated, e.g. "does not sell ..."
    default: str = ""                   # durations: what the claim says when no period is given
    more: str = "raised"                # verbs for a value that went up / down
    less: str = "lowered"
    context: re.Pattern | None = None   # must match the sentence, the one before, or the title
    excludes: tuple[re.Pattern, ...] = ()
    severity: str = "medium"            # severity when the change weakens protection
    material: bool = True
    terms: bool = False                 # compare the words of what is shared, not only polarity
    on_appear: str = ""                 # direction overrides for a claim that appears/disappears
    on_disappear: str = ""
    examples: tuple = ()
    counter_examples: tuple = ()
    gate: re.Pattern | None = None      # literals one of which every match contains (derived)

    def may_match(self, low: str) -> bool:
        """A cheap test that rules most sentences out before any pattern runs."""
        return self.gate is None or self.gate.search(low) is not None


@dataclass(frozen=True)
class Framework:
    """A legal mechanism for transferring personal data abroad, with the dates it held."""
    id: str
    name: str
    patterns: tuple[re.Pattern, ...]
    valid_from: date | None = None
    invalid_from: date | None = None
    authority: str = ""


class Lexicon:
    def __init__(self, tables: dict[str, dict]):
        shared = tables.get("shared", {})
        self.macros = _expand_macros(shared.get("macros", {}))
        self.shapes = shared.get("shapes", {})
        spelling = shared.get("spelling", {})
        self._spelling = dict(spelling)
        self._respell = (re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(spelling, key=len, reverse=True))) + r")\b")
                         if spelling else None)
        self._names = tuple((self.compile(n["pattern"], "shared.toml name"), n["token"])
                            for n in shared.get("name", []))
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

    def respell(self, low: str) -> str:
        """Fix known misspellings, then turn names that read like negations into tokens."""
        if self._respell is not None:
            low = self._respell.sub(lambda m: self._spelling[m.group(0)], low)
        if "not" in low:            # every name rewritten here reads "do not ..."
            for pattern, token in self._names:
                low = pattern.sub(token, low)
        return low

    def compile(self, pattern: str, where: str) -> re.Pattern:
        expanded = _MACRO.sub(lambda m: self._macro(m.group(1), where), pattern)
        try:
            return re.compile(expanded)
        except re.error as e:
            raise ConfigError(f"lexicon {where}: bad pattern {pattern!r} ({e}); fix the regular expression") from None

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
        patterns = list(self.shapes.get(raw.get("shape"), [])) + list(raw.get("patterns", []))
        obj = "(?:" + raw.get("object", "") + ")"
        fields = {k: v for k, v in raw.items() if k in Rule.__dataclass_fields__}
        fields["patterns"] = tuple(self.compile(p.replace("{OBJECT}", obj), where) for p in patterns)
        fields["gate"] = _gate(fields["patterns"])
        fields["excludes"] = tuple(self.compile(p, where) for p in raw.get("excludes", ()))
        fields["context"] = self.compile(raw["context"], where) if raw.get("context") else None
        fields["meaning"] = raw.get("meaning", raw["label"])
        fields["examples"] = tuple(raw.get("examples", ()))
        fields["counter_examples"] = tuple(raw.get("counter_examples", ()))
        return Rule(**fields)

    def _framework(self, raw: dict) -> Framework:
        where = f"frameworks.toml {raw.get('id', '?')}"
        return Framework(
            id=raw["id"], name=raw["name"], authority=raw.get("authority", ""),
            patterns=tuple(self.compile(p, where) for p in raw["patterns"]),
            valid_from=date.fromisoformat(raw["valid_from"]) if raw.get("valid_from") else None,
            invalid_from=date.fromisoformat(raw["invalid_from"]) if raw.get("invalid_from") else None)


def _gate(patterns: tuple[re.Pattern, ...]) -> re.Pattern | None:
    """Literal strings of which every match of some pattern contains one, read off the parsed
    patterns, as one alternation; None when a pattern can match without any literal."""
    out: set[str] = set()
    for p in patterns:
        needed = _needed(sre_parse.parse(p.pattern).data)
        if needed is None:
            return None
        out |= needed
    return re.compile("|".join(map(re.escape, sorted(out, key=len, reverse=True))))


def _needed(items) -> set[str] | None:
    """For a sequence of parsed regex items, a set of literals one of which must occur."""
    candidates: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append({run})
            run = ""
        if op is sre.SUBPATTERN:
            found = _needed(av[3].data)
        elif op is sre.BRANCH:
            branches = [_needed(b.data) for b in av[1]]
            found = None if any(b is None for b in branches) else set().union(*branches)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _needed(av[2].data)
        else:
            found = None
        if found:
            candidates.append(found)
    if run:
        candidates.append({run})
    return max(candidates, key=lambda c: min(map(len, c)), default=None)


def _expand_macros(raw: dict[str, str]) -> dict[str, str]:
    """Macros may use earlier-defined macros; each expands to a non-capturing group."""
    out: dict[str, str] = {}
    for name, pattern in raw.items():
        out[name] = "(?:" + _MACRO.sub(lambda m: out[m.group(1)], pattern) + ")"
    return out


def load_lexicon() -> Lexicon:
    folder = resources.files(__package__).joinpath("lexicon")
    tables = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            try:
                tables[entry.name[:-5]] = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise ConfigError(f"lexicon file {entry.name} is not valid TOML ({e}); fix it") from None
    return Lexicon(tables)


LEXICON = load_lexicon()
