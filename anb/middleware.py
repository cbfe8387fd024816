"""WSGI middleware around the Flask app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import redis

from anb.cache import url_alias
from anb.observability import http_metrics, requestid

#: How much is read at a time while discarding a body.
DRAIN_CHUNK = 1024 * 1024


class _CountingInput:
    """wsgi.input, counting the bytes the app has read from it."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.consumed = 0

    def read(self, *args: Any) -> bytes:
        data = self.stream.read(*args)
        self.consumed += len(data)
        return data

    def readline(self, *args: Any) -> bytes:
        line = self.stream.readline(*args)
        self.consumed += len(line)
        return line

    def readlines(self, *args: Any) -> list[bytes]:
        lines = self.stream.readlines(*args)
        self.consumed += sum(map(len, lines))
        return lines

    def __iter__(self):
        return iter(self.readline, b"")


class DrainRequestBody:
    """Read what the app left of a request body before the answer goes out.

    An early answer (no token, 405, ...) leaves the body unread; gunicorn then discards at most 64 kB of it
    and closes the connection, while Nginx is still sending the rest: Nginx gets a broken pipe and answers
    502 instead of the app's JSON. Reading the body to its end (it is already buffered by Nginx, and never
    more than ``max_bytes``) keeps the connection sound and the app's answer intact.
    """

    def __init__(self, app: Callable, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        counted = environ["wsgi.input"] = _CountingInput(environ["wsgi.input"])
        answer = self.app(environ, start_response)
        remaining = length - counted.consumed
        if 0 < remaining <= self.max_bytes:
            while remaining > 0:
                chunk = counted.stream.read(min(remaining, DRAIN_CHUNK))
                if not chunk:
                    break
                remaining -= len(chunk)
        return answer


class PreparedReads:
    """Answer an anonymous GET of a prepared public read (the ranking, the catalogue's first page) straight
    from Redis, before Flask: one round trip (URL alias -> stored body), no routing, hooks or schemas.

    Flask's whole per-request pipeline cost about as much CPU as the rest of such a read together
    (docs/capacity.md, "Profile"). The alias is written only by the route, each time it serves that URL
    from a fresh prepared body (anb.cache.prepared_json), so this answers exactly what the route would,
    with the same headers: the request id (taken or made, echoed, current while answering), the security
    headers, the route's own headers (X-Ranking-Final) and the same request metrics. Everything else goes
    to Flask: another method, a path not listed, a bearer token, an Origin (CORS), a body, an unknown URL,
    an expired body (the route then rebuilds it, or serves the previous one while another worker does), or
    Redis failing. A limit added to these routes would have to be checked here too.
    """

    #: The routes whose anonymous GET may be a prepared body (endpoint templates, as the metrics label them).
    PATHS = frozenset({"/api/public/rankings", "/api/public/videos"})

    def __init__(self, app: Callable, backend: Any, security_headers: dict[str, str]):
        self.app = app
        self.backend = backend
        self.security_headers = list(security_headers.items())

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if (path not in self.PATHS or environ.get("REQUEST_METHOD") != "GET"
                or "HTTP_AUTHORIZATION" in environ or "HTTP_ORIGIN" in environ
                or environ.get("CONTENT_LENGTH") not in (None, "", "0")):
            return self.app(environ, start_response)
        since = http_metrics.started()
        try:
            found = self.backend.follow(url_alias(environ))
        except redis.RedisError:
            found = None
        if found is None:
            http_metrics.finished()  # Flask counts it from here on
            return self.app(environ, start_response)
        headers, body = found
        request_id = requestid.accepted(environ.get("HTTP_X_REQUEST_ID"))
        requestid.enter(request_id)
        try:
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body))), *headers.items(),
                                      (requestid.HEADER, request_id), *self.security_headers])
            http_metrics.answered("GET", path, 200, since)
            return [body]
        finally:
            requestid.enter(None)
            http_metrics.finished()
