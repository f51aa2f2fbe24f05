"""The classifier scored on labelled pairs: the dev and real-dev corpus and our own pairs written in other
companies' wording (tests/data/pairs), so rules are held to generalise beyond the corpus."""
from pathlib import Path

from monitor.evaluate import evaluate, format_eval

PAIRS = Path(__file__).parent / "data" / "pairs"


def test_own_pairs_score_high_f1_and_case_accuracy():
    r = evaluate(PAIRS)
    assert len(r.cases) >= 80
    assert r.f1 >= 0.9 and r.case_accuracy >= 0.9, format_eval(r)


def test_own_editorial_pairs_have_no_material_finding():
    editorial = [c for c in evaluate(PAIRS).cases if not c.expected_material]
    assert len(editorial) >= 15
    assert [c.name for c in editorial if c.predicted] == []


def test_dev_corpus_is_classified_perfectly(corpus):
    r = evaluate(corpus / "dev")
    assert (r.precision, r.recall, r.case_accuracy) == (1.0, 1.0, 1.0), format_eval(r)


def test_real_dev_corpus_verdicts_are_all_right(corpus):
    r = evaluate(corpus / "real-dev")
    assert r.case_accuracy == 1.0 and r.f1 >= 0.8, format_eval(r)
