"""The JSON report: the public contract in DESIGN.md (other programs parse it)."""
from __future__ import annotations

from ..model import Comparison, Version, split_document


def _version_ref(v: Version) -> dict:
    return {"captured_at": v.captured_at, "sha256": v.sha256, "source": v.source, "url": v.url, "id": v.id}


def comparison_to_json(comparison: Comparison) -> dict:
    findings = comparison.material_findings + [f for f in comparison.findings if not f.material]
    company, document = split_document(comparison.company) if comparison.company else (None, None)
    return {
        "company": company,
        "document": document,
        "old": _version_ref(comparison.old),
        "new": _version_ref(comparison.new),
        "material": comparison.material,
        "summary": comparison.counts(),
        "sections": [
            {"status": c.status, "old_title": c.old_title, "new_title": c.new_title,
             "diff": [[op, text] for op, text in c.diff]}
            for c in comparison.changes if c.status != "unchanged"
        ],
        "findings": [f.to_json() for f in findings],
    }
