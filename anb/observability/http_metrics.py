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


def _start() -> None:
    g.metrics_started = time.perf_counter()
    g.metrics_in_flight = True
    HTTP_IN_FLIGHT.inc()


def _record(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None:
        endpoint = endpoint_template()
        HTTP_LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    return response


def _finish(_error: BaseException | None) -> None:
    if g.pop("metrics_in_flight", False):
        HTTP_IN_FLIGHT.dec()


def count_breach(_limit) -> None:
    """flask-limiter's on_breach callback: one refused request (login, sign-up, vote...)."""
    RATE_LIMITED.labels(endpoint_template()).inc()
