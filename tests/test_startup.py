"""The instant commands load only what they need (issue 13): checked by the modules a real
command leaves in sys.modules, in a process of its own. No timing here: benchmarks/bench_startup.py
measures the time."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import policymon

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
HTML_STACK = {"bs4", "lxml", "markdownify", "soupsieve", "charset_normalizer"}
NEVER_INSTANT = HTML_STACK | {"apscheduler", "sqlite_utils", "numpy", "requests", "urllib3", "pypdf", "starlette", "uvicorn",
                              "prometheus_client"}

RUN_AND_LIST = """
import json, sys
from monitor.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
sys.exit(code)
"""


def loaded(*args, cwd: Path | None = None) -> set[str]:
    """The top-level modules a real `policymon ARGS` process had loaded when it finished."""
    proc = subprocess.run([sys.executable, "-c", RUN_AND_LIST, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=120, env=os.environ)
    assert proc.returncode in (0, 1), proc.stderr
    return set(json.loads(proc.stderr.rsplit("MODULES ", 1)[1]))


def test_comparing_text_files_loads_no_html_reader_scheduler_store_or_http():
    pair = DEV / "d09-xmatters-new-ad-sharing"
    modules = loaded("compare", pair / "old.txt", pair / "new.txt", "--format", "json")
    assert "monitor" in modules
    assert not modules & NEVER_INSTANT, modules & NEVER_INSTANT


def test_comparing_markdown_files_loads_no_html_reader(tmp_path):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("# Privacy\n\nWe do not sell personal information.\n")
    new.write_text("# Privacy\n\nWe may sell personal information.\n")
    assert not loaded("compare", old, new) & NEVER_INSTANT


def test_comparing_html_files_loads_lxml_alone(tmp_path):
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("<html><body><h1>Privacy</h1><p>We do not sell personal information.</p></body></html>")
    new.write_text("<html><body><h1>Privacy</h1><p>We may sell personal information.</p></body></html>")
    modules = loaded("compare", old, new)
    assert "lxml" in modules and not {"bs4", "markdownify", "soupsieve"} & modules


def test_a_page_lxml_alone_cannot_read_loads_the_soup_reader(tmp_path):
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("<html><body><h1>Privacy</h1><pre>We do not sell personal information.</pre></body></html>")
    new.write_text("<html><body><h1>Privacy</h1><pre>We may sell personal information.</pre></body></html>")
    assert {"bs4", "markdownify"} <= loaded("compare", old, new)


@pytest.fixture
def seeded(tmp_path):
    """A config with the bundled companies, its store already holding their history."""
    config = tmp_path / "config.toml"
    assert policymon("init", config, "--data-dir", tmp_path / "data").code == 0
    assert policymon("diff", "reddit", config=config).code == 0
    return config


@pytest.mark.parametrize("command", [["diff", "reddit"], ["history", "reddit"], ["status"], ["alerts"],
                                     ["diff", "reddit", "--format", "json"], ["history", "reddit", "--format", "json"]])
def test_reading_commands_load_no_scheduler_sqlite_utils_html_reader_or_http(seeded, command):
    modules = loaded("--config", seeded, *command)
    assert not modules & NEVER_INSTANT, modules & NEVER_INSTANT


def test_status_and_alerts_do_not_load_the_classifier(seeded):
    for command in (["status"], ["alerts"]):
        assert "monitor.classify" not in {m for m in loaded_full("--config", seeded, *command)}


def loaded_full(*args) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", RUN_AND_LIST.replace('m.split(".")[0]', "m"), *map(str, args)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, env=os.environ)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stderr.rsplit("MODULES ", 1)[1]))


def test_version_is_printed_on_stdout():
    result = policymon("--version")
    assert result.code == 0 and result.out.startswith("policymon ") and not result.err
