"""``flask jury``: the specialised jury, granted only here, by an admin."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.admin import accounts
from anb.cli.options import account, by_option
from anb.models import Role

jury_cli = AppGroup("jury", help="Grant, revoke and list jury membership.")
jury_reason = click.option("--reason", default="jury membership", show_default=True,
                           help="Why (kept in the audit trail).")


@jury_cli.command("add")
@click.argument("email")
@jury_reason
@by_option
def add(email: str, reason: str, actor: str) -> None:
    """Make the player with EMAIL a jury member: their votes from now on count as jury votes."""
    user = account(email)
    try:
        added = accounts.add_to_jury(user, actor, reason)
    except accounts.NotEligible as refused:
        raise click.ClickException(f"{user.email} cannot join the jury: the account is {refused}.") from None
    click.echo(f"{user.email} {'joined the jury' if added else 'is already a jury member'}.")


@jury_cli.command("remove")
@click.argument("email")
@jury_reason
@by_option
def remove(email: str, reason: str, actor: str) -> None:
    """Make the jury member with EMAIL a player again; the votes they cast stay jury votes."""
    user = account(email)
    removed = accounts.remove_from_jury(user, actor, reason)
    click.echo(f"{user.email} {'left the jury' if removed else 'is not a jury member'}.")


@jury_cli.command("list")
def list_jury() -> None:
    """List the jury members: id, email, name, city."""
    members = accounts.users(Role.JURY)
    for user in members:
        click.echo(f"{user.id}\t{user.email}\t{user.username}\t{user.city}")
    click.echo(f"{len(members)} jury members.")
