"""Thin subclasses of smorest's Api and Blueprint and of Flask's JSON provider: every request body is parsed
the same guarded way, and every smorest error comes out in the contract's format."""

from __future__ import annotations

import json
import re
import typing

import flask
import flask_smorest
import marshmallow
from flask import current_app
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from anb.errors import (
    INVALID_JSON_MESSAGE,
    JSON_TOO_DEEP_MESSAGE,
    JSON_UNICODE_MESSAGE,
    QUERY_MESSAGE,
    VALIDATION_MESSAGE,
    error_body,
)


class RejectedJSON(json.JSONDecodeError):
    """A body that is JSON to the letter but that the API refuses, with the Spanish reason why."""

    def __init__(self, message: str, document: str | bytes):
        super().__init__(message, document if isinstance(document, str) else "<bytes>", 0)
        self.message = message


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing what the standard parser lets through but nothing downstream can use:
    nesting deep enough to exhaust the parser's recursion (a RecursionError, i.e. a 500) and lone UTF-16
    surrogates ("\\ud800"), which no UTF-8 database, log or response can hold."""

    def loads(self, s: str | bytes, **kwargs: typing.Any) -> typing.Any:
        try:
            value = super().loads(s, **kwargs)
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise RejectedJSON(JSON_TOO_DEEP_MESSAGE, s) from None
        except UnicodeEncodeError:
            raise RejectedJSON(JSON_UNICODE_MESSAGE, s) from None
        return value


class IdConverter(BaseConverter):
    """An opaque id in a URL that never takes the name of a sibling route: ``<id(upload):video_id>`` leaves
    ``/api/videos/upload`` to the upload route (so GET there is 405, not "video upload not found"). The
    string is passed on unparsed; anb.lookups decides whether it can name a row."""

    def __init__(self, url_map, *reserved: str):
        super().__init__(url_map)
        names = "|".join(re.escape(name) for name in reserved)
        self.regex = f"(?!(?:{names})(?:/|$))[^/]+" if reserved else "[^/]+"


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, answering validation failures with 400 as the contract says (not 422), reading
    JSON bodies through the app's guarded provider, with a ``multipart`` location: a multipart body's text
    fields and files read by one schema."""

    DEFAULT_VALIDATION_STATUS = 400
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def __init__(self, *args: typing.Any, **kwargs: typing.Any):
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[marshmallow.Schema], marshmallow.Schema] = {}

    def _get_schema(self, argmap, req: flask.Request) -> marshmallow.Schema:
        """One instance per schema class, made on first use: building a schema deep-copies its declared
        fields, and webargs would do that on every request (a third of a cached read's cost). Loading keeps
        no state on the instance (none of our schemas stores any), so the instance is shared."""
        if isinstance(argmap, type) and issubclass(argmap, marshmallow.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def load_multipart(self, req, schema):
        """The form fields and the files of a multipart body together."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _raw_load_json(self, req: flask.Request) -> typing.Any:
        if not is_json_request(req):
            return core.missing
        return current_app.json.loads(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error, req: flask.Request, *args, **kwargs) -> typing.NoReturn:
        abort(400, exc=error, message=getattr(error, "message", INVALID_JSON_MESSAGE))


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
        body = {**data.get("details", {}), **error_body(error.code, message, errors)}
        headers = dict(data.get("headers") or {})
        if getattr(error, "valid_methods", None):  # a 405 says which methods the URL takes
            headers.setdefault("Allow", ", ".join(error.valid_methods))
        return body, error.code, headers
