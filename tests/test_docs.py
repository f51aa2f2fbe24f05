"""The docs in the repository stay true to the code: every config key, every command and every
link they name exists, and nothing points outside the repository."""
import re
import subprocess
from pathlib import Path

import pytest

from monitor.cli import build_parser
from monitor.config import KEYS

ROOT = Path(__file__).resolve().parent.parent
DESIGN = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "tests" / "data" / "README.md",
         ROOT / "snapshots" / "README.md", ROOT / "monitor" / "bundled_history" / "README.md"]


def test_design_lists_every_config_key_under_its_table():
    bullets = {m.group(1): m.group(2) for m in re.finditer(r"^- `\[([a-z.A-Z]+)\]` (.+)$", DESIGN, re.M)}
    missing = [k.where() for k in KEYS
               if f"`{k.name}`" not in bullets.get(k.table.replace("documents.*", "documents.TYPE")
                                                   .replace("companies.*", "companies.SLUG"), "")]
    assert missing == []


def test_design_lists_every_command():
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if not re.search(rf"`(policymon )?{name}\b", DESIGN)]
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    text = page.read_text(encoding="utf-8")
    targets = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", t)]
    broken = [t for t in targets if t and not (page.parent / t).exists()]
    assert broken == []


def test_nothing_in_the_repository_points_outside_it():
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    outside = "../" + "shared"
    hits = [name for name in files if (ROOT / name).is_file() and outside.encode() in (ROOT / name).read_bytes()]
    assert hits == []
