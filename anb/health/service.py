"""Checks of the services the API cannot work without."""

from __future__ import annotations

import logging

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
