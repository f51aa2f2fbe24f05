"""Merge two blind labellings of the validation pairs into the labels `policymon eval` scores.

    python tools/merge_labels.py LABELS_A LABELS_B tests/data/ota-pairs

LABELS_A and LABELS_B hold NNN.json files, one per pair, each written by a labeller who saw
only the two texts and docs/categories.md: {"material", "findings": [{"category",
"direction", "evidence_old", "evidence_new", "why"}], "notes"}. Each pair folder NNN-service
gets both files as labels-a.json and labels-b.json and the merge as labels.json: categories
both named are `required`, categories one named are `also_acceptable`, and a pair on whose
verdict they disagreed is `verdict_either` (its verdict is not scored). Prints the agreement.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def categories(label: dict) -> set[str]:
    return {f["category"] for f in label.get("findings", ())} if label.get("material") else set()


def merge(a: dict, b: dict) -> dict:
    ca, cb = categories(a), categories(b)
    return {
        "material": bool(a["material"] or b["material"]),
        "required": sorted(ca & cb),
        "also_acceptable": sorted(ca ^ cb),
        "verdict_either": bool(a["material"]) != bool(b["material"]),
        "findings": [dict(f, labeller=who) for who, lab in (("a", a), ("b", b)) for f in lab.get("findings", ())],
        "notes": {"a": a.get("notes", ""), "b": b.get("notes", "")},
    }


def kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    agree = sum(x == y for x, y in pairs) / n
    pa, pb = sum(x for x, _ in pairs) / n, sum(y for _, y in pairs) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return (agree - chance) / (1 - chance) if chance < 1 else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("pairs", type=Path)
    args = ap.parse_args()
    verdicts, both, either = [], 0, 0
    for folder in sorted(args.pairs.glob("*/*")):
        if not folder.is_dir():
            continue
        n = folder.name[:3]
        a = json.loads((args.a / f"{n}.json").read_text(encoding="utf-8"))
        b = json.loads((args.b / f"{n}.json").read_text(encoding="utf-8"))
        for name, label in (("labels-a.json", a), ("labels-b.json", b), ("labels.json", merge(a, b))):
            (folder / name).write_text(json.dumps(label, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        verdicts.append((bool(a["material"]), bool(b["material"])))
        both += len(categories(a) & categories(b))
        either += len(categories(a) | categories(b))
    agree = sum(x == y for x, y in verdicts)
    print(f"pairs={len(verdicts)} verdicts agree={agree} ({agree / len(verdicts):.2f}) kappa={kappa(verdicts):.2f} "
          f"material by a={sum(x for x, _ in verdicts)} by b={sum(y for _, y in verdicts)} "
          f"categories both/either={both}/{either} ({both / max(either, 1):.2f})")


if __name__ == "__main__":
    main()
