"""Class 12 (app side) and 5 (app side): security headers on every answer, CORS only for configured origins,
and no redirect built from the client's Host."""

import pytest

from anb import create_app
from anb.security import SECURITY_HEADERS
from config import TestingConfig


@pytest.mark.parametrize(("path", "status"), [("/api/health", 200), ("/api/nope", 404), ("/api/auth/me", 401),
                                              ("/api/docs", 200)])
def test_every_answer_carries_the_security_headers(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_all(name) == [value]


def test_no_cross_origin_access_by_default(client):
    response = client.get("/api/health", headers={"Origin": "https://front.example"})
    preflight = client.options("/api/auth/login", headers={"Origin": "https://front.example",
                                                            "Access-Control-Request-Method": "POST"})

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in preflight.headers


class WithFrontEnd(TestingConfig):
    CORS_ORIGINS = ["https://front.example"]


def test_configured_origins_may_call_the_api(_migrated_database):
    client = create_app(WithFrontEnd).test_client()

    preflight = client.options("/api/auth/login", headers={
        "Origin": "https://front.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    other = client.get("/api/health", headers={"Origin": "https://evil.example"})

    assert preflight.headers["Access-Control-Allow-Origin"] == "https://front.example"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("path", ["/api//health", "/api/health/", "/api/docs/", "/api//auth//me"])
def test_routing_never_redirects_to_the_clients_host(client, path):
    response = client.get(path, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})

    assert not 300 <= response.status_code < 400
    assert "evil" not in response.headers.get("Location", "")
