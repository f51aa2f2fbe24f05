"""The command line as DESIGN.md fixes it: compare, import, diff, history, and one-line errors."""
import json
from pathlib import Path

import pytest

from cli import assert_one_line_error, policymon
from sites import write_config

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"


@pytest.fixture
def config(tmp_path) -> Path:
    return write_config(tmp_path, companies={"acme": "https://acme.example/privacy"})


@pytest.fixture
def bundled_config(tmp_path) -> Path:
    """A company with a bundled history, in a database and snapshots folder of the test's own."""
    return write_config(tmp_path, companies={"reddit": "https://www.reddit.com/policies/privacy-policy"})


def test_compare_json_follows_the_design_contract():
    pair = DEV / "d06-webengage-notice-shortened"
    result = policymon("compare", pair / "old.txt", pair / "new.txt", "--format", "json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert {"company", "old", "new", "material", "sections", "findings"} <= set(report)
    assert set(report["old"]) >= {"captured_at", "sha256"}
    assert report["sections"], "a changed pair has changed sections"
    for section in report["sections"]:
        assert section["status"] in {"changed", "moved", "renamed", "added", "removed", "split", "merged"}
        assert all(op in ("=", "-", "+") for op, _ in section["diff"])
    for finding in report["findings"]:
        assert {"category", "material", "severity", "direction", "summary", "old_value", "new_value",
                "section", "evidence"} <= set(finding)


def test_compare_identical_files_reports_no_change():
    pair = DEV / "d20-webengage-identical"
    report = json.loads(policymon("compare", pair / "old.txt", pair / "new.txt", "--format", "json").out)
    assert report["material"] is False and report["sections"] == [] and report["findings"] == []


def test_text_output_is_plain_when_piped():
    pair = DEV / "d12-xmedius-retention-longer"
    result = policymon("compare", pair / "old.txt", pair / "new.txt")
    assert result.code == 0, result.err
    assert "\x1b[" not in result.out
    assert "3 years" in result.out


def test_compare_missing_file(tmp_path):
    assert_one_line_error(policymon("compare", tmp_path / "nope.txt", DEV / "d20-webengage-identical/new.txt"),
                          "nope.txt", "not found")


@pytest.mark.parametrize("content,word", [(b"", "empty"), (b"\x00\x01\x02\xff" * 500, "binary")])
def test_compare_refuses_empty_or_binary_input_naming_the_file(tmp_path, content, word):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(content)
    assert_one_line_error(policymon("compare", DEV / "d20-webengage-identical/new.txt", bad), word, str(bad))


def test_import_refuses_a_binary_file_naming_it(config, tmp_path):
    bad = tmp_path / "scan.bin"
    bad.write_bytes(b"\x00\x01\x02\xff" * 500)
    assert_one_line_error(policymon("import", "acme", bad, config=config), str(bad), "binary")


def test_compare_reports_name_the_two_files():
    pair = DEV / "d06-webengage-notice-shortened"
    old, new = pair / "old.txt", pair / "new.txt"
    html = policymon("compare", old, new, "--format", "html").out
    assert "<title>policy: policy changes old.txt → new.txt</title>" in html
    assert "old · old.txt" in html and "new · new.txt" in html and "old · old<" not in html
    text = policymon("compare", old, new).out
    assert text.startswith("old.txt → new.txt:") and f"old: file, {old}" in text and f"new: file, {new}" in text
    report = json.loads(policymon("compare", old, new, "--format", "json").out)
    assert (report["old"]["url"], report["new"]["url"]) == (str(old), str(new))
    markdown = policymon("compare", old, new, "--format", "markdown").out
    assert f"- Old: undated, file, `{old}`" in markdown and "**old.txt** → **new.txt**" in markdown


def test_version_is_printed():
    result = policymon("--version")
    assert result.code == 0 and result.out.strip() == "policymon 0.1.0"


@pytest.mark.parametrize("args", [("compare",), ("nosuch",), ("diff", "acme", "--from")])
def test_usage_errors_exit_2(args):
    assert policymon(*args).code == 2


def test_an_internal_error_exits_3_in_one_line(monkeypatch, capsys):
    """A bug (here a command that raises something unexpected) is exit 3, never a usage error's 2."""
    import monitor.cli

    def broken(args):
        raise RuntimeError("boom")
    monkeypatch.setattr(monitor.cli, "cmd_compare", broken)
    assert monitor.cli.main(["compare", "a", "b"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: boom" in err and "POLICYMON_DEBUG" in err


@pytest.mark.parametrize("pair,code", [("d06-webengage-notice-shortened", 1), ("d01-xmatters-reflow", 0),
                                       ("d20-webengage-identical", 0)])
def test_compare_exit_code_is_1_only_for_a_material_finding(pair, code):
    old, new = DEV / pair / "old.txt", DEV / pair / "new.txt"
    assert policymon("compare", old, new, "--exit-code").code == code
    assert policymon("compare", old, new).code == 0


def test_diff_exit_code_is_1_for_the_bundled_material_change(bundled_config):
    result = policymon("diff", "reddit", "--exit-code", "--format", "json", config=bundled_config)
    assert result.code == 1 and json.loads(result.out)["material"] is True


def test_eval_exits_1_below_min_f1():
    good = policymon("eval", DEV, "--min-f1", "0.9")
    assert good.code == 0 and "f1=1.00" in good.out
    low = policymon("eval", DEV, "--min-f1", "1.01")
    assert low.code == 1 and "f1=1.00" in low.out
    assert low.err.strip() == "policymon: F1 1.00 is below --min-f1 1.01"


def test_every_argument_of_every_command_is_explained():
    from monitor.cli import build_parser
    parser = build_parser()
    commands = [(name, sub) for action in parser._subparsers._group_actions
                for name, sub in action.choices.items()]
    commands += [(f"config {name}", sub) for name, sub in dict(commands)["config"]._subparsers._group_actions[0]
                 .choices.items()]
    unexplained = [f"{name} {a.dest}" for name, sub in commands for a in sub._actions
                   if not a.help and a.dest not in ("help", "action")]
    assert unexplained == []
    assert "a version id or hash prefix" in " ".join(policymon("diff", "--help").out.split())


def test_malformed_config_names_the_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[storage]\ndatabase = "pm.db"\n[companies.acme\n')
    assert_one_line_error(policymon("history", "acme", config=path), "line 3")


def test_unknown_company(config):
    assert_one_line_error(policymon("diff", "nobody", config=config), "unknown company 'nobody'", "acme")


def test_import_then_diff_shows_what_changed(config):
    pair = DEV / "d12-xmedius-retention-longer"
    first = policymon("import", "acme", pair / "old.txt", "--at", "2024-01-01", config=config)
    assert first.code == 0, first.err
    assert_one_line_error(policymon("diff", "acme", config=config), "only one version")
    second = policymon("import", "acme", pair / "new.txt", "--at", "2024-06-01", config=config)
    assert second.code == 0 and "stored new version" in second.out
    report = json.loads(policymon("diff", "acme", "--format", "json", config=config).out)
    assert report["company"] == "acme"
    assert report["old"]["captured_at"].startswith("2024-01-01")
    assert report["new"]["captured_at"].startswith("2024-06-01")
    added = " ".join(text for s in report["sections"] for op, text in s["diff"] if op == "+")
    assert "3 years" in added


def test_importing_the_same_text_again_keeps_the_version(config):
    pair = DEV / "d01-xmatters-reflow"      # same words, different line wrapping and quotes
    policymon("import", "acme", pair / "old.txt", "--at", "2024-01-01", config=config)
    again = policymon("import", "acme", pair / "new.txt", "--at", "2024-02-01", config=config)
    assert again.code == 0 and "text unchanged" in again.out


def test_import_refuses_bad_input_without_storing(config, tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    assert_one_line_error(policymon("import", "acme", empty, config=config), "no text")
    assert not (tmp_path / "snaps").exists() or not any((tmp_path / "snaps").rglob("*")), \
        "a refused file must not leave a snapshot behind"


def test_diff_works_offline_on_the_bundled_history(bundled_config):
    result = policymon("diff", "reddit", "--format", "json", config=bundled_config)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    manifest = json.loads((ROOT / "monitor" / "bundled_history" / "bundled.json").read_text())
    dates = sorted(c["captured_at"] for c in manifest["captures"] if c["company"] == "reddit")
    assert [report["old"]["captured_at"], report["new"]["captured_at"]] == dates
    assert report["sections"]


def test_diff_between_dates(bundled_config):
    result = policymon("diff", "reddit", "--from", "2025-12-31", "--to", "latest", "--format", "json",
                       config=bundled_config)
    assert result.code == 0, result.err
    assert json.loads(result.out)["old"]["captured_at"].startswith("2025-10-03")


def test_bad_when_is_one_line(bundled_config):
    assert_one_line_error(policymon("diff", "reddit", "--from", "1999-01-01", config=bundled_config),
                          "no version")


def test_history_html_links_each_row_to_its_comparison_report(bundled_config, tmp_path):
    timeline = tmp_path / "out" / "reddit.html"
    timeline.parent.mkdir()
    result = policymon("history", "reddit", "--format", "html", "-o", timeline, config=bundled_config)
    assert result.code == 0, result.err
    reports = sorted(p.name for p in timeline.parent.glob("reddit-*.html"))
    assert len(reports) == 1, "two versions make one comparison report"
    assert f'href="{reports[0]}"' in timeline.read_text(encoding="utf-8")
    assert "<ins>" in (timeline.parent / reports[0]).read_text(encoding="utf-8")
    assert result.err.splitlines() == [f"wrote {timeline}", f"wrote 1 comparison report beside it: {reports[0]}"]
    again = policymon("history", "reddit", "--format", "html", "-o", timeline, config=bundled_config)
    assert again.err.splitlines()[1] == "wrote 0 comparison reports beside it; kept 1 already there"


def test_history_text_shows_the_ids_and_hashes_diff_accepts(bundled_config):
    import re
    out = policymon("history", "reddit", config=bundled_config).out
    rows = re.findall(r"^#(\d+)\s+([0-9a-f]{8})\s+(\d{4}-\d{2}-\d{2})", out, re.M)
    assert [date for _, _, date in rows] == ["2025-10-03", "2026-01-15"]
    (first_id, first_hash, _), (second_id, second_hash, _) = rows
    assert f"policymon diff reddit --from {first_id} --to {second_hash}" in out
    by_hash = json.loads(policymon("diff", "reddit", "--from", first_hash, "--to", second_id, "--format", "json",
                                   config=bundled_config).out)
    assert by_hash["old"]["sha256"].startswith(first_hash) and by_hash["new"]["id"] == int(second_id)


def test_history_text_lists_every_version_with_its_findings(bundled_config):
    result = policymon("history", "reddit", config=bundled_config)
    assert result.code == 0, result.err
    assert "2 versions" in result.out and "first version" in result.out
    assert "material finding" in result.out
