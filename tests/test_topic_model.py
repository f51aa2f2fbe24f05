"""The edit stage's topic model: the shipped weights load and predict, and a retrain from the same
corpus gives the same model, byte for byte (tools/train_topic.py)."""
import hashlib
import importlib.util
import json
from pathlib import Path

from monitor.classify.edits.topic import load_model, topic_model, topics

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "ota-pairs"


def _trainer():
    spec = importlib.util.spec_from_file_location("train_topic", ROOT / "tools" / "train_topic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_model_knows_every_category_and_the_other_class():
    model = topic_model()
    assert set(model.classes) == set(topics().categories)
    assert abs(sum(model.probabilities("We keep your data for two years.").values()) - 1) < 1e-9


def test_the_model_says_what_a_plain_sentence_is_about():
    probs = topic_model().probabilities("Any dispute shall be resolved by binding arbitration in Delaware.")
    assert max(probs, key=probs.get) == "disputes"


def test_specific_words_are_rarer_than_generic_ones():
    model = topic_model()
    assert model.idf("biometr") > model.idf("data") and model.idf("unheardofword") == model.default_idf


def _corpus(folder: Path) -> Path:
    """A small export in Open Terms Archive's layout, from the repository's own labelled pairs."""
    versions = []
    for i, pair in enumerate(sorted((ROOT / "tests" / "data" / "pairs").glob("x*"))[:24]):
        name = f"repo/{pair.name}/2024-01-01-{i:010d}.md"
        (folder / name).parent.mkdir(parents=True)
        body = next(pair.glob("old.*")).read_bytes()
        (folder / name).write_bytes(body)
        versions.append({"file": name, "service": pair.name, "repo": "test/repo", "path": f"{pair.name}/Privacy.md",
                         "commit": f"{i:040d}", "date": "2024-01-01T00:00:00+00:00",
                         "sha256": hashlib.sha256(body).hexdigest()})
    (folder / "manifest.json").write_text(json.dumps({"heads": {}, "versions": versions}))
    return folder


def test_a_retrain_from_the_same_corpus_gives_the_same_model(tmp_path):
    trainer = _trainer()
    corpus = _corpus(tmp_path / "corpus")
    first, second = tmp_path / "first", tmp_path / "second"
    trainer.train(corpus, PAIRS, first, folds=2)
    trainer.train(corpus, PAIRS, second, folds=2)
    for name in ("topic.json", "features.txt", "weights.bin"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    model = load_model(first)
    assert model.meta["training"]["versions"] == 24 and "collection" in model.classes


def test_training_leaves_out_the_validation_documents(tmp_path):
    trainer = _trainer()
    left_out = trainer.validation_documents(PAIRS)
    assert len(left_out) >= 100
    manifest = {"versions": [{"repo": r, "path": p, "service": "x", "file": "f"} for r, p in sorted(left_out)[:3]]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert trainer.training_versions(tmp_path, left_out) == []


def test_a_category_the_model_finds_unlikely_is_not_given_even_with_a_cue_word():
    from monitor.classify.edits.topic import topic
    text = "Any dispute shall be resolved by binding arbitration, and our servers are in Ireland."
    assert topic(text, "", frozenset({"transfer"})) is None          # "servers", "ireland" are transfer cues
    assert topic(text, "", frozenset({"disputes", "transfer"})).category == "disputes"
