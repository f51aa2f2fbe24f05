"""`--format json` is the contract in docs/json-report.md, printed readably with non-ASCII text kept."""
import json

from monitor.model import Finding
from monitor.report import render
from monitor.report.json import comparison_to_json
from reportcases import sample_comparison
from reportschema import valid_report


def test_json_output_is_the_contract_dict():
    comparison = sample_comparison()
    assert valid_report(json.loads(render(comparison, "json"))) == comparison_to_json(comparison)


def test_json_output_keeps_non_ascii_text_readable():
    summary = "Préavis réduit de 30 à 7 jours — “notice”"
    out = render(sample_comparison(findings=[Finding("notice", True, "high", "weaker", summary)]), "json")
    assert f'"summary": "{summary}"' in out
    valid_report(json.loads(out))
