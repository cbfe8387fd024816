"""Class 6: one canonical email per account (NFKC, case folded, no invisible characters), compared byte for
byte, and login limits per resolved account and per client address."""

import pytest
from sqlalchemy import text

from anb.extensions import db
from config import TestingConfig
from tests.helpers import PASSWORD, app_with_clean_limits, at_revision

SIGNUP = {"first_name": "Ana", "last_name": "Pérez", "password1": PASSWORD, "password2": PASSWORD,
          "city": "Bogotá", "country": "Colombia"}
SAME_MAILBOX = ["ana@example.com", "ANA@Example.COM", "\uff41na@example.com", "ana@ｅxample.com"]
INVISIBLE = ["ana\u200b@example.com", "an\u00ada@example.com", "ana@example.com\u2060", "ana\x00@example.com"]


def login(client, email: str, password: str = PASSWORD):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_the_email_column_compares_byte_for_byte_with_a_unique_key(app):
    column = db.session.execute(text("SHOW FULL COLUMNS FROM users LIKE 'email'")).mappings().one()
    unique = db.session.execute(text("SHOW INDEX FROM users WHERE Column_name = 'email' AND Non_unique = 0"))

    assert column["Collation"] == "utf8mb4_bin"
    assert unique.first() is not None


@pytest.mark.parametrize("spelling", SAME_MAILBOX)
def test_spellings_with_one_canonical_form_are_one_account(client, spelling):
    assert client.post("/api/auth/signup", json={**SIGNUP, "email": "ana@example.com"}).status_code == 201

    assert login(client, spelling).status_code == 200
    again = client.post("/api/auth/signup", json={**SIGNUP, "email": spelling})
    assert again.status_code == 400 and "ya está registrado" in again.get_json()["message"]


@pytest.mark.parametrize("spelling", INVISIBLE)
def test_invisible_or_control_characters_are_refused(client, spelling):
    assert client.post("/api/auth/signup", json={**SIGNUP, "email": "ana@example.com"}).status_code == 201

    signup = client.post("/api/auth/signup", json={**SIGNUP, "email": spelling})
    for response in (login(client, spelling), signup):
        assert response.status_code == 400
        assert response.get_json()["errors"]["email"] == ["No puede contener caracteres de control."]


def test_a_different_mailbox_is_not_the_same_account(client):
    assert client.post("/api/auth/signup", json={**SIGNUP, "email": "ana@example.com"}).status_code == 201

    assert login(client, "ana@exámple.com").status_code == 401
    other = client.post("/api/auth/signup", json={**SIGNUP, "email": "ana@exámple.com"})
    assert other.status_code == 201
    assert other.get_json()["user"]["email"] == "ana@exámple.com"


class RateLimited(TestingConfig):
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "3 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "6 per minute"


def test_every_spelling_of_an_account_shares_one_login_bucket(user):
    app = app_with_clean_limits(RateLimited)
    with app.app_context():
        client = app.test_client()
        attempts = [login(client, spelling, "wrong-password") for spelling in SAME_MAILBOX]

    assert [response.status_code for response in attempts] == [401, 401, 401, 429]


def test_one_address_trying_many_emails_is_limited(user):
    app = app_with_clean_limits(RateLimited)
    with app.app_context():
        client = app.test_client()
        attempts = [login(client, f"guess{number}@example.com", "wrong") for number in range(7)]
        elsewhere = app.test_client().post("/api/auth/login", environ_base={"REMOTE_ADDR": "127.0.0.9"},
                                           json={"email": user.email, "password": PASSWORD})

    assert [response.status_code for response in attempts] == [401] * 6 + [429]
    assert elsewhere.status_code == 200


def test_the_migration_rewrites_stored_emails_to_their_canonical_form(app):
    with at_revision(app, "0002_covering_ranking_indexes"):
        db.session.execute(text(
            "INSERT INTO users (email, password_hash, first_name, last_name, city, country, created_at) "
            "VALUES ('ANA@Ｅxample.COM', 'x', 'Ana', 'Pérez', 'Bogotá', 'Colombia', NOW())"))
        db.session.commit()

    stored = db.session.execute(text("SELECT email, token_version FROM users")).one()
    assert tuple(stored) == ("ana@example.com", 0)
