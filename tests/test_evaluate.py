"""Scoring the classifier on labelled folders (`policymon eval`)."""
import json

import pytest

from monitor.cli import main
from monitor.errors import InputError
from monitor.evaluate import evaluate, format_eval

SALE_OLD = "Sharing\nWe do not sell your personal information.\n"
SALE_NEW = "Sharing\nWe may sell your personal information.\n"


def _pair(root, name, old, new, labels, kind="expected.json", ext="txt"):
    d = root / name
    d.mkdir()
    (d / f"old.{ext}").write_text(old)
    (d / f"new.{ext}").write_text(new)
    (d / kind).write_text(json.dumps(labels))
    return d


def test_perfect_scores_on_a_right_material_and_a_right_editorial_pair(tmp_path):
    _pair(tmp_path, "a-sale", SALE_OLD, SALE_NEW, {"material": True, "expect": [{"category": "sale"}]})
    _pair(tmp_path, "b-same", SALE_OLD, SALE_OLD, {"material": False, "expect": []})
    r = evaluate(tmp_path)
    assert (r.precision, r.recall, r.f1, r.case_accuracy, r.misses) == (1.0, 1.0, 1.0, 1.0, [])


def test_missed_category_lowers_recall_and_is_listed(tmp_path):
    _pair(tmp_path, "a-sale", SALE_OLD, SALE_NEW,
          {"material": True, "expect": [{"category": "sale"}, {"category": "retention"}]})
    r = evaluate(tmp_path)
    assert (r.tp, r.fn, r.recall) == (1, 1, 0.5)
    assert "a-sale" in format_eval(r) and "missed retention" in format_eval(r)


def test_material_finding_on_an_editorial_pair_is_a_false_positive_and_a_wrong_verdict(tmp_path):
    _pair(tmp_path, "a-labelled-editorial", SALE_OLD, SALE_NEW, {"material": False, "expect": []})
    r = evaluate(tmp_path)
    assert (r.fp, r.precision, r.case_accuracy) == (1, 0.0, 0.0)
    assert "material verdict wrong" in format_eval(r)


def test_labels_json_with_also_acceptable_category_is_no_false_positive(tmp_path):
    _pair(tmp_path, "a", SALE_OLD, SALE_NEW,
          {"material": True, "findings": [{"category": "sharing"}], "required": [], "also_acceptable": ["sale"]},
          kind="labels.json", ext="md")
    r = evaluate(tmp_path)
    assert (r.tp, r.fp, r.fn) == (0, 0, 0)


def test_verdict_either_pair_never_has_a_wrong_verdict(tmp_path):
    _pair(tmp_path, "a", SALE_OLD, SALE_OLD,
          {"material": True, "findings": [], "required": [], "verdict_either": True}, kind="labels.json")
    assert evaluate(tmp_path).case_accuracy == 1.0


def test_labels_json_findings_count_only_when_material(tmp_path):
    _pair(tmp_path, "a", SALE_OLD, SALE_OLD,
          {"material": False, "findings": [{"category": "contact"}]}, kind="labels.json")
    r = evaluate(tmp_path)
    assert (r.fn, r.case_accuracy) == (0, 1.0)


def test_meta_dates_become_capture_dates(tmp_path):
    old = "Transfers\nWe rely on Standard Contractual Clauses.\n"
    new = "Transfers\nWe rely on Standard Contractual Clauses and comply with the EU-U.S. Privacy Shield.\n"
    d = _pair(tmp_path, "a", old, new, {"material": True, "expect": [{"category": "transfer"}]})
    (d / "meta.json").write_text(json.dumps({"old_date": "2021-01-01T00:00:00+00:00", "new_date": "2021-02-01T00:00:00+00:00"}))
    [case] = evaluate(tmp_path).cases
    assert any(f.rule == "transfer.out-of-date" for f in case.findings)


def test_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        evaluate(tmp_path / "nope")


def test_folder_without_labelled_pairs_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no labelled pairs"):
        evaluate(tmp_path)


def test_bad_labels_json_is_an_input_error(tmp_path):
    d = _pair(tmp_path, "a", SALE_OLD, SALE_NEW, {})
    (d / "expected.json").write_text("{not json")
    with pytest.raises(InputError, match="fix the JSON"):
        evaluate(tmp_path)


def test_pair_without_new_file_is_an_input_error(tmp_path):
    d = _pair(tmp_path, "a", SALE_OLD, SALE_NEW, {"material": False, "expect": []})
    (d / "new.txt").unlink()
    with pytest.raises(InputError, match="no new"):
        evaluate(tmp_path)


def test_eval_command_prints_the_scores(tmp_path, capsys):
    _pair(tmp_path, "a-sale", SALE_OLD, SALE_NEW, {"material": True, "expect": [{"category": "sale"}]})
    assert main(["eval", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "precision=1.00 recall=1.00 f1=1.00 case_accuracy=1.00" in out


def test_eval_command_reports_a_bad_folder_in_one_line(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("policymon: corpus folder") and "\n" not in err
