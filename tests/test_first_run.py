"""A first run as a new user makes it: `policymon init`, `policymon config check`, the bundled
comparison from an empty folder, and user data kept out of the folder and out of a clone."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli import assert_one_line_error, policymon
from monitor.bundled import bundled_companies
from monitor.config import config_template

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "policymon"     # the installed command, as a user runs it


@pytest.fixture
def user(tmp_path):
    """A user with an empty working folder and config and data directories of their own."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir()
    env = {"XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share")}
    return work, env, home


def test_init_writes_the_commented_config_where_it_will_be_found(user):
    work, env, home = user
    result = policymon("init", cwd=work, env=env)
    written = home / ".config" / "policymon" / "config.toml"
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == f"wrote {written}"
    assert written.read_text(encoding="utf-8") == config_template(bundled_companies())
    assert_one_line_error(policymon("init", cwd=work, env=env), "already exists", "--force")
    assert policymon("init", "--force", cwd=work, env=env).code == 0


def test_config_check_says_where_config_database_and_snapshots_are(user):
    work, env, home = user
    policymon("init", cwd=work, env=env)
    result = policymon("config", "check", cwd=work, env=env)
    assert result.code == 0, result.err
    data = home / ".local" / "share" / "policymon"
    lines = result.out.splitlines()
    assert lines[0] == f"config:    {home / '.config/policymon/config.toml'} (found as the user config directory)"
    assert f"database:  {data / 'policymon.db'} (not created yet" in result.out
    assert f"snapshots: {data / 'snapshots'} (not created yet" in result.out
    assert "companies: 3 (reddit, logitech, amazon-advertising)" in result.out
    assert lines[-1].endswith("config.toml: OK")


def test_bundled_comparison_from_an_empty_folder_with_the_init_config(user):
    work, env, home = user
    policymon("init", cwd=work, env=env)
    result = policymon("diff", "reddit", "--format", "json", cwd=work, env=env)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert [report["old"]["captured_at"][:10], report["new"]["captured_at"][:10]] == ["2025-10-03", "2026-01-15"]
    assert report["material"] is True
    data = home / ".local" / "share" / "policymon"
    assert (data / "policymon.db").is_file() and len(list((data / "snapshots").rglob("*"))) > 2
    assert list(work.iterdir()) == [], "nothing is written in the folder the command runs in"


def test_config_check_refuses_a_misspelt_key_as_start_up_does(user):
    work, env, _ = user
    path = work / "config.toml"
    path.write_text('[schedule]\nintervall = "1h"\n')
    assert_one_line_error(policymon("config", "check", cwd=work, env=env),
                          "config.toml: unknown key schedule.intervall; did you mean interval?")
    assert_one_line_error(policymon("run", cwd=work, env=env), "did you mean interval?")


def test_no_config_anywhere_says_where_it_looked_and_how_to_make_one(user):
    work, env, home = user
    assert_one_line_error(policymon("diff", "reddit", cwd=work, env=env), "no config file found",
                          str(home / ".config/policymon/config.toml"), "/etc/policymon/config.toml", "policymon init")


def test_init_with_a_data_dir_writes_absolute_storage_paths(user, tmp_path):
    work, env, _ = user
    target, data = tmp_path / "etc" / "config.toml", tmp_path / "state"
    assert policymon("init", target, "--data-dir", data, cwd=work, env=env).code == 0
    check = policymon("--config", target, "config", "check", cwd=work, env=env)
    assert f"database:  {data / 'policymon.db'}" in check.out and f"snapshots: {data / 'snapshots'}" in check.out


def test_init_says_when_another_config_is_read_first(user):
    work, env, home = user
    (work / "config.toml").write_text('[companies.acme]\nurl = "https://acme.example/p"\n')
    result = policymon("init", cwd=work, env=env)
    assert result.code == 0
    assert "note: from here policymon reads config.toml first" in result.out


def _tracked_copy(destination: Path) -> Path:
    """The repository's files (tracked, or new and not ignored) as a fresh git repository."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    subprocess.run(git + ["add", "-A"], cwd=destination, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "clone"], cwd=destination, check=True)
    return destination


def test_using_the_tool_in_a_clone_leaves_git_status_clean(user, tmp_path):
    _, env, home = user
    clone = _tracked_copy(tmp_path / "clone")
    out = tmp_path / "out"
    out.mkdir()
    policy = clone / "tests" / "data" / "dev" / "d06-webengage-notice-shortened" / "new.txt"
    env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*args):
        return subprocess.run([SCRIPT, *map(str, args)], cwd=clone, capture_output=True, text=True, timeout=120,
                              env={**os.environ, **env}, stdin=subprocess.DEVNULL)
    assert run("import", "reddit", policy, "--at", "2026-02-01").returncode == 0
    run("check", "reddit")                  # the live page: refused by the test's network guard
    run("backfill", "reddit")               # the Wayback Machine: refused likewise
    assert run("diff", "reddit").returncode == 0
    assert run("history", "reddit", "--format", "html", "-o", out / "reddit.html").returncode == 0
    for command in (["reextract"], ["status"], ["alerts"], ["history", "reddit"], ["config", "check"]):
        assert run(*command).returncode in (0, 1)
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=clone, capture_output=True, text=True)
    assert status.stdout == "", "using policymon changed the clone"
    assert (home / ".local" / "share" / "policymon" / "policymon.db").is_file()
