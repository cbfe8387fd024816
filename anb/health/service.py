"""Checks of the services the API cannot work without."""

from __future__ import annotations

import logging

import redis
from flask import current_app
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
