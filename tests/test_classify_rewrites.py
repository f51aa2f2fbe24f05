"""The lexicon on whole real policies (the corpus seeds and real-dev versions), not on sentences
written for it: word-level rewrites that keep the meaning are silent, and a material edit made
inside the real text is found in its category."""
import re

import pytest

from monitor.compare import compare_versions
from monitor.extract import extract
from monitor.model import Version

from conftest import CORPUS

POLICIES = sorted(CORPUS.glob("seeds/*.txt")) + sorted(CORPUS.glob("real-dev/*/new.md"))

REWRITES = {
    "synonyms": [(r"\bpersonal information\b", "personal data"), (r"\bPersonal Information\b", "Personal Data"),
                 (r"\bthird parties\b", "third-party companies"), (r"\bwebsite\b", "site"),
                 (r"\bcollect\b", "gather"), (r"\bprovide\b", "give"), (r"\b([Ww])e may\b", r"\1e might")],
    "contractions": [(r"\bdo not\b", "don't"), (r"\bwill not\b", "won't"), (r"\bdoes not\b", "doesn't"),
                     (r"\bcannot\b", "can't"), (r"\b([Ww])e will\b", r"\1e'll")],
    "expansions": [(r"\bdon't\b", "do not"), (r"\bwon't\b", "will not"), (r"\bdoesn't\b", "does not"),
                   (r"\bcan't\b", "cannot"), (r"\b([Ww])e'll\b", r"\1e will"), (r"\bwe're\b", "we are")],
    "numbers": [(r"\b30 days\b", "thirty (30) days"), (r"\b12 months\b", "one year"), (r"\b13\b", "thirteen (13)")],
    "spelling": [(r"\borganization", "organisation"), (r"\bbehavior", "behaviour"), (r"\bauthorized\b", "authorised"),
                 (r"\bcenter\b", "centre")],
}


def _version(path, text: str) -> Version:
    return Version(text=extract(text.encode(), filename=str(path)), source="file", url=path.name)


def _material(path, old: str, new: str) -> set[str]:
    return {f.category for f in compare_versions(_version(path, old), _version(path, new)).findings if f.material}


def _rewritten(text: str, rules) -> str:
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text)
    return text


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: f"{p.parent.name}/{p.stem[:12]}")
@pytest.mark.parametrize("rewrite", sorted(REWRITES))
def test_word_level_rewrite_of_a_real_policy_is_not_material(path, rewrite):
    text = path.read_text(encoding="utf-8")
    assert _material(path, text, _rewritten(text, REWRITES[rewrite])) == set()


_SENTENCE = re.compile(r"[^.\n]*[.\n]")


def _scaled(factor: float):
    unit = r"(\s*(?:\)\s*)?(?:calendar |business )?(?:days|months|years))"
    return lambda s: re.sub(r"\b(\d+)" + unit, lambda m: f"{max(1, round(int(m.group(1)) * factor))}{m.group(2)}", s, count=1)


# (category, sentence that must contain the claim, edit of that sentence): each edit is material
# wherever it applies, so every (policy, edit) pair the corpus offers is a case.
INJECTIONS = [
    ("sale", r"\b(?:do|does|will) not [“\"]?sell\b",
     lambda s: re.sub(r"\b(?:do|does|will) not ([“\"]?sell)", r"may \1", s, count=1)),
    ("sharing", r"\b(?:do|does|will) not (?:share|disclose)\b[^.]*\bthird",
     lambda s: re.sub(r"\b(?:do|does|will) not (share|disclose)", r"may \1", s, count=1)),
    ("retention", r"\b(?:retain|keep|store|deleted?)\b[^.]*\b\d+\s*(?:\)\s*)?(?:days|months|years)\b", _scaled(3)),
    ("children", r"\b(?:collect\w*|directed)\b[^.]*\b(?:children|persons|users)\s+under\s+(?:the\s+age\s+of\s+)?13\b",
     lambda s: re.sub(r"\b13\b", "16", s, count=1)),
    ("notice", r"\b(?:chang|updat|modif)\w*\b[^.]*\b\d+\s*(?:\)\s*)?days?\b[^.]*\b(?:notice|notify|before|prior)", _scaled(0.25)),
]


def _injected(text: str, pattern: str, edit) -> str | None:
    for m in _SENTENCE.finditer(text):
        if re.search(pattern, m.group(0)):
            new = edit(m.group(0))
            return text[:m.start()] + new + text[m.end():] if new != m.group(0) else None
    return None


CASES = [pytest.param(path, category, pattern, edit, id=f"{category}-{path.parent.name}/{path.stem[:12]}")
         for path in POLICIES for category, pattern, edit in INJECTIONS
         if _injected(path.read_text(encoding="utf-8"), pattern, edit) is not None]


def test_every_injection_applies_to_some_real_policy():
    assert {c.values[1] for c in CASES} == {category for category, _, _ in INJECTIONS}


@pytest.mark.parametrize("path,category,pattern,edit", CASES)
def test_material_edit_inside_a_real_policy_is_found(path, category, pattern, edit):
    text = path.read_text(encoding="utf-8")
    assert category in _material(path, text, _injected(text, pattern, edit))
