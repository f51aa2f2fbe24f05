"""Plain data passed between pipeline stages (see DESIGN.md's vocabulary).

The text stages (extract, sections, align, diff, classify) take and return these
dataclasses only, so they can be tested on strings and reused as a library.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

CATEGORIES = (
    "notice", "sharing", "sale", "transfer", "retention", "collection",
    "rights", "children", "disputes", "tracking", "security", "contact",
)
SEVERITIES = ("high", "medium", "low")
DIRECTIONS = ("weaker", "stronger", "neutral")
STATUSES = ("unchanged", "changed", "moved", "renamed", "added", "removed", "split", "merged")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


PRIVACY = "privacy"     # the document a company's own `url` names, and the one `acme` alone means


def document_key(company: str, doctype: str = PRIVACY) -> str:
    """The key a document's rows are stored under: the bare slug for the privacy policy (so a
    database from before documents existed is already right), `company/doctype` otherwise."""
    return company if doctype == PRIVACY else f"{company}/{doctype}"


def split_document(key: str) -> tuple[str, str]:
    """('acme', 'cookies') for 'acme/cookies'; ('acme', 'privacy') for 'acme' or 'acme/privacy'."""
    company, _, doctype = key.partition("/")
    return company, doctype or PRIVACY


def document_noun(key: str) -> tuple[str, str]:
    """(company, what a person calls the document): ('acme', 'privacy policy'), ('acme', 'cookies document')."""
    company, doctype = split_document(key)
    return company, "privacy policy" if doctype == PRIVACY else f"{doctype.replace('-', ' ')} document"


@dataclass(frozen=True)
class Section:
    """A heading and its body. The preamble before the first heading has title ''."""
    title: str
    body: str
    level: int = 1


@dataclass(frozen=True)
class Version:
    """Normalised policy text plus where and when it was captured."""
    text: str
    sha256: str = ""
    captured_at: str | None = None      # ISO 8601, UTC
    source: str = "file"                # live | wayback | file
    url: str | None = None
    company: str | None = None
    id: int | None = None               # row id once stored

    def __post_init__(self):
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_text(self.text))


Diff = tuple[tuple[str, str], ...]       # ("=" | "-" | "+", text)


@dataclass(frozen=True)
class Change:
    """One aligned pair of sections (either side may be several for split/merged)."""
    status: str
    old: tuple[Section, ...] = ()
    new: tuple[Section, ...] = ()
    diff: Diff = ()

    @property
    def old_title(self) -> str | None:
        return self.old[0].title if self.old else None

    @property
    def new_title(self) -> str | None:
        return self.new[0].title if self.new else None

    @property
    def title(self) -> str:
        return self.new_title if self.new_title is not None else (self.old_title or "")

    @property
    def old_text(self) -> str:
        return "\n\n".join(s.body for s in self.old)

    @property
    def new_text(self) -> str:
        return "\n\n".join(s.body for s in self.new)

    @property
    def has_word_changes(self) -> bool:
        return any(op != "=" for op, _ in self.diff)


@dataclass(frozen=True)
class Finding:
    """A classified change: what category, whether it matters, and the evidence."""
    category: str
    material: bool
    severity: str           # high | medium | low
    direction: str          # weaker | stronger | neutral
    summary: str
    section: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    evidence_old: str | None = None
    evidence_new: str | None = None
    rule: str | None = None  # which stage spoke: a lexicon rule id, or "edit.<category>"
    added_words: tuple[str, ...] = ()    # edit stage: words the new text brought in
    removed_words: tuple[str, ...] = ()  # ... and took out
    topic_words: tuple[str, ...] = ()    # ... and the words that confirmed the category

    def to_json(self) -> dict:
        out = {
            "category": self.category, "material": self.material,
            "severity": self.severity, "direction": self.direction,
            "summary": self.summary, "old_value": self.old_value,
            "new_value": self.new_value, "section": self.section,
            "evidence": {"old": self.evidence_old, "new": self.evidence_new},
            "rule": self.rule,
        }
        if self.added_words or self.removed_words or self.topic_words:
            out["words"] = {"added": list(self.added_words), "removed": list(self.removed_words),
                            "topic": list(self.topic_words)}
        return out


SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Comparison:
    """Two versions of one company with their changes and findings."""
    old: Version
    new: Version
    changes: tuple[Change, ...]
    findings: tuple[Finding, ...] = ()
    company: str | None = None          # the document's key: 'acme' (its privacy policy) or 'acme/cookies'

    @property
    def material(self) -> bool:
        return any(f.material for f in self.findings)

    @property
    def material_findings(self) -> list[Finding]:
        """Material findings first, highest severity first."""
        return sorted((f for f in self.findings if f.material),
                      key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.category))

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for c in self.changes:
            out[c.status] += 1
        return out


@dataclass(frozen=True)
class Snapshot:
    """Raw bytes exactly as fetched or archived; the file lives content-addressed under snapshots/."""
    company: str
    source: str                         # live | wayback | file
    url: str | None
    captured_at: str                    # ISO 8601, UTC
    sha256: str
    size: int
    path: str                           # relative to the snapshots directory
    content_type: str | None = None
    http_status: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    id: int | None = None
