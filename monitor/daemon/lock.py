"""One daemon per database: an exclusive flock on `<database>.lock`, holding the owner's PID.

The kernel drops the lock when the process dies however it dies, so a crash never leaves a
stale lock behind; the PID inside only serves the message a second `policymon run` prints.
"""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from ..errors import PolicymonError


class DaemonRunning(PolicymonError):
    """Another `policymon run` already owns this database."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _read_pid(path: Path) -> int:
    """The PID written in the lock file; 0 in the instant between locking and writing it."""
    try:
        pid = path.read_text().strip()
    except OSError:
        return 0
    return int(pid) if pid.isdigit() else 0


class DaemonLock:
    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)      # closing drops the flock; the file stays for the next run
            self._fd = None


def acquire_lock(database: Path, attempts: int = 5) -> DaemonLock:
    """Take the database's daemon lock or raise DaemonRunning naming the PID that holds it.

    A few quick retries ride over `policymon status` peeking at the lock at the same moment.
    """
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise PolicymonError(f"cannot create the daemon lock {path}: {e.strerror}; the [storage] database "
                             f"directory must be writable by this user") from None
    for attempt in range(attempts):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if attempt == attempts - 1:
                os.close(fd)
                pid = _read_pid(path)
                raise DaemonRunning(f"another `policymon run` (PID {pid or 'unknown'}) is already watching {database}; "
                                    f"stop it first, or give this one a different [storage] database") from None
            time.sleep(0.05)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return DaemonLock(path, fd)


def daemon_pid(database: Path) -> int | None:
    """The PID of the daemon watching `database` (0 if unreadable), or None when none runs."""
    path = lock_path(database)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _read_pid(path)
    finally:
        os.close(fd)
    return None
