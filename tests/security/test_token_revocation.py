"""Class 7: a password change revokes every token issued before it, and only those."""

import jwt as pyjwt

from anb.extensions import db
from anb.security import revoke_tokens, token_is_current
from tests.helpers import PASSWORD, bearer


def test_set_password_revokes_earlier_tokens_at_once(client, runner, user):
    old = bearer(user)
    assert client.get("/api/auth/me", headers=old).status_code == 200

    result = runner.invoke(args=["users", "set-password", user.email, "--password", "new-password-1"])
    assert result.exit_code == 0, result.output

    refused = client.get("/api/auth/me", headers=old)
    assert refused.status_code == 401
    assert refused.get_json() == {"code": 401, "status": "Unauthorized", "message": "Falta de autenticación."}
    assert client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD}).status_code == 401


def test_a_token_issued_right_after_the_change_works_even_in_the_same_second(client, runner, user, app):
    runner.invoke(args=["users", "set-password", user.email, "--password", "new-password-1"])

    fresh = client.post("/api/auth/login", json={"email": user.email, "password": "new-password-1"})
    token = fresh.get_json()["access_token"]

    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    claims = pyjwt.decode(token, app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert claims["tv"] == 1


def test_each_revocation_moves_the_generation_on(app, user):
    revoke_tokens(user)
    db.session.commit()
    revoke_tokens(user)
    db.session.commit()

    db.session.refresh(user)
    assert user.token_version == 2
    assert not token_is_current(user, {"tv": 1})
    assert token_is_current(user, {"tv": 2})


def test_tokens_from_before_the_claim_existed_count_as_the_first_generation(app, user):
    assert token_is_current(user, {})
    revoke_tokens(user)
    db.session.commit()
    db.session.refresh(user)
    assert not token_is_current(user, {})
