"""Content-addressed snapshot files: raw bytes are never modified and stored once.

A body lives at `<root>/<sha[:2]>/<sha>`; writes go to a temporary file in the same
directory, are fsynced and then renamed, so a crash never leaves a half-written snapshot.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
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
