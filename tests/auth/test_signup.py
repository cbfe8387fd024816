"""POST /api/auth/signup."""

import pytest
from argon2 import PasswordHasher

from anb.extensions import db
from anb.models import User

VALID = {"first_name": "Ana", "last_name": "Pérez", "email": "ana@example.com", "password1": "s3cret-pass",
         "password2": "s3cret-pass", "city": "Bogotá", "country": "Colombia"}


def test_signup_creates_a_player_with_a_hashed_password(client):
    response = client.post("/api/auth/signup", json=VALID)

    assert response.status_code == 201
    body = response.get_json()
    assert body["message"] == "Usuario creado exitosamente."
    profile = body["user"]
    assert profile["username"] == "Ana Pérez"
    assert profile["role"] == "player"
    assert profile["email"] == "ana@example.com"
    assert isinstance(profile["user_id"], str)
    assert profile["created_at"].endswith("+00:00")
    assert not {"password", "password1", "password_hash"} & set(profile)
    stored = db.session.execute(db.select(User)).scalar_one()
    assert stored.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(stored.password_hash, "s3cret-pass")


def test_signup_stores_the_email_in_lower_case(client):
    response = client.post("/api/auth/signup", json={**VALID, "email": "  Ana@Example.COM "})

    assert response.status_code == 201
    assert response.get_json()["user"]["email"] == "ana@example.com"


@pytest.mark.parametrize("email", ["ana@example.com", "ANA@EXAMPLE.COM", "Ana@Example.com"])
def test_signup_rejects_a_taken_email_in_any_letter_case(client, email):
    assert client.post("/api/auth/signup", json=VALID).status_code == 201

    response = client.post("/api/auth/signup", json={**VALID, "email": email})

    assert response.status_code == 400
    assert "ana@example.com" in response.get_json()["message"]
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"password2": "different-pass"}, "password2"),
    ({"password1": "short", "password2": "short"}, "password1"),
    ({"email": "not-an-email"}, "email"),
    ({"first_name": "   "}, "first_name"),
    ({"city": None}, "city"),
    ({"country": 42}, "country"),
])
def test_signup_rejects_invalid_fields_naming_them(client, changes, field):
    response = client.post("/api/auth/signup", json={**VALID, **changes})

    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == 400 and body["status"] == "Bad Request" and body["message"]
    assert field in body["errors"]
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 0


def test_signup_lists_every_missing_field(client):
    response = client.post("/api/auth/signup", json={})

    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == set(VALID)


def test_signup_rejects_json_that_is_not_an_object(client):
    response = client.post("/api/auth/signup", json=["not", "an", "object"])

    assert response.status_code == 400
    assert response.get_json()["errors"] == {"_schema": ["Se esperaba un objeto JSON."]}


def test_signup_rejects_malformed_json(client):
    response = client.post("/api/auth/signup", data='{"email": ', content_type="application/json")

    assert response.status_code == 400
    assert response.get_json()["message"] == "El cuerpo de la solicitud no es un JSON válido."
