"""The JSON report contract (docs/report.schema.json), checked on every JSON report the suite
produces: tests/cli.py validates each `--format json` output of compare, diff and history, and
the report tests validate what they render in-process."""
import json
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "report.schema.json").read_text("utf-8"))
_COMPARISON = Draft202012Validator(SCHEMA)
_HISTORY = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/history"})
COMMANDS = {"compare": _COMPARISON, "diff": _COMPARISON, "history": _HISTORY}


def _check(validator: Draft202012Validator, doc) -> dict:
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "report breaks docs/report.schema.json: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors[:5])
    return doc


def valid_report(doc) -> dict:
    """`doc` (a comparison report, parsed) if it follows the schema; fails the test otherwise."""
    return _check(_COMPARISON, doc)


def valid_history(doc) -> dict:
    return _check(_HISTORY, doc)


def check_cli_output(args: list[str], code: int, out: str) -> None:
    """Validate `out` when `args` asked compare, diff or history for JSON and the command succeeded."""
    command = next((a for a in args if a in COMMANDS), None)
    fmt = args[args.index("--format") + 1] if "--format" in args[:-1] else None
    if command and fmt == "json" and code in (0, 1) and out:
        _check(COMMANDS[command], json.loads(out))
