"""The front server as scripts/up runs it: Nginx rendered from the same template (config/frontserver.py) in
front of a real gunicorn, both on ports chosen free at run time and stopped after the session."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from config import ROOT, TestingConfig
from config.frontserver import render
from tests.helpers import free_port

NGINX_TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


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
def front_server(_migrated_database: None) -> Iterator[FrontServer]:
    """gunicorn (config/gunicorn.conf.py, testing config) behind Nginx rendered like scripts/up renders it."""
    var = Path(tempfile.mkdtemp(prefix="test-nginx-", dir=ROOT / "var"))
    var.chmod(0o755)  # Nginx's workers (www-data) read the error pages and write temporary bodies here
    for folder in ("run", "log", "app"):
        (var / folder).mkdir()
    for folder in NGINX_TEMP_DIRS:
        (var / "nginx" / folder).mkdir(parents=True)
        shutil.chown(var / "nginx" / folder, "www-data")
    media_root = Path(TestingConfig.MEDIA_ROOT)
    (media_root / "processed").mkdir(parents=True, exist_ok=True)
    api_port, nginx_port = free_port(), free_port()
    env = {**os.environ, "ANB_ENV": "testing", "GUNICORN_BIND": f"127.0.0.1:{api_port}",
           "API_METRICS_BIND": f"127.0.0.1:{free_port()}", "PROMETHEUS_MULTIPROC_DIR": str(var / "metrics"),
           "ANB_VAR_DIR": str(var), "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
    gunicorn = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py",
                                 "wsgi:app"], cwd=ROOT, env=env)
    conf = render(var, media_root, listen=f"127.0.0.1:{nginx_port}", upstream=f"127.0.0.1:{api_port}")
    try:
        wait_for_port(api_port, gunicorn)
        subprocess.run(["nginx", "-t", "-q", "-c", str(conf)], check=True)
        subprocess.run(["nginx", "-c", str(conf)], check=True)
        wait_for_port(nginx_port)
        yield FrontServer(nginx_port, media_root)
    finally:
        pidfile = var / "run" / "nginx.pid"
        if pidfile.exists():
            subprocess.run(["nginx", "-c", str(conf), "-s", "stop"], check=False)
        gunicorn.terminate()
        gunicorn.wait(30)
        shutil.rmtree(var, ignore_errors=True)
