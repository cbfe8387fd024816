"""What operators see of the running system: JSON logs with a request id, Prometheus metrics, stage traces."""

from __future__ import annotations

from flask import Flask

from anb.observability import http_metrics, logs, requestid


def init_app(app: Flask) -> None:
    """Log in JSON, give every request an id, and measure every request (before any other hook runs)."""
    logs.configure(app.config["LOG_LEVEL"])
    requestid.init_app(app)
    http_metrics.init_app(app)
