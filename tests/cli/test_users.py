"""``flask users``: accounts made and changed from the terminal."""

from anb.auth import service
from anb.models import Role


def test_create_an_admin(runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@ANB.co", "--first-name", "Ana",
                                 "--last-name", "Jefe", "--city", "Cali", "--role", "admin",
                                 "--password", "long-enough-1"])

    assert result.exit_code == 0, result.output
    assert service.find_by_email("boss@anb.co").role == Role.ADMIN


def test_create_refuses_a_short_password_and_a_taken_email(runner, user):
    base = ["users", "create", "--first-name", "A", "--last-name", "B", "--city", "Cali"]

    short = runner.invoke(args=[*base, "--email", "new@anb.co", "--password", "short"])
    taken = runner.invoke(args=[*base, "--email", user.email, "--password", "long-enough-1"])

    assert short.exit_code != 0 and "8 to 128 characters" in short.output
    assert taken.exit_code != 0 and "already registered" in taken.output


def test_set_role_grants_jury(runner, user):
    result = runner.invoke(args=["users", "set-role", "ANA@example.com", "jury"])

    assert result.exit_code == 0
    assert service.find_by_email(user.email).role == Role.JURY
    assert runner.invoke(args=["users", "set-role", "nobody@example.com", "jury"]).exit_code != 0


def test_set_password_lets_the_user_log_in_with_it(runner, client, user):
    result = runner.invoke(args=["users", "set-password", user.email, "--password", "brand-new-pass"])

    assert result.exit_code == 0
    login = client.post("/api/auth/login", json={"email": user.email, "password": "brand-new-pass"})
    assert login.status_code == 200
