"""The front server as scripts/up runs it: Nginx rendered from the same template (config/frontserver.py) in
front of a real gunicorn and its upload pool, all on ports chosen free at run time and stopped after the
session."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config import TestingConfig
from tests.helpers import Gunicorn, Nginx


@dataclass
class Answer:
    """An HTTP response read off a raw socket."""

    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class FrontServer:
    """Where the test Nginx listens, and a raw-socket client for requests no HTTP library would send."""

    port: int
    media_root: Path

    def raw(self, request: bytes, body_chunks: Iterable[bytes] = (), timeout: float = 20) -> Answer:
        """Send ``request`` (and then the body chunks, until the server stops reading), read one answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as connection:
            connection.sendall(request)
            try:
                for chunk in body_chunks:
                    connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered before reading it all: the answer is what counts
            return _read_answer(connection)


def _read_answer(connection: socket.socket) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    length = int(headers.get("content-length", ["0"])[0])
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return Answer(int(lines[0].split()[1]), headers, body[:length])


@pytest.fixture(scope="session")
def front_server(_migrated_database: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontServer]:
    """gunicorn's two pools (config/gunicorn.conf.py, testing config) behind Nginx rendered like scripts/up
    renders it."""
    var = tmp_path_factory.mktemp("front-server")
    media_root = Path(TestingConfig.MEDIA_ROOT)
    (media_root / "processed").mkdir(parents=True, exist_ok=True)
    with (Gunicorn(var / "api") as api, Gunicorn(var / "upload", workers=1, pool="upload") as uploads,
          Nginx(var, api.api_bind, media_root, upload_upstream=uploads.api_bind) as nginx):
        yield FrontServer(urlsplit(nginx.url).port, media_root)
