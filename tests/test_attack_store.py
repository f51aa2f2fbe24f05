"""Store faults: leftovers of killed runs, a read-only database, a corrupt one, a full disk, a
missing folder. Each command runs as a real process; read-only media and a small disk are real
mounts in a private mount namespace (`unshare -m`, as root, like the test suite)."""
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli import Result, assert_one_line_error, policymon
from monitor.config import load_config
from monitor.store import open_db, save_snapshot, sweep, write
from monitor.store.repo import referenced_paths
from monitor.store.snapshots import write_snapshot_file
from sites import policy_page, write_config

HOUR = 3600


def _imported(tmp_path) -> Path:
    """A store with two versions of acme (and their comparison), made by `policymon import`."""
    path = write_config(tmp_path, companies={"acme": "https://acme.test/privacy"})
    for days, name in ((30, "old.html"), (7, "new.html")):
        (tmp_path / name).write_text(policy_page(notice_days=days), encoding="utf-8")
        result = policymon("import", "acme", tmp_path / name, "--at", f"2024-0{1 if days == 30 else 6}-01",
                           config=path)
        assert result.code == 0, result.err
    return path


def _age(path: Path, seconds: float = 2 * HOUR) -> None:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def test_leftovers_of_killed_runs_are_swept_and_nothing_else(tmp_path):
    path = _imported(tmp_path)
    snaps = tmp_path / "snapshots"
    referenced = sorted(p for p in snaps.glob("??/*"))
    folder = referenced[0].parent
    stale_tmp, fresh_tmp = folder / ".tmp-stale", folder / ".tmp-fresh"
    orphan, fresh_orphan = folder / ("a" * 64), folder / ("b" * 64)
    for f in (stale_tmp, fresh_tmp, orphan, fresh_orphan):
        f.write_bytes(b"left behind")
    for f in (stale_tmp, orphan, *referenced):
        _age(f)
    result = policymon("check", config=path)            # the site is unreachable: the sweep runs anyway
    assert "removed 1 unfinished and 1 unreferenced snapshot file(s)" in result.err
    assert not stale_tmp.exists() and not orphan.exists()
    assert fresh_tmp.exists() and fresh_orphan.exists() and all(p.exists() for p in referenced)


def test_the_sweep_never_removes_a_file_a_writer_is_about_to_reference(tmp_path):
    """An old unreferenced file whose bytes a capture stores again is young again, and the row
    is inserted only after the file is seen under the write lock."""
    config = load_config(write_config(tmp_path, companies={"acme": "https://acme.test/privacy"}))
    db = open_db(config.database)
    body = policy_page().encode()
    _, rel = write_snapshot_file(config.snapshots, body)
    _age(config.snapshots / rel)
    db.execute("INSERT INTO companies (slug, added_at) VALUES ('acme', 'now')")
    save_snapshot(db, config.snapshots, company="acme", body=body, source="live", url=None,
                  captured_at="2024-01-01T00:00:00Z")
    assert sweep(config.snapshots, lambda: referenced_paths(db), lock=lambda: write(db)) == (0, 0)
    assert (config.snapshots / rel).exists()


def test_the_daemon_sweeps_at_startup(tmp_path):
    path = _imported(tmp_path)
    leftover = next((tmp_path / "snapshots").glob("??")) / ".tmp-killed"
    leftover.write_bytes(b"x")
    _age(leftover)
    daemon = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(path), "run"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while leftover.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not leftover.exists()
    finally:
        daemon.terminate()
        err = daemon.communicate(timeout=30)[1]
    assert "removed 1 unfinished and 0 unreferenced" in err


def _read_only(directory: Path, *args, config: Path) -> Result:
    """Run policymon with `directory` (the database, its folder, the snapshots) mounted read-only."""
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script, str(directory), sys.executable, "-m", "monitor.cli",
                           "--config", str(config), *map(str, args)], capture_output=True, text=True, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.parametrize("command", [["status"], ["alerts"], ["diff", "acme"], ["history", "acme"],
                                     ["history", "acme", "--format", "json"]])
def test_read_commands_work_on_a_read_only_database(tmp_path, command):
    path = _imported(tmp_path)
    with sqlite3.connect(tmp_path / "policymon.db") as conn:      # history from before comparisons were kept
        conn.execute("DELETE FROM findings")
        conn.execute("DELETE FROM comparisons")
    before = (tmp_path / "policymon.db").read_bytes()
    result = _read_only(tmp_path, *command, config=path)
    assert result.code == 0 and result.err == "", result
    assert "acme" in result.out or command == ["alerts"]
    assert (tmp_path / "policymon.db").read_bytes() == before


def test_a_write_command_on_a_read_only_database_says_so_in_one_line(tmp_path):
    path = _imported(tmp_path)
    result = _read_only(tmp_path, "import", "acme", tmp_path / "new.html", "--at", "2025-01-01", config=path)
    assert_one_line_error(result, "is read-only; this command writes")


@pytest.mark.parametrize("command", [["status"], ["check"], ["diff", "acme"]])
def test_a_corrupt_database_is_one_line_naming_the_fix(tmp_path, command):
    path = _imported(tmp_path)
    (tmp_path / "policymon.db").write_bytes(b"this is not SQLite" * 1000)
    assert_one_line_error(policymon(*command, config=path), "is corrupt", "restore it from a backup")


def test_a_full_disk_is_one_line_and_nothing_half_written(tmp_path):
    path = _imported(tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    (tmp_path / "big.txt").write_text("We do not sell personal information. " * 40_000, encoding="utf-8")
    text = path.read_text().replace('database = "policymon.db"', f'database = "{disk}/policymon.db"')
    path.write_text(text)
    check = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA integrity_check')"
             ".fetchone()[0], c.execute('SELECT count(*) FROM versions').fetchone()[0])")
    script = ('mount -t tmpfs -o size=1m tmpfs "$0" && cp "$1" "$0"/policymon.db || exit 9; '
              '"$2" -m monitor.cli --config "$3" import acme "$4" --at 2025-01-01; code=$?; '
              '"$2" -c "$5" "$0"/policymon.db; exit $code')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script, str(disk), str(tmp_path / "policymon.db"),
                           sys.executable, str(path), str(tmp_path / "big.txt"), check],
                          capture_output=True, text=True, timeout=120)
    assert_one_line_error(Result(proc.returncode, proc.stdout, proc.stderr), "is full", "free some space")
    assert proc.stdout.split() == ["ok", "2"]          # intact, and still the two versions it had


def test_a_database_folder_that_cannot_exist_is_one_line(tmp_path):
    (tmp_path / "taken").write_text("a file where the folder should be")
    path = write_config(tmp_path, companies={"acme": "https://acme.test/privacy"},
                        storage={"database": "taken/policymon.db"})
    for command in (["check"], ["status"]):
        assert_one_line_error(policymon(*command, config=path), "cannot be opened", "fix [storage] database")
