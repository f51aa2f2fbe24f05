"""Time policymon's instant commands as whole processes, against a bare interpreter and git.

Each command runs as a child process, as a person runs it, `--repeat` times; printed are the
medians of wall-clock time, for:

- `python -c pass` with the same interpreter (the floor any Python command pays);
- `policymon compare OLD NEW --format json` on every pair of tests/data/dev and real-dev (or
  the folders given), against `git diff --no-index --word-diff` on the same two files;
- `policymon diff reddit`, `history reddit`, `status` and `alerts` on the bundled history,
  with a config and data directory of their own in a temporary folder.

Targets (issue 13): each command's median at most 0.10 s, and at most 3x `python -c pass`.
Before timing, one run of each command fills what a first run fills once: Python's bytecode
cache (the children run without PYTHONDONTWRITEBYTECODE) and policymon's table cache
(classify/cache.py); the first compare's time is printed apart, as "first run".

    .venv/bin/python benchmarks/bench_startup.py [--repeat 21] [--corpus FOLDER ...]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_compare import pairs  # noqa: E402

TARGET_SECONDS = 0.10
TARGET_RATIO = 3.0


def policymon() -> list[str]:
    """The installed console script next to this interpreter, as a person runs it."""
    script = Path(sys.executable).with_name("policymon")
    return [str(script)] if script.exists() else [sys.executable, "-m", "monitor.cli"]


def run_seconds(args: list[str], env: dict, repeat: int) -> float:
    """Median wall-clock seconds of `repeat` runs of a child process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.decode().strip()}")
    return statistics.median(times)


def verdict(seconds: float, floor: float) -> str:
    ok = seconds <= TARGET_SECONDS and seconds <= TARGET_RATIO * floor
    return f"{seconds * 1000:7.1f} ms  {seconds / floor:5.2f}x python  {'met' if ok else 'NOT met'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--corpus", type=Path, nargs="+", metavar="FOLDER",
                        default=[ROOT / "tests" / "data" / "dev", ROOT / "tests" / "data" / "real-dev"])
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "POLICYMON_CONFIG")}
    env.update(XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"),
               XDG_CACHE_HOME=str(work / "cache"), NO_COLOR="1")
    (work / "cache").mkdir()           # a user's cache directory, as ~/.cache is on any desktop
    cmd = policymon()
    try:
        subprocess.run(cmd + ["init"], env=env, check=True, stdout=subprocess.DEVNULL)
        found = pairs(args.corpus)
        first_old, first_new = found[0][1], found[0][2]
        start = time.perf_counter()
        subprocess.run(cmd + ["compare", str(first_old), str(first_new), "--format", "json"], env=env,
                       stdout=subprocess.DEVNULL, check=False)
        first_run = time.perf_counter() - start
        floor = run_seconds([sys.executable, "-c", "pass"], env, args.repeat)

        print(f"whole processes, median of {args.repeat} runs each; python -c pass: {floor * 1000:.1f} ms")
        print(f"first run (fills the bytecode and table caches): policymon compare {first_run * 1000:.0f} ms\n")
        print(f"{'pair':36} {'compare ms':>10} {'git ms':>7} {'compare/git':>11} {'compare/python':>14}")
        compares, ratios = [], []
        for name, old, new in found:
            mine = run_seconds(cmd + ["compare", str(old), str(new), "--format", "json"], env, args.repeat)
            git = run_seconds(["git", "diff", "--no-index", "--word-diff", "--no-color", str(old), str(new)], env,
                              args.repeat)
            compares.append(mine)
            ratios.append(mine / git)
            print(f"{name:36} {mine * 1000:10.1f} {git * 1000:7.1f} {mine / git:11.2f} {mine / floor:14.2f}")
        print()
        print(f"{'policymon compare (median pair)':36} {verdict(statistics.median(compares), floor)}  "
              f"({statistics.median(ratios):.1f}x git's word diff)")
        for command in (["diff", "reddit"], ["history", "reddit"], ["status"], ["alerts"]):
            run_seconds(cmd + command, env, 1)         # the first reads the bundled history into the store
            seconds = run_seconds(cmd + command, env, args.repeat)
            print(f"{'policymon ' + ' '.join(command):36} {verdict(seconds, floor)}")
        print(f"\ntargets: at most {TARGET_SECONDS * 1000:.0f} ms and at most {TARGET_RATIO:g}x python -c pass")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
