"""Train the edit stage's topic model on real privacy policies (distant supervision).

    pip install -e '.[train]'
    python tools/train_topic.py CORPUS_POLICIES_DIR [--out monitor/classify/edits/model]

CORPUS_POLICIES_DIR is an Open Terms Archive export: REPO/SERVICE/DATE-COMMIT.md files and a
manifest.json listing each with its repository, path, commit, date and sha256 (the texts come
from OpenTermsArchive/contrib-versions, pga-versions, dating-versions, demo-versions,
genai-contrib-versions and genai-eu-versions; ODC-By 1.0). tools/topic-sources.json lists the
exact files a model was trained on, so the same texts can be fetched again by commit.

Labels come from the policies themselves: the section heading a sentence sits under (and, for
a few unmistakable phrases, the sentence itself) names its category, by the tables in
monitor/classify/edits/topics.toml. Documents of the validation pairs (tests/data/ota-pairs)
and of the services used by other evaluation sets are left out, so the model never sees a
text it is scored on. The same corpus gives the same model, byte for byte: inputs are sorted,
sentences deduplicated, and the solver is deterministic.
"""
from __future__ import annotations

import argparse
import json
import sys
from array import array
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.classify.edits.topic import OTHER, features, topics  # noqa: E402
from monitor.classify.text import paragraphs, split_sentences  # noqa: E402
from monitor.errors import InputError  # noqa: E402
from monitor.extract import extract  # noqa: E402
from monitor.sections import split_sections  # noqa: E402
from tools.draw_pairs import EXCLUDED_SERVICES  # noqa: E402

C = 4.0                 # inverse regularisation strength, chosen by grouped cross-validation
MIN_DF = 2              # a feature must occur in this many training sentences
MIN_TERMS = 3           # shorter sentences carry too little to learn from
KEEP = 0.02             # features whose weights all stay under this (after scaling) are dropped
QUANT = 32767


def validation_documents(pairs_dir: Path) -> set[tuple[str, str]]:
    out = set()
    for meta in pairs_dir.glob("*/*/meta.json"):
        m = json.loads(meta.read_text(encoding="utf-8"))
        out.add((m["repo"], m["path"]))
    return out


def training_versions(corpus: Path, excluded_docs: set[tuple[str, str]]) -> list[dict]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return sorted((v for v in manifest["versions"]
                   if (v["repo"], v["path"]) not in excluded_docs and v["service"] not in EXCLUDED_SERVICES),
                  key=lambda v: v["file"])


def labelled_sentences(text: str) -> list[tuple[str, str | None, str]]:
    """(sentence, category or None, document-free heading path) for each sentence of a version."""
    table = topics()
    out = []
    stack: list[tuple[int, str]] = []
    for section in split_sections(text):
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        if section.title:
            stack.append((section.level, section.title))
        heading_label = None
        for _, title in reversed(stack):
            found = table.heading_categories(title)
            if found:
                heading_label = found[0]
                break
        for _, para in paragraphs(section.body):
            for sentence in split_sentences(para):
                cues = [c for c in table.sentence_categories(sentence) if c != OTHER]
                if len(cues) == 1:
                    label = cues[0]
                elif heading_label in cues:
                    label = heading_label
                elif cues:
                    label = None            # several unmistakable topics: leave it out
                else:
                    label = heading_label
                out.append((sentence, label, " / ".join(t for _, t in stack)))
    return out


def corpus_sentences(corpus: Path, versions: list[dict]) -> tuple[list[str], list[str | None], list[str]]:
    """Deduplicated sentences with their label and the document they first came from."""
    seen: set[str] = set()
    texts, labels, groups = [], [], []
    for v in versions:
        try:
            text = extract((corpus / v["file"]).read_bytes(), filename=v["file"])
        except InputError:                  # an empty or broken capture teaches nothing
            continue
        for sentence, label, _ in labelled_sentences(text):
            key = " ".join(sentence.lower().split())
            if key in seen or len(features(sentence)) < MIN_TERMS * 2 - 1:
                continue
            seen.add(key)
            texts.append(sentence)
            labels.append(label)
            groups.append(f"{v['repo']}/{v['path']}")
    return texts, labels, groups


def train(corpus: Path, pairs_dir: Path, out: Path, folds: int = 4) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GroupKFold

    versions = training_versions(corpus, validation_documents(pairs_dir))
    texts, labels, groups = corpus_sentences(corpus, versions)
    vectorizer = TfidfVectorizer(analyzer=features, min_df=MIN_DF, sublinear_tf=True, norm="l2", dtype="float64")
    x_all = vectorizer.fit_transform(texts)
    rows = [i for i, label in enumerate(labels) if label is not None]
    x, y = x_all[rows], [labels[i] for i in rows]
    g = [groups[i] for i in rows]

    def model():
        return LogisticRegression(C=C, max_iter=2000, class_weight="balanced", solver="lbfgs")

    truth, guess = [], []
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(x, y, g):
        fitted = model().fit(x[train_idx], [y[i] for i in train_idx])
        truth += [y[i] for i in test_idx]
        guess += list(fitted.predict(x[test_idx]))
    cv = {"folds": folds, "grouped_by": "document", "accuracy": round(accuracy_score(truth, guess), 4),
          "macro_f1": round(f1_score(truth, guess, average="macro"), 4)}

    fitted = model().fit(x, y)
    classes = list(fitted.classes_)
    coef = fitted.coef_.T                           # features x classes
    names = vectorizer.get_feature_names_out()
    idf = vectorizer.idf_
    scale = [max(abs(coef[:, c]).max(), 1e-9) / QUANT for c in range(len(classes))]
    idf_scale = float(idf.max()) / QUANT
    keep = [i for i in range(len(names))
            if " " not in names[i] or max(abs(coef[i, c]) / (scale[c] * QUANT) for c in range(len(classes))) >= KEEP]
    weights = array("h")
    for i in keep:
        weights.append(round(idf[i] / idf_scale))
        weights.extend(round(coef[i, c] / scale[c]) for c in range(len(classes)))
    if sys.byteorder != "little":
        weights.byteswap()

    meta = {
        "classes": classes,
        "intercept": [round(float(b), 6) for b in fitted.intercept_],
        "scale": [float(s) for s in scale],
        "idf_scale": idf_scale,
        "default_idf": round(float(idf.max()), 6),
        "features": len(keep),
        "training": {"versions": len(versions), "documents": len(set(groups)), "sentences": len(texts),
                     "labelled": len(y), "labels": dict(sorted(Counter(y).items())), "C": C, "min_df": MIN_DF},
        "cross_validation": cv,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "topic.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    (out / "features.txt").write_text("\n".join(names[i] for i in keep), encoding="utf-8")
    (out / "weights.bin").write_bytes(weights.tobytes())
    return {"meta": meta, "versions": versions}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="Open Terms Archive export: manifest.json and REPO/SERVICE/*.md")
    ap.add_argument("--out", type=Path, default=ROOT / "monitor" / "classify" / "edits" / "model")
    ap.add_argument("--pairs", type=Path, default=ROOT / "tests" / "data" / "ota-pairs",
                    help="validation pairs whose documents are left out of training")
    ap.add_argument("--sources", type=Path, default=ROOT / "tools" / "topic-sources.json",
                    help="where to write the list of training texts")
    args = ap.parse_args()
    result = train(args.corpus, args.pairs, args.out)
    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    sources = {"heads": manifest.get("heads", {}),
               "versions": [{k: v[k] for k in ("repo", "path", "commit", "date", "sha256")} for v in result["versions"]]}
    args.sources.write_text(json.dumps(sources, indent=1) + "\n", encoding="utf-8")
    meta = result["meta"]
    print(json.dumps({k: meta[k] for k in ("features", "training", "cross_validation")}, indent=1))


if __name__ == "__main__":
    main()
