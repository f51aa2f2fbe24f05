"""Extraction budgets against hostile files: time, the daemon's peak memory and the PDF worker's.

Builds the files of issue 12 (tests/bombs.py): a 24 KB PDF holding a 24-million-character
string, a ~1 MB PDF of forty 8 MB compressed page streams, 100,000 nested divs, and 10,000
nested divs (under the element budget, over the nesting one); a plain policy page and a
small PDF as the baseline. Each is extracted in a fresh process, as a check would; the line
gives the outcome, the wall time, that process's peak RSS (VmHWM) and the PDF worker's (RUSAGE_CHILDREN).

    .venv/bin/python benchmarks/bench_budgets.py
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bombs import deep_html, many_streams_pdf_bomb, small_pdf_bomb  # noqa: E402
from sites import make_pdf, policy_page  # noqa: E402

PROBE = r"""
import json, resource, sys, time
from monitor.extract import extract
from monitor.errors import InputError
body = open(sys.argv[1], "rb").read()
started = time.monotonic()
try:
    outcome = f"{len(extract(body)):,} characters"
except InputError as e:
    outcome = f"refused: {e}"
took = time.monotonic() - started
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"outcome": outcome, "seconds": took, "self": hwm / 1024,
                  "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def main() -> None:
    cases = {
        "policy page (baseline)": policy_page().encode(),
        "3-page PDF (baseline)": make_pdf(["Privacy policy"] + ["We do not sell personal information."] * 40),
        "24 KB PDF bomb": small_pdf_bomb(),
        "1 MB PDF, 40 x 8 MB streams": many_streams_pdf_bomb(),
        "100,000 nested divs": deep_html(100_000),
        "10,000 nested divs": deep_html(10_000),
    }
    work = ROOT / ".bench-budgets"
    work.mkdir(exist_ok=True)
    for name, body in cases.items():
        path = work / "input"
        path.write_bytes(body)
        run = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, cwd=ROOT)
        r = json.loads(run.stdout)
        print(f"{name:<30} {len(body):>10,} B  {r['seconds']:6.2f} s  peak {r['self']:6.1f} MiB  "
              f"worker peak {r['worker']:6.1f} MiB  {r['outcome'][:110]}")
    path.unlink()
    work.rmdir()


if __name__ == "__main__":
    main()
