"""Time policymon's compare against `git diff --no-index --word-diff` on every dev pair.

For each pair in tests/data/dev and real-dev (or the folders of pairs given), after reading and extracting both files
once, prints the median in-process time of
  core      split_sections + align_sections (which runs the word diff),
  git       git's word diff on the same two files (a subprocess, as a person would run it),
  classify  classify() on the aligned changes,
  compare   compare_versions(), i.e. core + classify, as `policymon compare` runs it,
and the ratios classify/core and compare/git. Classify and compare are timed cold: the
classifier keeps what it read of a version for the next comparison of that version (a
daemon compares each version with the one before and the one after), but `policymon
compare` reads two fresh files, so those caches are emptied before every run.

Targets: classify costs no more than the diff itself (classify/core median <= 1), and the
whole compare stays within 3x of git (compare/git median <= 3). Also printed: the time to
load the lexicon (as at CLI start-up) and to compile all its patterns (done on first use).

    .venv/bin/python benchmarks/bench_compare.py [--repeat N] [--corpus FOLDER ...]
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.align import align_sections  # noqa: E402
from monitor.classify import classify  # noqa: E402
from monitor.classify.lexicon import load_lexicon  # noqa: E402
from monitor.compare import compare_versions  # noqa: E402
from monitor.extract import extract  # noqa: E402
from monitor.model import Version  # noqa: E402
from monitor.sections import split_sections  # noqa: E402

CLASSIFY_TARGET = 1.0     # classify/core
COMPARE_TARGET = 3.0      # compare/git


def median_seconds(fn, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def forget_readings() -> None:
    """Empty every cache the classifier keeps between comparisons."""
    for name, module in list(sys.modules.items()):
        if name.startswith("monitor.classify"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def pairs(folders: list[Path]) -> list[tuple[str, Path, Path]]:
    """Each sub-folder holding old.* and new.* (the `policymon eval` layout) is a pair."""
    out = []
    for folder in (p for corpus in folders for p in sorted(corpus.iterdir()) if p.is_dir()):
        old, new = sorted(folder.glob("old.*"))[:1], sorted(folder.glob("new.*"))[:1]
        if old and new:
            out.append((folder.name, old[0], new[0]))
    return out


def git_word_diff(old: Path, new: Path) -> None:
    done = subprocess.run(["git", "diff", "--no-index", "--word-diff", "--no-color", str(old), str(new)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode not in (0, 1):
        raise SystemExit(f"git diff failed on {old}: {done.stderr.decode().strip()}")


def lexicon_costs() -> tuple[float, float]:
    """Seconds to load the lexicon, and to compile every pattern of it (first use), cold."""
    re.purge()
    start = time.perf_counter()
    lexicon = load_lexicon()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    for rule in lexicon.rules:
        rule.patterns, rule.context, rule.excludes
    return loaded, time.perf_counter() - start


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def summary(label: str, ratios: dict[str, float], target: float) -> str:
    worst = max(ratios, key=ratios.get)
    median = statistics.median(ratios.values())
    return (f"{label}: median {median:.2f}, worst {ratios[worst]:.2f} ({worst}), target median <= {target:g}: "
            f"{'met' if median <= target else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--corpus", type=Path, nargs="+", metavar="FOLDER",
                        default=[ROOT / "tests" / "data" / "dev", ROOT / "tests" / "data" / "real-dev"],
                        help="folders of pairs, each pair a folder with old.* and new.* (default: tests/data/dev "
                             "and real-dev)")
    args = parser.parse_args()
    missing = [str(f) for f in args.corpus if not f.is_dir()]
    found = [] if missing else pairs(args.corpus)
    if not found:
        parser.error(f"no pairs in {', '.join(missing or map(str, args.corpus))}; give folders whose "
                     f"sub-folders each hold old.* and new.*")

    print(f"{'pair':36} {'sections':>8} {'core ms':>8} {'git ms':>7} {'classify ms':>11} {'compare ms':>10} "
          f"{'classify/core':>13} {'compare/git':>11}")
    core_git, classify_core, compare_git = {}, {}, {}
    for name, old_path, new_path in found:
        old_text = extract(old_path.read_bytes(), filename=old_path.name)
        new_text = extract(new_path.read_bytes(), filename=new_path.name)
        core = median_seconds(lambda: align_sections(split_sections(old_text), split_sections(new_text)), args.repeat)
        git = median_seconds(lambda: git_word_diff(old_path, new_path), args.repeat)
        changes = align_sections(split_sections(old_text), split_sections(new_text))
        old_version, new_version = Version(old_text), Version(new_text)
        classify_s = median_seconds(lambda: classify(changes, old_version, new_version), args.repeat, forget_readings)
        compare_s = median_seconds(lambda: compare_versions(old_version, new_version), args.repeat, forget_readings)
        core_git[name], classify_core[name], compare_git[name] = core / git, classify_s / core, compare_s / git
        print(f"{name:36} {len(changes):8d} {ms(core):>8} {ms(git):>7} {ms(classify_s):>11} {ms(compare_s):>10} "
              f"{classify_s / core:13.2f} {compare_s / git:11.2f}")

    loaded, compiled = lexicon_costs()
    print(f"\nlexicon: load {ms(loaded)} ms, compile all patterns {ms(compiled)} ms (on first use)")
    print(summary("core/git", core_git, COMPARE_TARGET))
    print(summary("classify/core", classify_core, CLASSIFY_TARGET))
    print(summary("compare/git", compare_git, COMPARE_TARGET))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
