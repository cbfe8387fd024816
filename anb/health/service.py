"""Checks of the services the API cannot work without, and the short-lived memory of their result."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import redis
from flask import Flask, current_app
from sqlalchemy import text

from anb.extensions import db

log = logging.getLogger(__name__)


def database_ok() -> bool:
    """Whether MariaDB answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception as exc:  # any failure means "down" to a health check
        log.warning("health: database check failed: %s", exc)
        db.session.rollback()
        return False


def broker_ok() -> bool:
    """Whether RabbitMQ accepts a connection (one short attempt, no retries)."""
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception as exc:  # any failure means "down" to a health check
        log.warning("health: broker check failed: %s", exc)
        return False


def redis_ok() -> bool:
    """Whether Redis (rate limits and the ranking cache) answers a PING with the configured URL."""
    try:
        client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=2,
                                      socket_timeout=2)
        with client:
            return bool(client.ping())
    except Exception as exc:  # any failure means "down" to a health check
        log.warning("health: redis check failed: %s", exc)
        return False


@dataclass
class _Remembered:
    """The last readiness result of this process, and when it was taken."""

    parts: dict[str, bool] = field(default_factory=dict)
    taken_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


def readiness(app: Flask) -> dict[str, bool]:
    """Whether each service answers, checked at most once per HEALTH_CACHE_SECONDS in this process: a load
    balancer polling readiness must not open a broker connection per call (a gthread worker's threads share
    one check; each gunicorn worker keeps its own)."""
    remembered = app.extensions.setdefault("anb_readiness", _Remembered())
    max_age = app.config["HEALTH_CACHE_SECONDS"]
    with remembered.lock:
        if time.monotonic() - remembered.taken_at >= max_age:
            remembered.parts = {"database": database_ok(), "broker": broker_ok(), "cache": redis_ok()}
            remembered.taken_at = time.monotonic()
        return dict(remembered.parts)
