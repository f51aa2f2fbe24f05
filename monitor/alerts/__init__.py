"""Alerts: recorded once in SQLite, delivered by e-mail and signed webhook through an outbox.

The names below are loaded from their modules on first use: listing alerts (`policymon alerts`)
needs neither the e-mail nor the HTTP client that delivering them does."""
from importlib import import_module

_WHERE = {"render_alerts": "listing", "DeliveryReport": "outbox", "check_channel": "outbox",
          "deliver_pending": "outbox", "requeue_failed": "outbox", "send_alert": "outbox", "Alert": "record",
          "Delivery": "record", "alert_for_comparison": "record", "alert_for_fetch": "record",
          "list_alerts": "record", "sample_alert": "record"}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)


__all__ = ["Alert", "Delivery", "DeliveryReport", "alert_for_comparison", "alert_for_fetch", "check_channel",
           "deliver_pending", "list_alerts", "render_alerts", "requeue_failed", "sample_alert",
           "send_alert"]
