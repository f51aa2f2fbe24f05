"""The README's first screen shows real output: it must stay what `policymon diff` prints."""
import re
from pathlib import Path

from cli import policymon
from sites import write_config

ROOT = Path(__file__).resolve().parent.parent


def test_readme_diff_output_is_what_policymon_prints(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ policymon (diff [^\n]+)\n(.*?)\n…\n```", readme, re.S)
    assert block, "README must open with a console block of `policymon diff`"
    command, shown = block.group(1).split(), block.group(2).splitlines()
    config = write_config(tmp_path, companies={"reddit": "https://www.reddit.com/policies/privacy-policy"})
    result = policymon(*command, config=config)
    assert result.code == 0, result.err
    assert result.out.splitlines()[:len(shown)] == shown


def test_readme_commands_match_ci():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"Run the tests.*?```sh\n(.+?)\n```", readme, re.S).group(1)
    assert test_command in ci.splitlines()
