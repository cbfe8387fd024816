"""The contract's error format, in one place: the body, its default messages, and the handlers that turn
infrastructure faults (a database, broker or object store out of reach: 503; a full media disk: 507) into
JSON instead of a bare 500.

Nginx's own JSON error pages are made from the same messages.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError as DatabaseError

from anb.storage import StorageFull, StorageUnavailable

log = logging.getLogger(__name__)

#: The message a client sees when the code that failed gave none of its own.
DEFAULT_MESSAGES = {
    400: "Solicitud inválida.",
    401: "Falta de autenticación.",
    403: "No tienes permiso para acceder a este recurso.",
    404: "Recurso no encontrado.",
    405: "Método no permitido para este recurso.",
    408: "La solicitud tardó demasiado en llegar.",
    409: "Conflicto con el estado actual del recurso.",
    413: "El cuerpo de la solicitud es demasiado grande.",
    414: "La URL de la solicitud es demasiado larga.",
    415: "Tipo de contenido no soportado.",
    416: "El rango solicitado no es válido para este archivo.",
    422: "Datos de entrada inválidos.",
    429: "Demasiadas solicitudes. Intenta de nuevo más tarde.",
    431: "Los encabezados de la solicitud son demasiado grandes.",
    500: "Error interno del servidor.",
    501: "Función no soportada por el servidor.",
    502: "Servicio no disponible temporalmente.",
    503: "Servicio no disponible temporalmente.",
    504: "El servidor tardó demasiado en responder.",
    505: "Versión de HTTP no soportada.",
    507: "No hay espacio de almacenamiento disponible. Intenta de nuevo más tarde.",
}
VALIDATION_MESSAGE = "Datos de entrada inválidos."
QUERY_MESSAGE = "Parámetro inválido en la consulta."
INVALID_JSON_MESSAGE = "El cuerpo de la solicitud no es un JSON válido."
JSON_TOO_DEEP_MESSAGE = "El cuerpo de la solicitud tiene demasiados niveles de anidación."
JSON_UNICODE_MESSAGE = "El cuerpo de la solicitud contiene caracteres Unicode inválidos (sustitutos sueltos)."
DATABASE_DOWN_MESSAGE = "La base de datos no está disponible. Intenta de nuevo más tarde."
REDIS_DOWN_MESSAGE = "El control de solicitudes no está disponible. Intenta de nuevo más tarde."
#: The contract's answer to any unacceptable upload file; a more precise reason may follow it.
UPLOAD_INVALID_MESSAGE = "Error en el archivo (tipo o tamaño inválido)."
BROKER_DOWN_MESSAGE = "El sistema de procesamiento no está disponible. Intenta de nuevo más tarde."
STORAGE_DOWN_MESSAGE = "El almacenamiento de videos no está disponible. Intenta de nuevo más tarde."
#: A stage that gave up because the store stayed out of reach through its retries.
STORAGE_DOWN_STAGE_MESSAGE = ("El almacenamiento de videos no estuvo disponible para procesar el video. "
                              "Intenta subirlo de nuevo.")

#: pymysql's "cannot connect", "server has gone away" and "lost connection" codes.
CONNECTION_ERRORS = {2003, 2006, 2013}


def error_body(code: int, message: str | None = None, errors: dict | None = None) -> dict[str, Any]:
    """The contract's error body: code, HTTP reason, Spanish message and, for validation, errors."""
    body: dict[str, Any] = {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": message or DEFAULT_MESSAGES.get(code, HTTPStatus(code).phrase),
    }
    if errors:
        body["errors"] = errors
    return body


def upload_too_large_message(max_bytes: int) -> str:
    """The 400 for a file over the upload limit, the same from the app and from Nginx."""
    return f"{UPLOAD_INVALID_MESSAGE} El archivo supera el tamaño máximo de {max_bytes // 2**20} MB."


def init_error_handlers(app: Flask) -> None:
    """Register the handlers for a database, broker, Redis or object store that cannot be reached."""
    app.register_error_handler(DatabaseError, _database_error)
    app.register_error_handler(BrokerError, _broker_unavailable)
    app.register_error_handler(RedisError, _redis_unavailable)
    app.register_error_handler(StorageFull, _storage_full)
    app.register_error_handler(StorageUnavailable, _storage_unavailable)


def _database_error(error: DatabaseError):
    code = error.orig.args[0] if error.orig is not None and error.orig.args else None
    if error.connection_invalidated or code in CONNECTION_ERRORS:
        log.error("database unavailable: %s", error.orig)
        return error_body(503, DATABASE_DOWN_MESSAGE), 503
    log.exception("database error")
    return error_body(500), 500


def _broker_unavailable(error: BrokerError):
    log.error("broker unavailable: %s", error)
    return error_body(503, BROKER_DOWN_MESSAGE), 503


def _redis_unavailable(error: RedisError):
    """Rate limits live in Redis: without it, limited endpoints (login, votes) fail closed."""
    log.error("redis unavailable: %s", error)
    return error_body(503, REDIS_DOWN_MESSAGE), 503


def _storage_unavailable(error: StorageUnavailable):
    log.error("media storage unavailable: %s", error)
    return error_body(503, STORAGE_DOWN_MESSAGE), 503


def _storage_full(error: StorageFull):
    log.error("media storage full: %s", error)
    return error_body(507), 507
