"""`policymon run`: watch every company on its schedule, unattended, for months.

The process side lives here: the one-daemon-per-database lock, signals and config reloads. The
jobs themselves are in scheduler.py. Signals are blocked in every thread and taken with
sigtimedwait() by the main loop, so no handler ever runs in the middle of a check.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import load_config
from ..errors import PolicymonError

if TYPE_CHECKING:       # the daemon's parts are imported by run_daemon: `status` reads daemon.status alone
    from .scheduler import Daemon

POLL = 1.0            # seconds between looks at config.toml's mtime
STOP_GRACE = 10.0     # seconds running tasks get to finish after SIGTERM before they are abandoned
_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}

__all__ = ["run_daemon"]


def _stamp(path: Path):
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _stop_signal(info) -> bool:
    return info is not None and info.si_signo != signal.SIGHUP


def _reload(daemon: Daemon, path: Path, why: str) -> None:
    import logging
    from .log import event
    try:
        config = load_config(path)
        added, removed = daemon.apply(config)
    except PolicymonError as e:
        event("reload", "failed", detail=f"{why}: {e}; keeping the previous config", level=logging.WARNING)
        return
    event("reload", "ok", detail=f"{why}: {len(config.companies)} companies, {len(config.documents)} documents "
                                f"(+{added} -{removed})")


def run_daemon(config_path, *, log_format: str = "text") -> int:
    """Run until SIGTERM or SIGINT; returns the exit code (0 after a graceful stop)."""
    from ..bundled import seed_bundled_history
    from ..check import sweep_snapshots
    from .lock import acquire_lock
    from .log import event, setup_logging
    from .scheduler import Daemon
    path = Path(config_path)
    setup_logging(log_format)
    config = load_config(path)        # the same validation as `policymon config check` and every reload
    lock = acquire_lock(config.database)
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)   # before any thread starts
    try:
        daemon = Daemon(config)
        seed_bundled_history(config, daemon.db())
        temporary, orphans = sweep_snapshots(config, daemon.db())
        if temporary or orphans:
            event("sweep", "ok", detail=f"removed {temporary} unfinished and {orphans} unreferenced snapshot "
                                        f"file(s) left by interrupted runs")
        daemon.start()
        event("start", "ok", detail=f"pid {os.getpid()}, {len(config.companies)} companies, "
                                    f"{len(config.documents)} documents, {config.workers} workers, "
                                    f"database {config.database}")
        stamp = _stamp(path)
        while True:
            info = signal.sigtimedwait(_SIGNALS, POLL)
            if _stop_signal(info):
                break
            now = _stamp(path)
            if info is not None or now != stamp:
                stamp = now
                _reload(daemon, path, "SIGHUP" if info is not None else f"{path.name} changed")
        event("stop", "requested", detail=f"{signal.Signals(info.si_signo).name}; a second one stops at once")
        left = daemon.stop(STOP_GRACE, hurry=lambda: _stop_signal(signal.sigtimedwait(_SIGNALS, 0)))
        if left:
            # Threads cannot be killed; leave without them. Every store write is one transaction,
            # so an abandoned check leaves nothing half-written, and its next run redoes it.
            event("stop", "ok", detail=f"abandoned {', '.join(left)}")
            sys.stderr.flush()
            os._exit(0)
        event("stop", "ok", detail="all running tasks finished")
        return 0
    finally:
        while signal.sigtimedwait(_SIGNALS, 0) is not None:
            pass        # a signal still pending would act on its default (terminate) once unblocked
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        lock.release()
