"""JSON log lines (python-json-logger), one object per line, each with the request id it belongs to."""

from __future__ import annotations

import logging
import sys

from celery.signals import after_setup_logger, after_setup_task_logger
from pythonjsonlogger.json import JsonFormatter

from anb.observability.requestid import RequestIdFilter

FIELDS = ("asctime", "levelname", "name", "process", "message", "request_id")


def json_formatter() -> JsonFormatter:
    """The one line format of the API and the workers."""
    return JsonFormatter(list(FIELDS), rename_fields={"asctime": "time", "levelname": "level",
                                                       "name": "logger"},
                         json_ensure_ascii=False)


def restyle(handler: logging.Handler) -> None:
    """Make ``handler`` write JSON lines with the request id."""
    handler.setFormatter(json_formatter())
    if not any(isinstance(existing, RequestIdFilter) for existing in handler.filters):
        handler.addFilter(RequestIdFilter())


class _Handler(logging.StreamHandler):
    """The API's stderr handler (gunicorn collects stderr into its error log)."""


def configure(level: str) -> None:
    """Log to stderr in JSON at ``level``; safe to call again (each app the tests build calls it)."""
    root = logging.getLogger()
    if not any(isinstance(handler, _Handler) for handler in root.handlers):
        handler = _Handler(sys.stderr)
        restyle(handler)
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


@after_setup_logger.connect(dispatch_uid="anb.logs.worker")
@after_setup_task_logger.connect(dispatch_uid="anb.logs.task")
def _restyle_celery(logger: logging.Logger, **_kwargs) -> None:
    """Celery sets up its own handlers (its --logfile among them); make them write our JSON lines."""
    for handler in logger.handlers:
        restyle(handler)
