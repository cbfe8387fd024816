"""Nginx as the load balancer over several API hosts (config/frontserver.py, as scripts/cluster renders
it): a host that cannot be reached is skipped, idempotent requests are retried on the next host, a POST that
reached a host is never sent again, and Nginx's own failures keep the contract's JSON pages. The API hosts
here are small HTTP servers of the test's own that count what reaches them, so each rule is seen directly."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from anb.errors import error_body
from config.frontserver import UPSTREAM_FAIL_TIMEOUT, UPSTREAM_MAX_FAILS
from tests.helpers import Nginx, free_port


class CountingHost(ThreadingHTTPServer):
    """An API host that answers every GET and POST with ``status`` and counts them by method."""

    daemon_threads = True

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), _Answer)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


class _Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(self.command)
        body = json.dumps({"host": self.server.address}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reply

    def log_message(self, *_args) -> None:
        pass


class DroppingHost:
    """An API host that dies mid-request: it takes the connection, reads the request, and closes it
    without an answer (what Nginx sees when a host is killed while it works)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    if connection.recv(65536):
                        self.requests += 1
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def serving() -> Iterator[callable]:
    """Start CountingHosts; all stopped after the test."""
    hosts: list[CountingHost] = []

    def start(status: int = 200) -> CountingHost:
        hosts.append(CountingHost(status))
        threading.Thread(target=hosts[-1].serve_forever, daemon=True).start()
        return hosts[-1]

    yield start
    for host in hosts:
        host.shutdown()
        host.server_close()


@pytest.fixture
def live(serving) -> CountingHost:
    return serving()


@pytest.fixture
def dropping() -> Iterator[list[DroppingHost]]:
    hosts = [DroppingHost(), DroppingHost()]
    yield hosts
    for host in hosts:
        host.close()


def balancer(tmp_path: Path, upstreams: list[str]) -> Nginx:
    return Nginx(tmp_path / "lb", upstreams, tmp_path / "media")


def test_every_api_host_is_an_upstream_with_the_failure_rule(tmp_path, live):
    with balancer(tmp_path, [live.address, "127.0.0.1:9"]) as nginx:
        config = nginx.config.read_text()
    rule = f"max_fails={UPSTREAM_MAX_FAILS} fail_timeout={UPSTREAM_FAIL_TIMEOUT};"
    assert f"server {live.address} {rule}" in config
    assert f"server 127.0.0.1:9 {rule}" in config
    assert "proxy_next_upstream error timeout http_502 http_503;" in config
    assert "non_idempotent" not in config


def test_reads_go_on_when_an_api_host_dies_mid_request(tmp_path, live, dropping):
    with balancer(tmp_path, [dropping[0].address, live.address]) as nginx:
        answers = [requests.get(f"{nginx.url}/api/public/rankings", timeout=10) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 6
    assert dropping[0].requests == 1, "tried once, then left alone for fail_timeout"
    assert live.seen == ["GET"] * 6


def test_a_get_answered_503_is_retried_on_the_next_host(tmp_path, serving):
    unavailable, live = serving(503), serving()
    with balancer(tmp_path, [unavailable.address, live.address]) as nginx:
        answer = requests.get(f"{nginx.url}/api/public/rankings", timeout=10)
    assert answer.status_code == 200
    assert (unavailable.seen, live.seen) == (["GET"], ["GET"])


def test_a_post_answered_503_is_passed_on_not_sent_again(tmp_path, serving):
    hosts = [serving(503), serving(503)]
    with balancer(tmp_path, [host.address for host in hosts]) as nginx:
        answer = requests.post(f"{nginx.url}/api/public/videos/1/vote", timeout=10)
    assert answer.status_code == 503
    assert sorted(host.seen for host in hosts) == [[], ["POST"]]


def test_a_post_that_reached_a_host_is_never_sent_again(tmp_path, dropping):
    with balancer(tmp_path, [host.address for host in dropping]) as nginx:
        answer = requests.post(f"{nginx.url}/api/public/videos/1/vote", timeout=10)
    assert answer.status_code == 502
    assert answer.json() == error_body(502)
    assert sum(host.requests for host in dropping) == 1


def test_a_get_is_tried_on_the_next_host_before_a_json_502(tmp_path, dropping):
    with balancer(tmp_path, [host.address for host in dropping]) as nginx:
        answer = requests.get(f"{nginx.url}/api/public/rankings", timeout=10)
    assert answer.status_code == 502
    assert answer.json() == error_body(502)
    assert [host.requests for host in dropping] == [1, 1]


def test_a_host_that_refuses_connections_is_skipped_even_for_a_post(tmp_path, live):
    """Nothing was sent to a host that refused the connection, so even a vote goes to the next one."""
    with balancer(tmp_path, [f"127.0.0.1:{free_port()}", live.address]) as nginx:
        answers = [requests.post(f"{nginx.url}/api/public/videos/1/vote", timeout=10) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200] * 4
    assert live.seen == ["POST"] * 4


def upstream_block(config: str, name: str) -> str:
    return config.split(f"upstream {name} {{", 1)[1].split("}", 1)[0]


def test_uploads_go_to_the_api_hosts_when_no_upload_pool_is_named(tmp_path, live):
    """scripts/cluster's API hosts run one pool each: their uploads are balanced over the same hosts."""
    with balancer(tmp_path, [live.address, "127.0.0.1:9"]) as nginx:
        config = nginx.config.read_text()

    upload_servers = upstream_block(config, "anb_upload")
    assert live.address in upload_servers and "127.0.0.1:9 " in upload_servers
    upload_location = config.split("location = /api/videos/upload", 1)[1].split("location", 1)[0]
    assert "proxy_pass http://anb_upload;" in upload_location
