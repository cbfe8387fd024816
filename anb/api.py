"""Thin subclasses of smorest's Api and Blueprint: the one place the contract's error format is made."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

#: The message a client sees when the code that failed gave none of its own.
DEFAULT_MESSAGES = {
    400: "Solicitud inválida.",
    401: "Falta de autenticación.",
    403: "No tienes permiso para acceder a este recurso.",
    404: "Recurso no encontrado.",
    405: "Método no permitido para este recurso.",
    409: "Conflicto con el estado actual del recurso.",
    413: "Error en el archivo (tipo o tamaño inválido).",
    415: "Tipo de contenido no soportado.",
    422: "Datos de entrada inválidos.",
    429: "Demasiadas solicitudes. Intenta de nuevo más tarde.",
    500: "Error interno del servidor.",
    502: "Servicio no disponible temporalmente.",
    503: "Servicio no disponible temporalmente.",
    504: "El servidor tardó demasiado en responder.",
}
VALIDATION_MESSAGE = "Datos de entrada inválidos."
QUERY_MESSAGE = "Parámetro inválido en la consulta."
INVALID_JSON_MESSAGE = "El cuerpo de la solicitud no es un JSON válido."


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, answering validation failures with 400 as the contract says (not 422)."""

    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(flask_smorest.Blueprint):
    """A smorest Blueprint whose request validation fails with the contract's 400."""

    ARGUMENTS_PARSER = ArgumentsParser()


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


def _field_errors(messages: dict) -> dict:
    """Flatten webargs' {location: {field: [...]}} into the contract's {field: [...]}."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


class Api(flask_smorest.Api):
    """smorest's Api with every HTTP error rendered in the contract's format."""

    def handle_http_exception(self, error: HTTPException):
        """Render any HTTP error (including unhandled faults, as 500) as the contract's JSON."""
        data = getattr(error, "data", None) or {}
        errors = data.get("errors")
        message = data.get("message")
        if errors is None and "messages" in data:
            errors = _field_errors(data["messages"])
            message = message or (QUERY_MESSAGE if "query" in data["messages"] else VALIDATION_MESSAGE)
        if errors == {"json": ["Invalid JSON body."]}:
            errors, message = None, INVALID_JSON_MESSAGE
        body = {**data.get("details", {}), **error_body(error.code, message, errors)}
        return body, error.code, data.get("headers", {})
