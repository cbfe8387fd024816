"""``flask users``: create admins and jury members, change roles, ban, list."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.admin import accounts
from anb.auth import service
from anb.cli.options import account, by_option, reason_option
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
    except service.DisposableEmail:
        raise click.ClickException(f"{email} is a throwaway-mail address.") from None
    except ValueError:
        raise click.ClickException(f"{email!r} contains invisible or control characters.") from None
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(email: str, role: str) -> None:
    """Grant ROLE (player, jury or admin) to the account with EMAIL."""
    user = account(email)
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}.")


@users_cli.command("set-password")
@click.argument("email")
@click.password_option(help="New password (prompted, twice, if not given).")
def set_password(email: str, password: str) -> None:
    """Reset the password of the account with EMAIL; tokens issued before stop working at once."""
    user = account(email)
    check_password(password)
    service.change_password(user, password)
    click.echo(f"Password of {user.email} changed.")


@users_cli.command("ban")
@click.argument("email")
@reason_option
@click.option("--void-votes", is_flag=True, help="Also void every vote the account cast (audited).")
@by_option
def ban(email: str, reason: str, void_votes: bool, actor: str) -> None:
    """Ban the account with EMAIL: it can no longer log in and its tokens are refused at once."""
    user = account(email)
    banned_now, voided = accounts.ban(user, reason, actor, void_votes)
    click.echo(f"{user.email} {'is now banned' if banned_now else 'was already banned'}.")
    if voided is not None:
        click.echo(voided.line() + ".")


@users_cli.command("unban")
@click.argument("email")
@click.option("--reason", default="unbanned", show_default=True, help="Why (kept in the audit trail).")
@by_option
def unban(email: str, reason: str, actor: str) -> None:
    """Lift the ban on the account with EMAIL (voided votes stay voided)."""
    user = account(email)
    lifted = accounts.unban(user, reason, actor)
    click.echo(f"{user.email} {'may log in again' if lifted else 'was not banned'}.")


@users_cli.command("list")
@click.option("--role", type=click.Choice([r.value for r in Role]), help="Only accounts with this role.")
@click.option("--banned/--not-banned", default=None, help="Only banned (or only not banned) accounts.")
@click.option("--limit", default=1000, show_default=True, help="At most this many, by id.")
def list_users(role: str | None, banned: bool | None, limit: int) -> None:
    """List accounts: id, email, role, city, votes received, and the ban if any."""
    for user in accounts.users(Role(role) if role else None, banned, limit):
        ban_note = f"banned {user.banned_at:%Y-%m-%d %H:%M} UTC: {user.ban_reason}" if user.banned_at else ""
        click.echo(f"{user.id}\t{user.email}\t{user.role.value}\t{user.city}\t{user.total_votes}\t{ban_note}")
