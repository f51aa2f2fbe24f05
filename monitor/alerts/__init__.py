"""Alerts: recorded once in SQLite, delivered by e-mail and signed webhook through an outbox."""
from .listing import render_alerts
from .outbox import DeliveryReport, check_channel, deliver_pending, requeue_failed, send_alert
from .record import Alert, Delivery, alert_for_comparison, alert_for_fetch, list_alerts, sample_alert

__all__ = ["Alert", "Delivery", "DeliveryReport", "alert_for_comparison", "alert_for_fetch", "check_channel",
           "deliver_pending", "list_alerts", "render_alerts", "requeue_failed", "sample_alert",
           "send_alert"]
