"""Run the real `policymon` command line in a subprocess, as a user would. Every JSON report it
prints is checked against docs/report.schema.json."""
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from reportschema import check_cli_output


@dataclass
class Result:
    code: int
    out: str
    err: str


def policymon(*args, config: Path | None = None, cwd: Path | None = None, timeout: float = 120,
              env: dict | None = None) -> Result:
    """`env` is added to this process's environment (conftest points the XDG directories at a
    session folder, so the default data and config directories are never the user's)."""
    argv = [sys.executable, "-m", "monitor.cli"]
    if config is not None:
        argv += ["--config", str(config)]
    proc = subprocess.run(argv + [str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    check_cli_output([str(a) for a in args], proc.returncode, proc.stdout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    """Expected failures: non-zero exit, exactly one line on stderr, no traceback."""
    assert result.code != 0, result
    assert "Traceback" not in result.err, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
