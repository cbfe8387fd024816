"""WSGI middleware around the Flask app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
