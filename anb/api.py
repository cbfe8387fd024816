"""Thin subclasses of smorest's Api and Blueprint: every smorest error comes out in the contract's format."""

from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException

from anb.errors import INVALID_JSON_MESSAGE, QUERY_MESSAGE, VALIDATION_MESSAGE, error_body


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, answering validation failures with 400 as the contract says (not 422), with a
    ``multipart`` location: a multipart body's text fields and files read by one schema."""

    DEFAULT_VALIDATION_STATUS = 400
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        """The form fields and the files of a multipart body together."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class Blueprint(flask_smorest.Blueprint):
    """A smorest Blueprint whose request validation fails with the contract's 400, and whose ``multipart``
    arguments are documented as one multipart/form-data request body (a form and a files schema side by
    side would each overwrite the other's)."""

    ARGUMENTS_PARSER = ArgumentsParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


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
