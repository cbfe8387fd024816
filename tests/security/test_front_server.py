"""Classes 1, 2, 4, 5 and 12 where they live in Nginx: through a real Nginx + gunicorn (conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from anb.errors import error_body, upload_too_large_message
from anb.security import SECURITY_HEADERS
from config import TestingConfig
from tests.helpers import Nginx, bearer, free_port

BIG = 48 * 1024 * 1024
CHUNK = b"\0" * (1024 * 1024)
REPEATS = 20


def big_body() -> Iterator[bytes]:
    return (CHUNK for _ in range(BIG // len(CHUNK)))


def request(method: str, path: str, *headers: str, length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def assert_contract_json(answer, status: int, message: str | None = None) -> None:
    assert answer.status == status, answer.body[:300]
    assert answer.header("content-type").startswith("application/json")
    body = answer.json()
    assert body["code"] == status
    assert body == error_body(status, message) if message or "errors" not in body else True


@pytest.fixture
def token(user) -> str:
    return bearer(user)["Authorization"]


@pytest.mark.parametrize(("method", "path", "auth", "status"), [
    ("POST", "/api/videos/upload", None, 401),
    ("POST", "/api/videos/upload", "Bearer not-a-token", 401),
    ("PUT", "/api/videos/upload", "token", 405),
    ("POST", "/api/auth/me", "token", 413),
    ("POST", "/api/public/rankings", None, 413),
])
def test_early_rejections_of_a_large_body_are_json_every_time(front_server, token, method, path, auth,
                                                              status):
    header = [f"Authorization: {token if auth == 'token' else auth}"] if auth else []
    statuses = []
    for _ in range(REPEATS):
        answer = front_server.raw(request(method, path, *header, "Content-Type: multipart/form-data; "
                                          "boundary=x", length=BIG), big_body())
        assert_contract_json(answer, status)
        statuses.append(answer.status)

    assert statuses == [status] * REPEATS


def test_an_upload_over_the_limit_is_the_contracts_400_from_nginx(front_server, token):
    too_big = TestingConfig.MAX_UPLOAD_BYTES + TestingConfig.UPLOAD_ENVELOPE_BYTES + 1

    answer = front_server.raw(request("POST", "/api/videos/upload", f"Authorization: {token}",
                                      "Content-Type: multipart/form-data; boundary=x", length=too_big))

    assert_contract_json(answer, 400, upload_too_large_message(TestingConfig.MAX_UPLOAD_BYTES))


@pytest.fixture
def processed_file(app, front_server):
    path = front_server.media_root / "processed" / "front-test.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * 1000)
    path.chmod(0o644)
    yield "/media/processed/front-test.mp4"
    path.unlink()


@pytest.mark.parametrize(("raw", "status"), [
    (b"HELLO\r\n\r\n", 400),
    (b"get /api/health HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    (b"GET /api/health HTTP/1.1\r\n\r\n", 400),
    (b"GET /api/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    (b"GET /api/health HTTP/9.9\r\nHost: a\r\n\r\n", 505),
    (b"GET /" + b"a" * 6000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414),
    (b"GET /api/health HTTP/1.1\r\nHost: a\r\nX-Big: " + b"b" * 6000 + b"\r\n\r\n", 431),
    (b"GET /api/health HTTP/1.1\r\nHost: a\r\nCookie: " + b"c" * 6000 + b"\r\n\r\n", 431),
    (b"TRACE /api/health HTTP/1.1\r\nHost: a\r\n\r\n", 405),
    (b"GET /nothing-here HTTP/1.1\r\nHost: a\r\n\r\n", 404),
    (b"GET /media/original/1.mp4 HTTP/1.1\r\nHost: a\r\n\r\n", 404),
    (b"POST /api/health HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
])
def test_nginx_answers_its_own_errors_in_the_contracts_json(front_server, raw, status):
    answer = front_server.raw(raw)

    assert_contract_json(answer, status)
    assert answer.json() == error_body(status)


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/me", "/api/videos/upload", "/api/videos/7",
                                  "/api/public/videos/5/vote", "/api/public/videos?page=2", "/api/health/"])
def test_nginx_refusing_trace_says_what_the_path_allows_as_the_app_would(front_server, path):
    trace = front_server.raw(request("TRACE", path))
    put = front_server.raw(request("PUT", path, length=0))  # no route takes PUT: the app's own 405

    assert (trace.status, put.status) == (405, 405)
    assert trace.json() == error_body(405)
    assert set(trace.header("allow").split(", ")) == set(put.header("allow").split(", ")), path


def test_only_a_405_carries_allow(front_server, processed_file):
    assert front_server.raw(request("POST", processed_file, length=0)).header("allow") == "GET, HEAD"
    assert front_server.raw(request("TRACE", "/nothing")).header("allow") is None
    assert front_server.raw(request("GET", "/api/videos/7/nothing")).header("allow") is None


def test_static_file_errors_are_json(front_server, processed_file):
    post = front_server.raw(request("POST", processed_file, length=0))
    bad_range = front_server.raw(request("GET", processed_file, "Range: bytes=5000-6000"))
    folder = front_server.raw(request("GET", "/media/processed/"))

    assert (post.status, post.json()) == (405, error_body(405))
    assert (bad_range.status, bad_range.json()) == (416, error_body(416))
    assert (folder.status, folder.json()) == (403, error_body(403))


@pytest.mark.parametrize("path", [
    "/api/h%C3%A9alth", "/api/health%00", "/api/%zz", "/api/health?x=%ff%fe", "/api/health#frag",
    "/api/he\xe9lth", "/api/health?q=" + "\xff" * 10, "/api/health;x=1", "/api/videos/%2e%2e/health",
    "/api/" + "a" * 3900,
])
def test_requests_nginx_lets_through_never_meet_gunicorns_html_pages(front_server, path):
    answer = front_server.raw(f"GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                              .encode("latin-1"))

    assert_json_answer(answer)


def assert_json_answer(answer) -> None:
    """Any answer, as long as it is JSON, and the contract's error body when it is an error."""
    assert answer.header("content-type").startswith("application/json"), answer.body[:200]
    if answer.status >= 400:
        assert answer.json()["code"] == answer.status


@pytest.mark.parametrize("headers", [
    "".join(f"X-H{number}: v\r\n" for number in range(300)),
    "X-Long: " + "v" * 4000 + "\r\n",
    "X-Obs: caf\xe9\r\n",
    "X-Tab: a\tb\r\n",
    "X_Under: a\r\n",
    "X-Space : a\r\n",
    "(bad): a\r\n",
])
def test_headers_gunicorn_would_refuse_are_stopped_or_accepted_by_nginx(front_server, headers):
    answer = front_server.raw(f"GET /api/health HTTP/1.1\r\nHost: a\r\n{headers}Connection: close\r\n\r\n"
                              .encode("latin-1"))

    assert_json_answer(answer)


@pytest.mark.parametrize("path", ["/api", "/api//health", "/media/processed"])
def test_no_redirect_names_the_clients_host(front_server, path):
    answer = front_server.raw(request("GET", path, "X-Forwarded-Host: evil.example").replace(
        b"Host: 127.0.0.1", b"Host: evil.example"))

    assert "evil" not in (answer.header("location") or "")
    if answer.header("location"):
        assert answer.header("location").startswith("/")


@pytest.mark.parametrize("path", ["/api/health", "/nothing", "/api/nothing", "processed"])
def test_security_headers_once_on_every_answer(front_server, processed_file, path):
    answer = front_server.raw(request("GET", processed_file if path == "processed" else path))

    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name.lower()) == [value], (name, answer.headers)


def test_an_upload_while_the_upload_pool_is_down_is_the_json_502_not_an_html_413(app, tmp_path):
    """Nginx's error page for a dead upstream is an internal request still carrying the upload's body."""
    with Nginx(tmp_path / "var", f"127.0.0.1:{free_port()}", app.config["MEDIA_ROOT"],
               upload_upstream=f"127.0.0.1:{free_port()}") as nginx:
        answer = requests.post(f"{nginx.url}/api/videos/upload", data=b"\0" * BIG, timeout=60,
                               headers={"Content-Type": "application/octet-stream"})

    assert answer.status_code == 502
    assert answer.json() == error_body(502)
