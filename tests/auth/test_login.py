"""POST /api/auth/login."""

import jwt as pyjwt
import pytest

from config import TestingConfig
from tests.helpers import PASSWORD, app_with_clean_limits


def test_login_returns_a_bearer_token_for_an_hour(client, user, app):
    response = client.post("/api/auth/login", json={"email": "ANA@example.com", "password": PASSWORD})

    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    claims = pyjwt.decode(body["access_token"], app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert claims["sub"] == str(user.id)
    assert claims["exp"] - claims["iat"] == 3600


@pytest.mark.parametrize("credentials", [
    {"email": "ana@example.com", "password": "wrong-password"},
    {"email": "nobody@example.com", "password": PASSWORD},
])
def test_login_rejects_bad_credentials_the_same_way(client, user, credentials):
    response = client.post("/api/auth/login", json=credentials)

    assert response.status_code == 401
    assert response.get_json() == {"code": 401, "status": "Unauthorized",
                                   "message": "Credenciales inválidas."}


def test_login_without_password_is_a_validation_error(client):
    response = client.post("/api/auth/login", json={"email": "ana@example.com"})

    assert response.status_code == 400
    assert "password" in response.get_json()["errors"]


def test_login_upgrades_a_hash_made_with_older_parameters(client, user, app):
    from argon2 import PasswordHasher

    from anb.extensions import db

    user.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    db.session.commit()

    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD}).status_code == 200

    db.session.refresh(user)
    assert f"m={app.config['ARGON2_MEMORY_COST_KIB']}" in user.password_hash


class RateLimited(TestingConfig):
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "3 per minute"


def test_repeated_logins_are_limited_per_account_with_a_json_429(user):
    app = app_with_clean_limits(RateLimited)
    with app.app_context():
        client = app.test_client()
        attempts = [client.post("/api/auth/login", json={"email": user.email, "password": "wrong-password"})
                    for _ in range(4)]
        other_account = client.post("/api/auth/login", json={"email": "other@example.com", "password": "x"})

    assert [response.status_code for response in attempts] == [401, 401, 401, 429]
    assert attempts[-1].get_json()["code"] == 429 and attempts[-1].get_json()["message"]
    assert "Retry-After" in attempts[-1].headers
    assert other_account.status_code == 401
