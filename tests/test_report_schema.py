"""docs/report.schema.json is a real contract: a valid schema, in step with the model and with
docs/json-report.md, strict enough to catch a broken report, and applied to every JSON report
the suite produces (tests/cli.py checks each `--format json` output of compare, diff, history)."""
import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from cli import policymon
from monitor.model import CATEGORIES, DIRECTIONS, SEVERITIES, STATUSES
from reportschema import SCHEMA, check_cli_output, valid_report

ROOT = Path(__file__).resolve().parent.parent
PAIR = ROOT / "tests" / "data" / "dev" / "d06-webengage-notice-shortened"


@pytest.fixture(scope="module")
def report() -> dict:
    result = policymon("compare", PAIR / "old.txt", PAIR / "new.txt", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_enumerations_are_the_models():
    finding = SCHEMA["$defs"]["finding"]["properties"]
    assert finding["category"]["enum"] == list(CATEGORIES)
    assert finding["severity"]["enum"] == list(SEVERITIES) and finding["direction"]["enum"] == list(DIRECTIONS)
    assert SCHEMA["properties"]["summary"]["required"] == list(STATUSES)


@pytest.mark.parametrize("breakage", [
    lambda r: r.pop("findings"),
    lambda r: r["findings"][0].update(category="privacy"),
    lambda r: r["findings"][0].update(material="yes"),
    lambda r: r["sections"][0]["diff"].append(["~", "x"]),
    lambda r: r["old"].update(sha256="not-a-hash"),
    lambda r: r.update(undocumented=1),
])
def test_a_broken_report_is_caught(report, breakage):
    broken = copy.deepcopy(report)
    breakage(broken)
    with pytest.raises(AssertionError, match="breaks docs/report.schema.json"):
        valid_report(broken)
    with pytest.raises(AssertionError, match="breaks docs/report.schema.json"):
        check_cli_output(["compare", "a", "b", "--format", "json"], 0, json.dumps(broken))


def test_every_field_of_the_schema_is_documented():
    doc = (ROOT / "docs" / "json-report.md").read_text(encoding="utf-8")
    names = set(SCHEMA["properties"])
    for name in ("version", "section", "finding"):
        names |= set(SCHEMA["$defs"][name]["properties"])
    names |= set(SCHEMA["$defs"]["history"]["properties"]["versions"]["items"]["properties"])
    undocumented = sorted(n for n in names if not re.search(rf"`{n}`", doc))
    assert undocumented == []


def test_history_json_follows_the_schema(tmp_path):
    from sites import write_config
    config = write_config(tmp_path, companies={"reddit": "https://www.reddit.com/policies/privacy-policy"})
    result = policymon("history", "reddit", "--format", "json", config=config)    # validated by cli.py
    assert result.code == 0 and len(json.loads(result.out)["versions"]) == 2
