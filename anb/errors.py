"""Faults from the infrastructure become the contract's JSON 503 instead of a bare 500."""

from __future__ import annotations

import logging

from flask import Flask
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import DBAPIError

from anb.api import error_body

log = logging.getLogger(__name__)


def init_error_handlers(app: Flask) -> None:
    """Register the handlers for a database or broker that cannot be reached."""
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(BrokerError, _broker_unavailable)


def _database_unavailable(error: DBAPIError):
    if not error.connection_invalidated and not _is_connection_error(error):
        raise error
    log.error("database unavailable: %s", error.orig)
    return error_body(503, "La base de datos no está disponible. Intenta de nuevo más tarde."), 503


def _broker_unavailable(error: BrokerError):
    log.error("broker unavailable: %s", error)
    return error_body(503, "El sistema de procesamiento no está disponible. Intenta de nuevo más tarde."), 503


def _is_connection_error(error: DBAPIError) -> bool:
    """pymysql's 2003/2006/2013: cannot connect, server gone, connection lost."""
    code = error.orig.args[0] if error.orig is not None and error.orig.args else None
    return code in {2003, 2006, 2013}
