"""The per-request work the app no longer does (anb/pipeline.py, docs/capacity.md "Profile"): no cookie
session, no limiter hook without app-wide limits, one coroutine check per function, one schema instance per
arguments schema; and what stays exactly as it was."""

from __future__ import annotations

import pytest
from flask import session
from flask.sessions import NullSession
from flask_limiter import Limiter
from werkzeug.test import EnvironBuilder

import anb.pipeline
from anb.api import ArgumentsParser
from anb.extensions import limiter
from anb.schemas import PageArgsSchema
from anb.security import SECURITY_HEADERS
from config import TestingConfig
from tests.helpers import app_with_clean_limits


def test_no_cookie_session_is_opened_or_sent(app, client):
    with app.test_request_context("/api/health/live"):
        app.preprocess_request()
        assert isinstance(session, NullSession)
    response = client.get("/api/health/live", headers={"Cookie": "session=forged"})

    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_the_limiter_hook_is_dropped_when_only_routes_have_limits(app):
    assert limiter._check_request_limit not in app.before_request_funcs[None]


class DefaultLimit(TestingConfig):
    """An app-wide default limit, which only the limiter's before_request hook can apply."""

    RATELIMIT_ENABLED = True
    RATELIMIT_DEFAULT = "2 per minute"


def test_an_app_wide_limit_keeps_the_limiter_hook_and_applies(app):
    limited = app_with_clean_limits(DefaultLimit)
    client = limited.test_client()

    statuses = [client.get("/api/health/live").status_code for _ in range(3)]

    assert limiter._check_request_limit in limited.before_request_funcs[None]
    assert statuses == [200, 200, 429]


def test_the_limiter_needs_its_hook_for_any_app_wide_limit():
    needs = anb.pipeline.limiter_needs_every_request

    assert not needs(Limiter(key_func=lambda: "k"))
    assert needs(Limiter(key_func=lambda: "k", default_limits=["1/second"]))
    assert needs(Limiter(key_func=lambda: "k", application_limits=["1/second"]))


def test_a_function_is_checked_for_a_coroutine_once(app, monkeypatch):
    asked = []
    monkeypatch.setattr(anb.pipeline, "iscoroutinefunction", lambda func: asked.append(func) or False)

    class View:
        def get(self) -> None:
            """A method bound anew for every request, as MethodView does."""

    def hook() -> None:
        """A plain hook."""

    results = [app.ensure_sync(function) for function in (hook, hook, View().get, View().get)]

    assert results[:2] == [hook, hook] and len(asked) == 2


def test_a_coroutine_still_goes_to_async_to_sync(app, monkeypatch):
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("wrapped", func))

    async def view() -> None:
        """A coroutine view."""

    assert app.ensure_sync(view) == ("wrapped", view)
    assert app.ensure_sync(view) == ("wrapped", view)


def test_an_arguments_schema_is_built_once_and_still_validates(app, client):
    parser = ArgumentsParser()
    request = EnvironBuilder(path="/").get_request()

    assert parser._get_schema(PageArgsSchema, request) is parser._get_schema(PageArgsSchema, request)
    assert client.get("/api/public/rankings?page=0").status_code == 400
    assert client.get("/api/public/rankings?page=2").status_code == 200


@pytest.mark.parametrize("path", ["/api/health/live", "/api/public/rankings", "/api/nope"])
def test_a_header_the_route_set_is_kept_and_the_others_added_once(app, path):
    @app.after_request  # runs before the security headers' hook (after_request runs in reverse order)
    def _route_header(response):
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = app.test_client().get(path)

    assert response.headers.get_all("X-Frame-Options") == ["SAMEORIGIN"]
    for name in ("X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"):
        assert response.headers.get_all(name) == [SECURITY_HEADERS[name]]
