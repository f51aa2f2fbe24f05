"""The classifier on 120 pairs three examiners wrote blind to its rules, 40 each
(tests/data/examiner-pairs*/README.md). The figures are floors: a change that lowers them fails
the build. The holdout halves, and the whole third batch, were never read while the classifier
was changed."""
from pathlib import Path

import pytest

from monitor.evaluate import evaluate, format_eval

DATA = Path(__file__).parent / "data"
FLOORS = {   # precision, recall, f1, case accuracy, as last measured (see the READMEs there)
    ("examiner-pairs", "tune"): (0.94, 0.97, 0.96, 1.00),
    ("examiner-pairs", "holdout"): (0.73, 0.67, 0.70, 0.90),
    ("examiner-pairs-2", "tune"): (0.97, 0.94, 0.95, 0.95),
    ("examiner-pairs-2", "holdout"): (0.85, 0.76, 0.81, 0.90),
}


@pytest.mark.parametrize("batch,half", sorted(FLOORS), ids="/".join)
def test_scores_stay_above_their_floor(batch, half):
    r = evaluate(DATA / batch / half)
    precision, recall, f1, accuracy = FLOORS[(batch, half)]
    assert len(r.cases) == 20
    assert (r.precision >= precision and r.recall >= recall and r.f1 >= f1
            and r.case_accuracy >= accuracy), format_eval(r)

PURE_HOLDOUT = (0.86, 0.90, 0.88, 0.95)     # examiner-pairs-3, scored once on arrival


def test_the_third_batch_stays_above_its_floor():
    r = evaluate(DATA / "examiner-pairs-3")
    precision, recall, f1, accuracy = PURE_HOLDOUT
    assert len(r.cases) == 40
    assert (r.precision >= precision and r.recall >= recall and r.f1 >= f1
            and r.case_accuracy >= accuracy), format_eval(r).splitlines()[-1]


@pytest.mark.parametrize("batch", sorted({b for b, _ in FLOORS}))
def test_the_halves_are_split_by_number_alone(batch):
    for half, parity in (("tune", 1), ("holdout", 0)):
        assert {int(p.name[1:3]) % 2 for p in (DATA / batch / half).iterdir() if p.is_dir()} == {parity}
