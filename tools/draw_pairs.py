"""Draw the validation pairs from Open Terms Archive histories by a fixed, seeded rule.

Run once to build tests/data/ota-pairs/ (the labels are added afterwards, blind):

    python tools/draw_pairs.py CORPUS_POLICIES_DIR tests/data/ota-pairs

CORPUS_POLICIES_DIR holds REPO/SERVICE/DATE-COMMIT.md files and a manifest.json listing each
with its source repository, path, commit, date and sha256 (the layout of Open Terms Archive
exports). The rule never looks at the texts: documents with at least two versions are sorted
by (repository, path); documents of services already used by other evaluation sets are left
out; a seeded generator picks COUNT documents, one consecutive pair in each, and splits them
into a `tune` half (may be studied and tuned on) and a `holdout` half (never tuned on).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections import defaultdict
from pathlib import Path

SEED = "policymon-validation-2026-12"
COUNT = 120
# Services whose pairs are already in the repo's real-dev set or bundled history.
EXCLUDED_SERVICES = {"Aetna", "Amazon Advertising", "GitHub", "Logitech", "Reddit", "Waze"}


def documents(manifest: dict) -> dict[tuple[str, str], list[dict]]:
    docs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for v in manifest["versions"]:
        docs[(v["repo"], v["path"])].append(v)
    for versions in docs.values():
        versions.sort(key=lambda v: (v["date"], v["file"]))
    return docs


def draw(manifest: dict, count: int = COUNT, seed: str = SEED) -> list[tuple[str, dict, dict]]:
    """(split, old, new) for each drawn pair, in a seeded order."""
    docs = documents(manifest)
    eligible = sorted(k for k, v in docs.items() if len(v) >= 2 and v[0]["service"] not in EXCLUDED_SERVICES)
    rng = random.Random(seed)
    chosen = rng.sample(eligible, count)
    out = []
    for i, key in enumerate(chosen):
        versions = docs[key]
        j = rng.randrange(len(versions) - 1)
        out.append(("tune" if i % 2 == 0 else "holdout", versions[j], versions[j + 1]))
    return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="folder with manifest.json and REPO/SERVICE/*.md")
    ap.add_argument("out", type=Path, help="where to write tune/ and holdout/")
    args = ap.parse_args()
    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    for n, (split, old, new) in enumerate(draw(manifest), start=1):
        folder = args.out / split / f"{n:03d}-{slug(old['service'])}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.corpus / old["file"], folder / "old.md")
        shutil.copyfile(args.corpus / new["file"], folder / "new.md")
        meta = {"service": old["service"], "repo": old["repo"], "path": old["path"],
                "old_commit": old["commit"], "new_commit": new["commit"],
                "old_date": old["date"], "new_date": new["date"],
                "old_sha256": old["sha256"], "new_sha256": new["sha256"]}
        (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {n} pairs under {args.out}")


if __name__ == "__main__":
    main()
