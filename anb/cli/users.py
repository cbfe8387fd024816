"""``flask users``: create admins and jury members, change roles."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.auth import service
from anb.extensions import db
from anb.models import Role
from anb.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

users_cli = AppGroup("users", help="Manage accounts.")


def check_password(password: str) -> None:
    """Apply the signup's password policy to a password typed by an admin."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise click.ClickException(f"The password must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} "
                                   "characters.")


@users_cli.command("create")
@click.option("--email", required=True, help="Login email of the new account.")
@click.option("--first-name", required=True, help="First name.")
@click.option("--last-name", required=True, help="Last name.")
@click.option("--city", required=True, help="City (used by the ranking filters).")
@click.option("--country", default="Colombia", show_default=True, help="Country.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.PLAYER.value,
              show_default=True, help="What the account may do.")
@click.password_option(help="Password (prompted, twice, if not given).")
def create_user(email: str, first_name: str, last_name: str, city: str, country: str, role: str,
                password: str) -> None:
    """Create an account with the given role."""
    check_password(password)
    try:
        user = service.register(email, password, first_name=first_name, last_name=last_name, city=city,
                                country=country, role=Role(role))
    except service.EmailTaken:
        raise click.ClickException(f"{email} is already registered.") from None
    except ValueError:
        raise click.ClickException(f"{email!r} contains invisible or control characters.") from None
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(email: str, role: str) -> None:
    """Grant ROLE (player, jury or admin) to the account with EMAIL."""
    user = service.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="New password (prompted, twice, if not given).")
def set_password(email: str, password: str) -> None:
    """Reset the password of the account with EMAIL; tokens issued before stop working at once."""
    user = service.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    check_password(password)
    service.change_password(user, password)
    click.echo(f"Password of {user.email} changed.")
