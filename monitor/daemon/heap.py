"""Keep the daemon's memory from growing with the number of checks it has done.

glibc's malloc gives each thread an arena of its own and keeps what is freed in it for reuse,
so a daemon whose pool of threads parses page after page grows by tens of MiB over thousands of
checks while Python holds no more objects (bench_daemon.py at 10,000 companies: from 112 to
158 MiB while the first round of checks drained). Two arenas for the whole process
(M_ARENA_MAX) and handing free pages back to the system (malloc_trim) every TRIM_EVERY checks
keep it near what the checks need. Where the C library is not glibc, this does nothing.
"""
from __future__ import annotations

import ctypes
import itertools

M_ARENA_MAX = -8            # mallopt parameter, from glibc's malloc.h
ARENAS = 2
TRIM_EVERY = 100            # checks between two trims: a trim costs about a millisecond


class Heap:
    def __init__(self):
        self._libc = _glibc()
        self._checks = itertools.count(1)
        self.arenas_set = bool(self._libc is not None and self._libc.mallopt(M_ARENA_MAX, ARENAS))

    def checked(self) -> bool:
        """Count a check; every TRIM_EVERY checks, give free memory back. Returns whether it did."""
        if self._libc is None or next(self._checks) % TRIM_EVERY:
            return False
        self._libc.malloc_trim(0)
        return True


def _glibc():
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version            # glibc only; musl and others have neither call
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        return libc
    except (OSError, AttributeError):
        return None
