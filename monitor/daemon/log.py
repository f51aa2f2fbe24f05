"""The daemon's log: one line per event (company, action, outcome, duration) on stderr.

Text is logfmt (`key=value`, greppable, readable in journalctl); `--log-format json` writes one
JSON object a line for log collectors. Records from libraries come out in the same shape.
"""
from __future__ import annotations

import json
import logging
import sys
import time

_log = logging.getLogger("policymon.daemon")


def event(action: str, outcome: str, *, company: str | None = None, duration: float | None = None,
          detail: str | None = None, level: int = logging.INFO) -> None:
    _log.log(level, detail or "", extra={"event": {"company": company, "action": action, "outcome": outcome,
                                                   "duration": round(duration, 3) if duration is not None else None}})


def _fields(record: logging.LogRecord) -> dict:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
    fields = {"time": stamp, "level": record.levelname.lower()}
    fields.update(getattr(record, "event", None) or {"action": record.name, "outcome": record.levelname.lower()})
    detail = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        detail = f"{detail}: {type(exc).__name__}: {exc}" if detail else f"{type(exc).__name__}: {exc}"
    fields["detail"] = " ".join(detail.split()) or None
    return {k: v for k, v in fields.items() if v is not None}


def _logfmt(value) -> str:
    text = f"{value}s" if isinstance(value, float) else str(value)
    if text and not any(c in text for c in ' "=\\'):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        return " ".join(f"{k}={_logfmt(v)}" for k, v in fields.items())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False)


def setup_logging(log_format: str = "text", stream=None) -> None:
    """Route every logger to one stderr handler: policymon at INFO, libraries at WARNING.
    APScheduler's chatter and the outbox's per-delivery lines are muted: the daemon logs missed
    and skipped runs and one line per delivery round itself."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("policymon").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("policymon.alerts").setLevel(logging.ERROR)
