"""The classifier's tables are derived once and cached on disk (classify/cache.py): a cached
table is what deriving it gives, it is derived again whenever what it comes from changes, and
the findings are the same with and without the cache on every labelled pair in the repo."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from monitor import cache
from monitor.classify.edits.topic import topics
from monitor.classify.edits.wording import wording
from monitor.classify.lexicon import LEXICON, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "monitor" / "classify" / "lexicon"
CORPORA = [ROOT / "tests" / "data" / name for name in ("dev", "real-dev", "pairs", "ota-pairs/holdout",
                                                         "ota-pairs/tune")]

FINDINGS = """
import dataclasses, json, sys
from pathlib import Path
from monitor.evaluate import _case
out = {}
for corpus in sys.argv[1:]:
    for folder in sorted(Path(corpus).iterdir()):
        if folder.is_dir() and list(folder.glob("old.*")):
            out[f"{Path(corpus).name}/{folder.name}"] = [dataclasses.asdict(f) for f in _case(folder).findings]
print(json.dumps(out, sort_keys=True, default=str))
"""


def _findings(cache_home: Path, **env) -> dict:
    proc = subprocess.run([sys.executable, "-c", FINDINGS, *map(str, CORPORA)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "XDG_CACHE_HOME": str(cache_home), **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_findings_are_the_same_with_and_without_the_cache_on_every_labelled_pair(tmp_path):
    (tmp_path / "cache").mkdir()
    uncached = _findings(tmp_path / "none", POLICYMON_NO_CACHE="1")
    _findings(tmp_path / "cache")                   # derives the tables and writes them
    assert list((tmp_path / "cache" / "policymon" / "tables").glob("lexicon-*.pickle"))
    cached = _findings(tmp_path / "cache")          # reads them
    assert len(uncached) > 350
    assert cached == uncached


def test_a_changed_rule_is_derived_again_never_read_stale(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    folder = tmp_path / "lexicon"
    shutil.copytree(RULES, folder)
    before = load_lexicon(str(folder))
    assert before.by_id["sale.sell"].label == LEXICON.by_id["sale.sell"].label
    sale = folder / "sale.toml"
    sale.write_text(sale.read_text().replace(f'label = "{before.by_id["sale.sell"].label}"',
                                             'label = "a label changed by the test"', 1))
    assert load_lexicon(str(folder)).by_id["sale.sell"].label == "a label changed by the test"
    assert len(list((tmp_path / "cache" / "policymon" / "tables").glob("lexicon-*.pickle"))) == 2


def test_a_table_is_read_from_the_cache_while_its_inputs_are_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = []

    def build():
        built.append(1)
        return {"pattern": re.compile(r"\bsell(?:s|ing)?\b"), "n": len(built)}

    first = cache.cached("t", [b"rules v1"], build)
    again = cache.cached("t", [b"rules v1"], build)
    changed = cache.cached("t", [b"rules v2"], build)
    assert (first["n"], again["n"], changed["n"]) == (1, 1, 2) and len(built) == 2
    assert again["pattern"] == first["pattern"] and again["pattern"].search("we sell it")


def test_a_damaged_cache_file_is_derived_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache.cached("t", [b"x"], lambda: [1, 2, 3])
    (saved,) = (tmp_path / "policymon" / "tables").glob("t-*.pickle")
    saved.write_bytes(b"not a pickle")
    assert cache.cached("t", [b"x"], lambda: [1, 2, 3]) == [1, 2, 3]
    assert cache.cached("t", [b"x"], lambda: None) == [1, 2, 3]        # and written again


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path, monkeypatch):
    (tmp_path / "policymon").write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cached("t", [b"x"], lambda: "derived") == "derived"


def test_cached_patterns_are_exactly_what_re_compile_makes():
    patterns = [p for rule in LEXICON.rules for p in (*rule.patterns, *rule.excludes, rule.context) if p is not None]
    patterns += [p for fw in LEXICON.frameworks for p in fw.patterns] + list(LEXICON.policy_date)
    patterns += [p for p in topics().cues.values() if p is not None] + [wording()._phrases, wording()._furniture]
    assert len(patterns) > 300
    for p in patterns:
        assert p == re.compile(p.pattern, p.flags), p.pattern


PATTERNS_ROUND = """
import re, sys
from monitor import cache
cache.load_patterns()
warmed = {key: p for key, p in re._cache.items() if key[0] is str}
import monitor.compare, monitor.extract, monitor.config
cache.save_patterns()
assert all(p == re.compile(key[1], key[2]) for key, p in warmed.items())
print(len(warmed))
"""


def test_patterns_saved_by_one_run_are_given_to_the_next_as_re_compile_makes_them(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", PATTERNS_ROUND], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    assert int(runs[0].stdout) < 10 < 50 < int(runs[1].stdout)
    assert list((tmp_path / "policymon" / "tables").glob("patterns-*.pickle"))


def test_nothing_is_written_where_there_is_no_user_cache_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "no-such-folder"))
    assert cache.cached("t", [b"x"], lambda: "derived") == "derived"
    assert not (tmp_path / "no-such-folder").exists()
