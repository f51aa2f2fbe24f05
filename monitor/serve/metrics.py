"""/metrics: the store's figures in Prometheus' text format, through the official client.

A custom collector reads the database at each scrape (the prometheus-client way to export the
state of another system): the daemon does the work and records it, this process only reads,
so the figures are the same whichever process, or how many, serves them.
"""
from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ..config import Config
from ..daemon.lock import daemon_pid
from ..model import split_document

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


class StoreCollector:
    """Figures read from the store (and the daemon's lock) at every scrape."""

    def __init__(self, config: Config, db):
        self.config, self.db = config, db

    def collect(self):
        db, config = self.db(), self.config()
        checks = CounterMetricFamily("policymon_checks", "Live checks recorded, by outcome", labels=["outcome"])
        for r in db.query("SELECT outcome, count(*) AS n FROM checks GROUP BY outcome"):
            checks.add_metric([r["outcome"]], r["n"])
        yield checks

        success = GaugeMetricFamily("policymon_last_success_timestamp_seconds",
                                    "When each document's last successful check finished (Unix time)",
                                    labels=["company", "document"])
        checked = GaugeMetricFamily("policymon_last_check_timestamp_seconds",
                                    "When each document was last checked, successfully or not (Unix time)",
                                    labels=["company", "document"])
        failing = GaugeMetricFamily("policymon_consecutive_failures", "Failed checks in a row, per document",
                                    labels=["company", "document"])
        rows = {r["slug"]: r for r in db.query(
            "SELECT slug, last_success_at, last_checked_at, consecutive_failures FROM companies")}
        for key in config.documents:
            row = rows.get(key)
            labels = list(split_document(key))
            if row is None:
                continue
            for family, value in ((success, _seconds(row["last_success_at"])),
                                  (checked, _seconds(row["last_checked_at"]))):
                if value is not None:
                    family.add_metric(labels, value)
            failing.add_metric(labels, row["consecutive_failures"])
        yield from (success, checked, failing)

        versions = GaugeMetricFamily("policymon_versions", "Stored versions, per document", labels=["company", "document"])
        for r in db.query("SELECT company, count(*) AS n FROM versions GROUP BY company"):
            versions.add_metric(list(split_document(r["company"])), r["n"])
        yield versions

        alerts = CounterMetricFamily("policymon_alerts", "Alerts recorded, by kind", labels=["kind"])
        for r in db.query("SELECT kind, count(*) AS n FROM alerts GROUP BY kind"):
            alerts.add_metric([r["kind"]], r["n"])
        yield alerts

        deliveries = GaugeMetricFamily("policymon_deliveries", "Deliveries in the outbox, by channel and state "
                                       "(pending, sending, sent, failed)", labels=["channel", "status"])
        for r in db.query("SELECT channel, status, count(*) AS n FROM deliveries GROUP BY channel, status"):
            deliveries.add_metric([r["channel"], r["status"]], r["n"])
        yield deliveries

        counts = {r["name"]: r["value"] for r in db.query("SELECT name, value FROM counters")}
        yield CounterMetricFamily("policymon_wayback_requests", "Requests sent to the Wayback Machine (CDX and "
                                  "captures)", value=counts.get("wayback_requests", 0))
        yield CounterMetricFamily("policymon_wayback_429", "429 Too Many Requests answers from the Wayback Machine",
                                  value=counts.get("wayback_429s", 0))
        yield GaugeMetricFamily("policymon_documents", "Documents in the config", value=len(config.documents))
        yield GaugeMetricFamily("policymon_daemon_running", "1 when a `policymon run` holds the database's lock",
                                value=int(daemon_pid(config.database) is not None))


def metrics_text(config, db) -> bytes:
    """The exposition: `config()` and `db()` give the current config and this thread's connection."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(config, db))
    return generate_latest(registry)
