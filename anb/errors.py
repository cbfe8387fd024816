"""Faults from the infrastructure become the contract's JSON 503 instead of a bare 500."""

from __future__ import annotations

import logging

from flask import Flask
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError as DatabaseError

from anb.api import error_body

log = logging.getLogger(__name__)

#: pymysql's "cannot connect", "server has gone away" and "lost connection" codes.
CONNECTION_ERRORS = {2003, 2006, 2013}


def init_error_handlers(app: Flask) -> None:
    """Register the handlers for a database or broker that cannot be reached."""
    app.register_error_handler(DatabaseError, _database_error)
    app.register_error_handler(BrokerError, _broker_unavailable)


def _database_error(error: DatabaseError):
    code = error.orig.args[0] if error.orig is not None and error.orig.args else None
    if error.connection_invalidated or code in CONNECTION_ERRORS:
        log.error("database unavailable: %s", error.orig)
        return error_body(503, "La base de datos no está disponible. Intenta de nuevo más tarde."), 503
    log.exception("database error")
    return error_body(500), 500


def _broker_unavailable(error: BrokerError):
    log.error("broker unavailable: %s", error)
    return error_body(503, "El sistema de procesamiento no está disponible. Intenta de nuevo más tarde."), 503
