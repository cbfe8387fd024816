"""Sign-up hygiene: throwaway-mail domains refused, one account per mailbox (dots and +tags where ignored)."""

from __future__ import annotations

import pytest

from anb.auth.mailbox import is_disposable, mailbox_key
from anb.extensions import db
from anb.models import User
from config import Config

DISPOSABLE = "No se aceptan correos de servicios temporales o desechables."


@pytest.mark.parametrize(("email", "key"), [
    ("j.doe+promo@gmail.com", "jdoe@gmail.com"),
    ("j.d.o.e@googlemail.com", "jdoe@gmail.com"),
    ("ana.ruiz+anb@outlook.com", "ana.ruiz@outlook.com"),
    ("ana.ruiz+anb@example.com", "ana.ruiz+anb@example.com"),
    ("a+b+c@icloud.com", "a@icloud.com"),
    ("x.y@me.com", "x.y@icloud.com"),
])
def test_mailbox_key_follows_the_configured_rules(email, key):
    assert mailbox_key(email, Config.MAILBOX_RULES) == key


def test_disposable_domains_and_their_subdomains():
    domains = frozenset({"mailinator.com", "yopmail.com"})
    assert is_disposable("x@mailinator.com", domains) and is_disposable("x@eu.mailinator.com", domains)
    assert not is_disposable("x@gmail.com", domains) and not is_disposable("x@notmailinator.com", domains)


def _signup(client, email):
    return client.post("/api/auth/signup", json={
        "first_name": "Ana", "last_name": "Ruiz", "email": email, "password1": "s3cret-pass",
        "password2": "s3cret-pass", "city": "Cali", "country": "Colombia"})


def test_a_throwaway_domain_from_the_config_file_is_refused(client):
    response = _signup(client, "voter1@Mailinator.com")

    assert response.status_code == 400
    assert response.get_json() == {"code": 400, "status": "Bad Request", "message": DISPOSABLE,
                                   "errors": {"email": [DISPOSABLE]}}
    assert _signup(client, "voter@sub.yopmail.com").status_code == 400
    assert db.session.execute(db.select(User)).first() is None


def test_dotted_and_tagged_variants_of_one_mailbox_are_one_account(client):
    assert _signup(client, "Juan.Perez@gmail.com").status_code == 201

    for variant in ("juanperez@gmail.com", "j.u.a.n.perez+anb@gmail.com", "juan.perez+2@googlemail.com"):
        response = _signup(client, variant)
        assert response.status_code == 400, variant
        assert response.get_json()["message"] == f"El correo {variant} ya está registrado."
    assert _signup(client, "juan.perez+2@example.com").status_code == 201  # no rule: a tag may be real
    assert db.session.execute(db.select(User.mailbox_key).order_by(User.id)).scalars().all() == [
        "juanperez@gmail.com", "juan.perez+2@example.com"]


def test_the_admin_cli_applies_the_same_rules(runner, client):
    assert _signup(client, "maria@gmail.com").status_code == 201
    result = runner.invoke(args=["users", "create", "--email", "ma.ria+jury@gmail.com", "--first-name", "M",
                                 "--last-name", "R", "--city", "Cali", "--password", "long-enough-1"])
    assert result.exit_code == 1 and "already registered" in result.output
