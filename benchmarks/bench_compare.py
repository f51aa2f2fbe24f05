"""Time policymon's compare in-process against `git diff --no-index --word-diff` on every pair.

For each pair in tests/data/dev, real-dev, pairs and ota-pairs (or the folders of pairs given),
after reading and extracting both files once, prints the median in-process time of
  core      split_sections + align_sections (which runs the word diff),
  git       git's word diff on the same two files (a subprocess, as a person would run it),
  classify  classify() on the aligned changes, both stages,
  edits     the edit stage's own part of classify (edit_findings),
  compare   compare_versions(), i.e. core + classify, as `policymon compare` runs it,
and the ratio compare/git. Everything is timed cold for the texts: the classifier keeps what
it read of a version for the next comparison of that version (a daemon compares each version
with the one before and the one after), but `policymon compare` reads two fresh files, so
those caches are emptied before every run. The tables (lexicon, wording, topics, topic model)
and memos keyed by a single word (stems) stay loaded: they are a start-up cost, printed apart
here and timed as a whole process by bench_startup.py.

Targets (issue 13): compare/git median <= 1.0 and worst pair <= 2.0. Also printed: the edit
stage's cost per pair (median, worst), the topic model's load time, and the lexicon's load
time from the table cache and when derived afresh (compiling every pattern).

    .venv/bin/python benchmarks/bench_compare.py [--repeat N] [--corpus FOLDER ...]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import monitor.classify  # noqa: E402
from monitor.align import align_sections  # noqa: E402
from monitor.classify import classify  # noqa: E402
from monitor.classify.edits.topic import topic_model, topics  # noqa: E402
from monitor.classify.edits.wording import wording  # noqa: E402
from monitor.classify.lexicon import load_lexicon  # noqa: E402
from monitor.compare import compare_versions  # noqa: E402
from monitor.extract import extract  # noqa: E402
from monitor.model import Version  # noqa: E402
from monitor.sections import split_sections  # noqa: E402

COMPARE_TARGET = 1.0      # compare/git, median
WORST_TARGET = 2.0        # compare/git, worst pair
# Loaded once per process, not per text: the tables, and memos keyed by one word (a stem, a
# date), which a process comparing more than once keeps like a table.
TABLES = {"wording", "topics", "topic_model", "_encoded", "_suffixes", "stem", "_term", "normalise_date"}
CORPORA = ("dev", "real-dev", "pairs", "ota-pairs/holdout", "ota-pairs/tune")


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
    """Empty every cache the text stages keep between comparisons (not the tables)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("monitor."):
            for key, value in list(vars(module).items()):
                if callable(getattr(value, "cache_clear", None)) and getattr(value, "__name__", key) not in TABLES:
                    value.cache_clear()


class EditStage:
    """Seconds spent in the edit stage during the timed calls (it runs inside classify)."""

    def __init__(self):
        self.seconds = 0.0
        self.real = monitor.classify.edit_findings
        monitor.classify.edit_findings = self

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.real(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


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


def table_costs() -> dict[str, float]:
    """Seconds to load each table as a command does at start (from the table cache), and to
    derive the lexicon afresh, compiling every pattern (a first run, or after a rule changed)."""
    out = {}
    re.purge()
    start = time.perf_counter()
    load_lexicon()
    out["lexicon (from the cache)"] = time.perf_counter() - start
    os.environ["POLICYMON_NO_CACHE"] = "1"
    try:
        re.purge()
        start = time.perf_counter()
        lexicon = load_lexicon()
        for rule in lexicon.rules:
            rule.patterns, rule.context, rule.excludes
        out["lexicon (derived, every pattern compiled)"] = time.perf_counter() - start
    finally:
        del os.environ["POLICYMON_NO_CACHE"]
    for name, load in (("wording table", wording), ("topics table", topics)):
        load.cache_clear()
        start = time.perf_counter()
        load()
        out[name] = time.perf_counter() - start
    times = []
    for _ in range(5):
        topic_model.cache_clear()
        start = time.perf_counter()
        topic_model()
        times.append(time.perf_counter() - start)
    out["topic model (median of 5 loads)"] = statistics.median(times)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def summary(label: str, ratios: dict[str, float], target: float, worst_target: float | None = None) -> str:
    worst = max(ratios, key=ratios.get)
    median = statistics.median(ratios.values())
    met = median <= target and (worst_target is None or ratios[worst] <= worst_target)
    targets = f"median <= {target:g}" + (f", worst <= {worst_target:g}" if worst_target is not None else "")
    return (f"{label}: median {median:.2f}, worst {ratios[worst]:.2f} ({worst}); target {targets}: "
            f"{'met' if met else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--corpus", type=Path, nargs="+", metavar="FOLDER",
                        default=[ROOT / "tests" / "data" / name for name in CORPORA],
                        help="folders of pairs, each pair a folder with old.* and new.* (default: tests/data/dev, "
                             "real-dev, pairs and ota-pairs)")
    args = parser.parse_args()
    missing = [str(f) for f in args.corpus if not f.is_dir()]
    found = [] if missing else pairs(args.corpus)
    if not found:
        parser.error(f"no pairs in {', '.join(missing or map(str, args.corpus))}; give folders whose "
                     f"sub-folders each hold old.* and new.*")

    costs = table_costs()
    edits = EditStage()
    print(f"{'pair':36} {'sections':>8} {'core ms':>8} {'git ms':>7} {'classify ms':>11} {'edits ms':>8} "
          f"{'compare ms':>10} {'compare/git':>11}")
    compare_git, edit_ms = {}, {}
    for name, old_path, new_path in found:
        old_text = extract(old_path.read_bytes(), filename=old_path.name)
        new_text = extract(new_path.read_bytes(), filename=new_path.name)
        core = median_seconds(lambda: align_sections(split_sections(old_text), split_sections(new_text)), args.repeat,
                              forget_readings)
        git = median_seconds(lambda: git_word_diff(old_path, new_path), args.repeat)
        changes = align_sections(split_sections(old_text), split_sections(new_text))
        old_version, new_version = Version(old_text), Version(new_text)
        edit_times = []

        def classify_once():
            edits.seconds = 0.0
            classify(changes, old_version, new_version)
            edit_times.append(edits.seconds)

        classify_s = median_seconds(classify_once, args.repeat, forget_readings)
        compare_s = median_seconds(lambda: compare_versions(old_version, new_version), args.repeat, forget_readings)
        compare_git[name], edit_ms[name] = compare_s / git, statistics.median(edit_times)
        print(f"{name:36} {len(changes):8d} {ms(core):>8} {ms(git):>7} {ms(classify_s):>11} {ms(edit_ms[name]):>8} "
              f"{ms(compare_s):>10} {compare_s / git:11.2f}")

    print(f"\n{len(found)} pairs; tables, loaded once per process:")
    for label, seconds in costs.items():
        print(f"  {label:44} {ms(seconds):>8} ms")
    worst_edit = max(edit_ms, key=edit_ms.get)
    print(f"edit stage per pair: median {ms(statistics.median(edit_ms.values()))} ms, worst {ms(edit_ms[worst_edit])} ms "
          f"({worst_edit})")
    print(summary("in-process compare / git word diff", compare_git, COMPARE_TARGET, WORST_TARGET))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
