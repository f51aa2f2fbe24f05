"""Run the performance benchmarks one after another and print each one's verdict lines.

Each script measures its own baseline in the same run (a bare interpreter, git's word diff,
a bare requests loop); this prints, in one run, the figures the README's table quotes:

- bench_startup.py: policymon compare, diff, history, status, alerts as whole processes,
  against python -c pass and git's word diff;
- bench_compare.py: compare in-process against git's word diff (median and worst pair), the
  edit stage's cost per pair and the tables' load times;
- bench_backfill.py: backfill against a bare requests list-and-download loop;
- bench_daemon.py: the daemon at 10,000 companies (peak memory, idle CPU).

    .venv/bin/python benchmarks/bench_all.py [--quick]

--quick runs fewer repeats and 1,000 companies (minutes instead of a quarter of an hour).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (script, arguments, arguments with --quick, how many closing lines hold its verdict)
RUNS = [
    ("bench_startup.py", [], ["--repeat", "5"], 7),
    ("bench_compare.py", [], ["--repeat", "3"], 9),
    ("bench_backfill.py", [], ["--captures", "300"], 6),
    ("bench_daemon.py", [], ["--companies", "1000"], 9),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    failed = 0
    for script, full, quick, tail in RUNS:
        argv = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        print(f"$ {' '.join([Path(sys.executable).name, 'benchmarks/' + script, *argv[2:]])}", flush=True)
        start = time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True)
        lines = (done.stdout.rstrip().splitlines() or [""])[-tail:]
        print("\n".join("  " + line for line in lines))
        if done.returncode != 0:
            failed += 1
            print(f"  FAILED ({done.returncode}): {done.stderr.strip().splitlines()[-1:] or ''}")
        print(f"  ({time.monotonic() - start:.0f} s)\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
