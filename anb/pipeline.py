"""What every request pays for inside the app, kept to what it uses (docs/capacity.md, "Profile").

py-spy and cProfile on a worker serving a cached read showed Flask's per-request work costing about four
times a bare Flask answer, in parts the API never needs: a cookie session opened (a signing serializer built)
for an API that keeps none, ``inspect.iscoroutinefunction`` asked again for each of ~16 hooks and views, and
the rate limiter's before_request hook resolving, for every request, limits that only exist on a few routes
(those decorated routes check their limits themselves). This module removes that work, changing no answer.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any

from flask import Flask
from flask.sessions import SessionInterface
from flask_limiter import Limiter


class App(Flask):
    """Flask, deciding once per function (not once per call) whether a hook or view is a coroutine."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._is_coroutine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def ensure_sync(self, func: Callable) -> Callable:
        """``func`` itself for a plain function (the answer remembered per function; a bound method by its
        function, since MethodView binds a new instance per request); a coroutine goes to async_to_sync."""
        key = getattr(func, "__func__", func)
        try:
            coroutine = self._is_coroutine.get(key)
            if coroutine is None:
                coroutine = self._is_coroutine[key] = iscoroutinefunction(func)
        except TypeError:  # not weak-referenceable: ask every time, as Flask does
            coroutine = iscoroutinefunction(func)
        return self.async_to_sync(func) if coroutine else func


class StatelessSessions(SessionInterface):
    """No cookie session: the API authenticates with bearer tokens, so Flask's session (a signing
    serializer built on every request to read a cookie nobody sets) is replaced by the null session,
    which refuses writes."""

    def open_session(self, app: Flask, request: Any):
        """Always the null session."""
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        """Nothing to save (Flask skips this for the null session anyway)."""


def limiter_needs_every_request(limiter: Limiter) -> bool:
    """Whether the limiter's before_request hook has anything to check: application-wide, default, meta or
    blueprint limits. Route limits (``limiter.limit`` on a view) are checked by the view's own wrapper."""
    manager = limiter.limit_manager
    return bool(manager.application_limits or manager.default_limits or limiter._meta_limits
                or manager._blueprint_limits)


def trim(app: Flask, limiter: Limiter) -> None:
    """Drop the per-request work this app does not use (called once every route is registered)."""
    app.session_interface = StatelessSessions()
    hooks = app.before_request_funcs.get(None, [])
    if not limiter_needs_every_request(limiter) and limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
