"""Account rules called with plain arguments, as the signup route and the admin CLI both do."""

import pytest

from anb.auth import service
from anb.extensions import db
from anb.models import Role, User
from anb.security import verify_password


def test_register_stores_a_normalised_email_a_hash_and_the_role(app):
    user = service.register(" Juez@ANB.co ", "long-enough-1", first_name="Ana", last_name="Juez",
                            city="Cali", country="Colombia", role=Role.JURY)

    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert (stored.email, stored.role) == ("juez@anb.co", Role.JURY)
    assert stored.password_hash != "long-enough-1" and verify_password(stored.password_hash, "long-enough-1")


def test_register_refuses_an_email_taken_in_another_case(app, user):
    with pytest.raises(service.EmailTaken):
        service.register(user.email.upper(), "long-enough-1", first_name="A", last_name="B", city="Cali",
                         country="Colombia")

    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 1
