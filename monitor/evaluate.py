"""Score the classifier on a folder of labelled version pairs (`policymon eval CORPUS_DIR`).

The folder holds one sub-folder per pair with old.* and new.* and either expected.json
({"material", "expect": [{"category", ...}]}) or labels.json ({"material", "findings":
[{"category"}]}, optionally "required" / "also_acceptable" / "verdict_either" where two
labellers differed); docs/eval-format.md documents the format. The predicted set is the
categories of material findings; precision, recall and F1 are micro-averaged over (pair,
category); case accuracy is the share of pairs whose material yes/no is right. A meta.json
with old_date/new_date gives the versions their capture dates, as stored history would.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .compare import compare_versions
from .errors import InputError
from .extract import extract
from .model import Finding, Version


@dataclass(frozen=True)
class CaseResult:
    name: str
    expected: frozenset[str]
    predicted: frozenset[str]
    expected_material: bool
    verdict_right: bool
    acceptable: frozenset[str] = frozenset()
    findings: tuple[Finding, ...] = ()

    @property
    def missed(self) -> frozenset[str]:
        return self.expected - self.predicted

    @property
    def extra(self) -> frozenset[str]:
        return self.predicted - self.expected - self.acceptable

    @property
    def ok(self) -> bool:
        return self.verdict_right and not self.missed and not self.extra


@dataclass(frozen=True)
class EvalResult:
    cases: tuple[CaseResult, ...]
    seconds: float = 0.0
    tp: int = field(init=False)
    fp: int = field(init=False)
    fn: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "tp", sum(len(c.predicted & c.expected) for c in self.cases))
        object.__setattr__(self, "fp", sum(len(c.extra) for c in self.cases))
        object.__setattr__(self, "fn", sum(len(c.missed) for c in self.cases))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def case_accuracy(self) -> float:
        return sum(c.verdict_right for c in self.cases) / len(self.cases) if self.cases else 1.0

    @property
    def misses(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.ok]


def evaluate(corpus_dir: Path) -> EvalResult:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise InputError(f"corpus folder {corpus_dir} not found; give a folder of labelled pairs "
                         "(each with old.*, new.* and expected.json or labels.json)")
    folders = sorted(p for p in corpus_dir.iterdir()
                     if (p / "expected.json").is_file() or (p / "labels.json").is_file())
    if not folders:
        raise InputError(f"{corpus_dir} holds no labelled pairs; each pair is a folder with old.*, new.* "
                         "and expected.json or labels.json")
    started = time.perf_counter()
    cases = tuple(_case(folder) for folder in folders)
    return EvalResult(cases, seconds=time.perf_counter() - started)


def _case(folder: Path) -> CaseResult:
    labels = _labels(folder)
    acceptable: frozenset[str] = frozenset()
    either = False
    if "expect" in labels:
        expected = frozenset(x["category"] for x in labels["expect"])
    elif "required" in labels:
        expected = frozenset(labels["required"])
        acceptable = frozenset(labels.get("also_acceptable", ()))
        either = bool(labels.get("verdict_either"))
    else:
        expected = frozenset(x["category"] for x in labels.get("findings", ()) if labels.get("material"))
    material = bool(labels.get("material"))
    dates = _dates(folder)
    comparison = compare_versions(_version(folder, "old", dates[0]), _version(folder, "new", dates[1]))
    predicted = frozenset(f.category for f in comparison.findings if f.material)
    return CaseResult(folder.name, expected, predicted, material,
                      verdict_right=either or bool(predicted) == material,
                      acceptable=acceptable, findings=comparison.findings)


def _labels(folder: Path) -> dict:
    path = folder / "expected.json" if (folder / "expected.json").is_file() else folder / "labels.json"
    try:
        labels = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"cannot read labels {path}: {e}; fix the JSON") from None
    if not isinstance(labels, dict) or "material" not in labels:
        raise InputError(f"labels {path} need an object with \"material\"; see docs/eval-format.md")
    return labels


def _dates(folder: Path) -> tuple[str | None, str | None]:
    meta = folder / "meta.json"
    if not meta.is_file():
        return None, None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"cannot read {meta}: {e}; fix the JSON or remove the file") from None
    return data.get("old_date"), data.get("new_date")


def _version(folder: Path, side: str, captured_at: str | None) -> Version:
    files = sorted(folder.glob(f"{side}.*"))
    if not files:
        raise InputError(f"pair {folder.name} has no {side}.* file; add {side}.txt, {side}.md or {side}.html")
    return Version(text=extract(files[0].read_bytes(), filename=str(files[0])), captured_at=captured_at,
                   source="file", url=files[0].name)


def format_eval(result: EvalResult) -> str:
    lines = []
    for c in result.misses:
        parts = []
        if c.missed:
            parts.append(f"missed {', '.join(sorted(c.missed))}")
        if c.extra:
            parts.append(f"extra {', '.join(sorted(c.extra))}")
        if not c.verdict_right:
            parts.append(f"material verdict wrong (expected {'material' if c.expected_material else 'editorial'})")
        lines.append(f"{c.name}: expected {', '.join(sorted(c.expected)) or '-'}; "
                     f"got {', '.join(sorted(c.predicted)) or '-'} — {'; '.join(parts)}")
    lines.append(f"cases={len(result.cases)} misses={len(result.misses)} seconds={result.seconds:.1f}")
    lines.append(f"precision={result.precision:.2f} recall={result.recall:.2f} f1={result.f1:.2f} "
                 f"case_accuracy={result.case_accuracy:.2f}")
    return "\n".join(lines)
