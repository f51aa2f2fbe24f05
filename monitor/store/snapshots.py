"""Content-addressed snapshot files: raw bytes are never modified and stored once.

A body lives at `<root>/<sha[:2]>/<sha>`; writes go to a temporary file in the same
directory, are fsynced and then renamed, so a crash never leaves a half-written snapshot.
A crash can leave a `.tmp-*` file, or a file whose row was never committed; `sweep` removes
both once they are older than a grace period, and only while it holds the database's write
lock, under which `save_snapshot` also makes sure its file exists before inserting the row,
so a file a concurrent writer is about to reference is never removed.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from ..errors import PolicymonError


def snapshot_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


def write_snapshot_file(root: Path, body: bytes) -> tuple[str, str]:
    """Store `body` under `root`; returns (sha256, relative path). Idempotent."""
    sha = hashlib.sha256(body).hexdigest()
    rel = snapshot_path(sha)
    target = root / rel
    if target.exists() and target.stat().st_size == len(body):
        os.utime(target)                # young again: no sweep removes it before its row commits
        return sha, rel
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise PolicymonError(f"cannot write snapshot under {root}: {e.strerror}; check [storage] snapshots "
                             f"and free disk space") from None
    return sha, rel


def read_snapshot_file(root: Path, rel: str) -> bytes:
    try:
        return (root / rel).read_bytes()
    except OSError:
        raise PolicymonError(f"snapshot file {root / rel} is missing; restore the snapshots directory "
                             f"from a backup") from None


SWEEP_GRACE = 3600.0          # seconds a file may wait for its row; a write takes far less
_SNAPSHOT_NAME = re.compile(r"^[0-9a-f]{64}$")


def sweep(root: Path, referenced, *, grace: float = SWEEP_GRACE, lock=None) -> tuple[int, int]:
    """Remove `.tmp-*` leftovers and snapshot files no row references, older than `grace`
    seconds; returns (temporary files, orphans) removed.

    `referenced()` gives the set of relative paths the database refers to; it is read, and the
    files removed, inside `lock()` (the database write lock), where no capture can commit a row
    for them meanwhile."""
    if not root.is_dir():
        return 0, 0
    cutoff = time.time() - grace
    stale: list[Path] = []
    for folder in root.iterdir():
        if not (folder.is_dir() and len(folder.name) == 2):
            continue
        for entry in os.scandir(folder):
            name = entry.name
            if (name.startswith(".tmp-") or _SNAPSHOT_NAME.match(name)) and entry.is_file() \
                    and entry.stat().st_mtime < cutoff:
                stale.append(Path(entry.path))
    if not stale:
        return 0, 0
    temporary = orphans = 0
    with lock():
        paths = referenced()
        for path in stale:
            rel = f"{path.parent.name}/{path.name}"
            try:
                if path.name.startswith(".tmp-"):
                    path.unlink()
                    temporary += 1
                elif rel not in paths and path.stat().st_mtime < cutoff:
                    path.unlink()
                    orphans += 1
            except FileNotFoundError:
                pass
    return temporary, orphans
