"""Compare two versions: sections → alignment (with word diffs) → findings.

Pure: strings in, a Comparison out; no HTTP, SQLite or terminal here.
"""
from __future__ import annotations

from .align import align_sections
from .classify import classify
from .model import Comparison, Version
from .sections import split_sections


def compare_versions(old: Version, new: Version, company: str | None = None) -> Comparison:
    changes = tuple(align_sections(split_sections(old.text), split_sections(new.text)))
    findings = tuple(classify(changes, old, new))
    return Comparison(old=old, new=new, changes=changes, findings=findings,
                      company=company or new.company or old.company)
