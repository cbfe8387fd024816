"""One id per API request, carried into the processing chain, so an upload and its stages share it.

Nginx sends ``X-Request-ID`` (its ``$request_id``); without one (tests, direct calls) the app makes one.
The id travels to Celery in a task header, is set again in the worker while a task runs, and goes with
every task the worker publishes meanwhile (the chain's next stage, a retry), so one id follows the chain.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from flask import Flask, Response, request

HEADER = "X-Request-ID"
#: The Celery message header that carries the id.
TASK_HEADER = "request_id"
#: What we accept from a client: Nginx's 32 hex digits, a UUID, or similar; anything else is replaced,
#: so a caller cannot inject text into the logs.
VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    """The id of the request or task being handled, if any."""
    return _current.get()


def accepted(candidate: str | None) -> str:
    """The caller's id if it is well formed, else a new one."""
    return candidate if candidate and VALID_ID.fullmatch(candidate) else uuid.uuid4().hex


def enter(request_id: str | None) -> None:
    """Make ``request_id`` the current one (None: outside any request)."""
    _current.set(request_id)


def init_app(app: Flask) -> None:
    """Take or give each request its id, and echo it in the response."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_echo)
    app.teardown_request(_end)


def _begin() -> None:
    enter(accepted(request.headers.get(HEADER)))


def _echo(response: Response) -> Response:
    if current():
        response.headers[HEADER] = current()
    return response


def _end(_error: BaseException | None) -> None:
    _current.set(None)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (None outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Never drops a record; only annotates it."""
        record.request_id = current()
        return True


@before_task_publish.connect(dispatch_uid="anb.requestid.publish")
def _add_header(headers: dict, **_kwargs) -> None:
    """Stamp the id on every task published while a request or task is being handled."""
    if current() and TASK_HEADER not in headers:
        headers[TASK_HEADER] = current()


@task_prerun.connect(dispatch_uid="anb.requestid.prerun")
def _enter_task(task, **_kwargs) -> None:
    _current.set(_task_request_id(task))


@task_postrun.connect(dispatch_uid="anb.requestid.postrun")
def _leave_task(**_kwargs) -> None:
    _current.set(None)


def _task_request_id(task) -> str | None:
    """The id the publisher stamped on the running task's message."""
    headers = getattr(task.request, "headers", None) or {}
    return headers.get(TASK_HEADER) or getattr(task.request, TASK_HEADER, None)
