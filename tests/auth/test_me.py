"""GET and PATCH /api/auth/me, and every way a token can be wrong."""

from datetime import timedelta

import jwt as pyjwt
import pytest

from tests.helpers import bearer

UNAUTHENTICATED = {"code": 401, "status": "Unauthorized", "message": "Falta de autenticación."}


def test_me_returns_the_profile_of_the_token_owner(client, user, auth_headers):
    response = client.get("/api/auth/me", headers=auth_headers)

    assert response.status_code == 200
    profile = response.get_json()
    assert profile["user_id"] == str(user.id)
    assert profile["username"] == "Ana Pérez"
    assert set(profile) == {"user_id", "first_name", "last_name", "username", "email", "city", "country",
                            "role", "created_at", "votes", "public_votes", "jury_votes", "position",
                            "city_position"}


def test_patch_me_updates_only_the_allowed_fields(client, user, auth_headers):
    response = client.patch("/api/auth/me", headers=auth_headers,
                            json={"city": "Medellín", "last_name": "Gómez",
                                  "email": "x@evil.com", "role": "admin"})

    assert response.status_code == 200
    profile = response.get_json()
    assert (profile["city"], profile["username"]) == ("Medellín", "Ana Gómez")
    assert (profile["email"], profile["role"]) == ("ana@example.com", "player")


def test_patch_me_rejects_a_blank_field(client, auth_headers):
    response = client.patch("/api/auth/me", headers=auth_headers, json={"city": " "})

    assert response.status_code == 400
    assert "city" in response.get_json()["errors"]


def _forged(user) -> dict:
    token = pyjwt.encode({"sub": str(user.id), "type": "access", "fresh": False, "jti": "x",
                          "iat": 1, "nbf": 1, "exp": 4_000_000_000}, "not-the-server-key-but-long-enough-32b",
                         algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("make_headers", [
    lambda user: {},
    lambda user: {"Authorization": "Bearer"},
    lambda user: {"Authorization": "Bearer not.a.jwt"},
    lambda user: {"Authorization": "Token abc"},
    _forged,
    lambda user: bearer(user, expires_delta=timedelta(seconds=-5)),
], ids=["missing", "empty", "malformed", "wrong-scheme", "forged", "expired"])
def test_me_rejects_every_bad_token_with_401(client, user, make_headers):
    for method in (client.get, client.patch):
        response = method("/api/auth/me", headers=make_headers(user), json={})

        assert response.status_code == 401
        assert response.get_json() == UNAUTHENTICATED


def test_token_of_a_deleted_user_is_rejected(client, user, auth_headers):
    from anb.extensions import db

    db.session.delete(user)
    db.session.commit()

    assert client.get("/api/auth/me", headers=auth_headers).status_code == 401
