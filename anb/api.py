"""Thin subclasses of smorest's Api and Blueprint: every smorest error comes out in the contract's format."""

from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from anb.errors import INVALID_JSON_MESSAGE, QUERY_MESSAGE, VALIDATION_MESSAGE, error_body


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, answering validation failures with 400 as the contract says (not 422)."""

    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(flask_smorest.Blueprint):
    """A smorest Blueprint whose request validation fails with the contract's 400."""

    ARGUMENTS_PARSER = ArgumentsParser()


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
