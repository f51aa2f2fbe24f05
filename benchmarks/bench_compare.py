"""Time policymon's text core against `git diff --no-index --word-diff` on every dev pair.

For each pair in ../shared/corpus/dev and real-dev, after reading and extracting both
files once, prints the median in-process time of split_sections + align_sections (which
runs the word diff), the median time of git's word diff on the same two files (a
subprocess, as a person would run it), and their ratio. The target is policymon within
3x of git while it also aligns sections. When they exist, the classifier alone and the
whole compare_versions path are timed too; otherwise their columns say n/a.

    .venv/bin/python benchmarks/bench_compare.py [--repeat N] [--corpus PATH]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.align import align_sections  # noqa: E402
from monitor.extract import extract  # noqa: E402
from monitor.model import Version  # noqa: E402
from monitor.sections import split_sections  # noqa: E402

TARGET_RATIO = 3.0


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pairs(corpus: Path) -> list[tuple[str, Path, Path]]:
    out = []
    for folder in sorted((corpus / "dev").glob("d*")) + sorted((corpus / "real-dev").glob("*")):
        ext = "txt" if (folder / "old.txt").exists() else "md"
        out.append((folder.name, folder / f"old.{ext}", folder / f"new.{ext}"))
    return out


def git_word_diff(old: Path, new: Path) -> None:
    done = subprocess.run(["git", "diff", "--no-index", "--word-diff", "--no-color", str(old), str(new)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1):
        raise SystemExit(f"git diff failed on {old}: {done.stderr.decode().strip()}")


def optional_stages():
    """classify and compare_versions, or None for each that is not written yet."""
    try:
        from monitor.classify import classify
    except ImportError:
        classify = None
    try:
        from monitor.compare import compare_versions
    except ImportError:
        compare_versions = None
    return classify, compare_versions


def ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    classify, compare_versions = optional_stages()

    print(f"{'pair':40} {'sections':>8} {'core ms':>8} {'git ms':>8} {'ratio':>6} {'classify ms':>11} {'compare ms':>10}")
    ratios = []
    for name, old_path, new_path in pairs(args.corpus):
        old_text = extract(old_path.read_bytes(), filename=old_path.name)
        new_text = extract(new_path.read_bytes(), filename=new_path.name)
        core = median_seconds(lambda: align_sections(split_sections(old_text), split_sections(new_text)), args.repeat)
        git = median_seconds(lambda: git_word_diff(old_path, new_path), args.repeat)
        changes = align_sections(split_sections(old_text), split_sections(new_text))
        old_version, new_version = Version(old_text), Version(new_text)
        classify_s = compare_s = None
        if classify is not None:
            classify_s = median_seconds(lambda: list(classify(changes, old_version, new_version)), args.repeat)
        if compare_versions is not None:
            compare_s = median_seconds(lambda: compare_versions(old_version, new_version), args.repeat)
        ratios.append(core / git)
        print(f"{name:40} {len(changes):8d} {ms(core):>8} {ms(git):>8} {core / git:6.2f} "
              f"{ms(classify_s):>11} {ms(compare_s):>10}")

    worst = max(ratios)
    print(f"\nratio core/git: median {statistics.median(ratios):.2f}, worst {worst:.2f} "
          f"(target <= {TARGET_RATIO:.0f}): {'met' if worst <= TARGET_RATIO else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
