"""What a command derives at every start, kept on disk between runs so that it starts at once.

The lexicon's rules and the edit stage's tables are read from TOML and turned into gate words,
lookup tables and a few hundred compiled regular expressions. Deriving them costs more than a
comparison (about 0.2 s), and a command such as `policymon compare` runs once per process. So
each table is derived once and pickled into the user cache directory
(`~/.cache/policymon/tables` on Linux), in a file named by the hash of everything it is derived
from: its data files, the code that derives it and the interpreter. A changed rule, a new
release or another Python gives another name, so a table is never read stale; it is derived
afresh and written beside the old one.

Compiled patterns are kept as the regular-expression engine's own program, which the `re`
module cannot save: each is checked, when the table is derived, to be exactly what
`re.compile` makes of its source (compiled patterns compare by their program), and programs
are only read back by the interpreter named in the file's hash. Anything wrong with the cache
(an unwritable folder, a damaged file) only means the table is derived in memory, as without
a cache; nothing is written where no user cache directory exists. POLICYMON_NO_CACHE=1 turns
it off.

The same programs serve the patterns modules compile when they are imported (a hundred or
so, 10-20 ms): `load_patterns` puts those an earlier run saved into the `re` module's own
cache before the command imports anything, and `save_patterns` adds the ones a run compiled
that the file lacked. A pattern is found there by its source and flags, so a changed pattern
is simply compiled, and the file is named by the interpreter.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import sys
from array import array
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
FORMAT = 1                      # bump when the layout of the files changes


def cache_dir() -> str:
    """The user cache directory's `policymon/tables` (platformdirs' rule: on Linux
    $XDG_CACHE_HOME or ~/.cache). os.path, not pathlib: this runs at every start."""
    if sys.platform.startswith("linux"):
        root = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = root if os.path.isabs(root) else os.path.join(os.path.expanduser("~"), ".cache")
        return os.path.join(base, "policymon", "tables")
    import platformdirs
    return os.path.join(platformdirs.user_cache_dir("policymon", appauthor=False), "tables")


def cached(name: str, inputs: Iterable[bytes], build: Callable[[], T],
           complete: Callable[[T], None] | None = None) -> T:
    """`build()`, or the table it gave before from the same `inputs` (every byte it is derived
    from: data files and the source of the code that reads them). `complete(table)` does, before
    the table is saved, what would otherwise be done lazily (compiling every pattern)."""
    if os.environ.get("POLICYMON_NO_CACHE"):
        return build()
    digest = _interpreter()
    for part in inputs:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    path = os.path.join(cache_dir(), f"{name}-{digest.hexdigest()[:32]}.pickle")
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:           # none yet, or damaged or unreadable: derive it (again)
        pass
    table = build()
    if _writable():
        if complete is not None:
            complete(table)
        _save(path, table)
        _prune(name)
    return table


def load_patterns() -> None:
    """Fill `re`'s cache with the compiled patterns saved by earlier runs (save_patterns)."""
    if os.environ.get("POLICYMON_NO_CACHE") or not isinstance(getattr(re, "_cache", None), dict):
        return
    try:
        with open(_patterns_path(), "rb") as f:
            saved = pickle.load(f)
        for (source, flags), program in saved.items():
            key = (str, source, flags)
            if key not in re._cache and len(re._cache) < re._MAXCACHE:
                re._cache[key] = _rebuild(*program)
            _loaded.add((source, flags))
    except Exception:           # none saved yet, or damaged: patterns are compiled as usual
        pass


def save_patterns() -> None:
    """Keep the programs of the patterns this run compiled that the saved file lacks."""
    if (os.environ.get("POLICYMON_NO_CACHE") or not isinstance(getattr(re, "_cache", None), dict)
            or not _writable()):
        return
    try:
        new = [(source, flags, p) for (kind, source, flags), p in list(re._cache.items())
               if kind is str and (source, flags) not in _loaded]
        if not new:
            return
        saved: dict = {}
        try:
            with open(_patterns_path(), "rb") as f:
                saved = pickle.load(f)
        except Exception:
            pass
        for source, flags, p in new:
            program = _program(p)
            if program is not None:
                saved[(source, flags)] = program
            _loaded.add((source, flags))
        buffer = io.BytesIO()
        pickle.dump(saved, buffer)
        _write(_patterns_path(), buffer.getvalue())
    except Exception:
        pass


_loaded: set = set()            # (source, flags) of the patterns the saved file holds


def _interpreter():
    """A hash begun with what makes a saved program readable: this format and interpreter."""
    return hashlib.sha256(f"{FORMAT} {sys.version} {sys.implementation.cache_tag}".encode())


def _patterns_path() -> str:
    return os.path.join(cache_dir(), f"patterns-{_interpreter().hexdigest()[:32]}.pickle")


def _writable() -> bool:
    """Whether the user cache directory exists: where it does not (a service's home, a
    container), nothing is written outside the data directory and tables are derived at start."""
    return os.path.isdir(os.path.dirname(os.path.dirname(cache_dir())))


def source(module_name: str) -> bytes:
    """The source of a loaded module, as an input of the tables it derives."""
    with open(sys.modules[module_name].__file__, "rb") as f:
        return f.read()


def _save(path: str, table: object) -> None:
    try:
        buffer = io.BytesIO()
        _Pickler(buffer).dump(table)
        _write(path, buffer.getvalue())
    except Exception:           # no cache then (a read-only home, a full disk): derived each time
        pass


KEPT = 4                        # files kept per table: a few releases or rule edits back


def _prune(name: str) -> None:
    """Remove all but the KEPT newest files of a table, so rule edits do not pile up files."""
    try:
        folder = cache_dir()
        files = [os.path.join(folder, f) for f in os.listdir(folder) if f.startswith(f"{name}-")]
        for old in sorted(files, key=os.path.getmtime, reverse=True)[KEPT:]:
            os.unlink(old)
    except OSError:
        pass


def _write(path: str, data: bytes) -> None:
    """Write a file whole or not at all (another process may be reading it)."""
    import tempfile
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, re.Pattern):
            program = _program(obj)
            if program is not None:
                return _rebuild, program
            return re.compile, (obj.pattern, obj.flags)
        return NotImplemented


def _program(pattern: re.Pattern) -> tuple | None:
    """What `_sre.compile` takes to make `pattern` again, as re.compile makes it (3.11-3.13);
    None when that cannot be had or does not give the same pattern."""
    try:
        from re import _compiler, _parser
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        code = _compiler._code(parsed, pattern.flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for key, i in groupindex.items():
            indexgroup[i] = key
        args = (pattern.pattern, pattern.flags | parsed.state.flags, array("I", code).tobytes(),
                parsed.state.groups - 1, groupindex, tuple(indexgroup))
        if _rebuild(*args) != pattern:
            return None
        return args
    except Exception:
        return None


def _rebuild(source: str, flags: int, code: bytes, groups: int, groupindex: dict, indexgroup: tuple) -> re.Pattern:
    """A compiled pattern from its program (see _program); re.compile if the engine refuses it."""
    import _sre
    try:
        return _sre.compile(source, flags, array("I", code).tolist(), groups, groupindex, indexgroup)
    except Exception:
        return re.compile(source, flags)
