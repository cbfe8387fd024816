"""Counts and times every API request by its endpoint template (``/api/videos/<video_id>``, not the URL, so
the number of series stays small), and counts requests the rate limiter refuses."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from anb.observability.metrics import HTTP_IN_FLIGHT, HTTP_LATENCY, HTTP_REQUESTS, RATE_LIMITED

#: The label of a request no route matched (any URL would otherwise become a series of its own).
UNMATCHED = "<unmatched>"


def init_app(app: Flask) -> None:
    """Measure from the first before_request hook (ahead of the rate limiter's) to the response."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_record)
    app.teardown_request(_finish)
    app.config.setdefault("RATELIMIT_ON_BREACH_CALLBACK", count_breach)


def endpoint_template() -> str:
    """The matched route's rule, or UNMATCHED."""
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED


def started() -> float:
    """Count one request in flight; its start time, for ``answered``."""
    HTTP_IN_FLIGHT.inc()
    return time.perf_counter()


def answered(method: str, endpoint: str, status: int, since: float) -> None:
    """Count one answer and its latency (the request stays in flight until ``finished``)."""
    HTTP_LATENCY.labels(method, endpoint).observe(time.perf_counter() - since)
    HTTP_REQUESTS.labels(method, endpoint, str(status)).inc()


def finished() -> None:
    """The request is no longer in flight."""
    HTTP_IN_FLIGHT.dec()


def _start() -> None:
    g.metrics_started = started()
    g.metrics_in_flight = True


def _record(response: Response) -> Response:
    since = g.pop("metrics_started", None)
    if since is not None:
        answered(request.method, endpoint_template(), response.status_code, since)
    return response


def _finish(_error: BaseException | None) -> None:
    if g.pop("metrics_in_flight", False):
        finished()


def count_breach(_limit) -> None:
    """flask-limiter's on_breach callback: one refused request (login, sign-up, vote...)."""
    RATE_LIMITED.labels(endpoint_template()).inc()
