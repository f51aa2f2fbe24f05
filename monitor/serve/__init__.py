"""`policymon serve`: a read-only web face on the store the daemon writes, where people already
look — a dashboard, company timelines and comparisons, the alerts, Atom feeds, a JSON API, and
/healthz and /metrics for the operator.

Starlette on uvicorn: an ASGI pair small in code and dependencies (starlette needs anyio,
uvicorn h11 and click), kept by the same people, whose routing, thread pool for plain
handlers and graceful shutdown on SIGTERM are all this needs. Imported only by the `serve`
command, so no other command pays for it.
"""
from __future__ import annotations

from ..config import Config
from ..errors import PolicymonError
from ..store import open_db
from ..store.db import MIGRATIONS, StoreError


def prepare_store(config: Config) -> None:
    """Bring the store to the current schema when it can be written (the daemon's first start
    would too); a read-only store must already be current, since pages read the newest columns."""
    if not config.database.is_file():
        raise PolicymonError(f"no database at {config.database} yet; run `policymon check` (or `policymon run`) "
                             f"first, or fix [storage] database")
    try:
        open_db(config.database).conn.close()
    except StoreError:
        db = open_db(config.database, readonly=True)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.conn.close()
        if version < len(MIGRATIONS):
            raise PolicymonError(f"database {config.database} is from an older policymon and read-only; run a "
                                 f"command that writes (`policymon check`) once with write access") from None


def serve(config: Config, host: str, port: int) -> int:
    """Serve until SIGTERM or SIGINT (after `prepare_store`); returns the exit code."""
    import signal

    import uvicorn

    from .app import create_app
    # uvicorn shuts down gracefully on SIGTERM and SIGINT, then raises the signal again for the
    # handler that was there before it: make that one a no-op, so a stop is exit 0, as `run`'s.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False,
                server_header=False, timeout_graceful_shutdown=5)
    return 0
