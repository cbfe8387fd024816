"""``flask votes``: review suspicious voting and void votes."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.admin.voids import VoteFilter, void_votes
from anb.cli.options import account, by_option, reason_option
from anb.extensions import db
from anb.models import Video

votes_cli = AppGroup("votes", help="Review and void votes.")


@votes_cli.command("void")
@click.option("--user", "email", help="Void the votes of the account with this email.")
@click.option("--ip", "ip_address", help="Void the votes cast from this client address.")
@click.option("--video", "video_id", type=int, help="Only the votes on this video.")
@click.option("--dry-run", is_flag=True, help="Only say what would be voided.")
@reason_option
@by_option
def void(email: str | None, ip_address: str | None, video_id: int | None, dry_run: bool, reason: str,
         actor: str) -> None:
    """Remove votes of one account (--user) or one address (--ip), with their counters, audited."""
    if (email is None) == (ip_address is None):
        raise click.UsageError("Give exactly one of --user or --ip.")
    if video_id is not None and db.session.get(Video, video_id) is None:
        raise click.ClickException(f"No video {video_id}.")
    which = VoteFilter(voter=account(email) if email else None, ip_address=ip_address, video_id=video_id)
    result = void_votes(which, actor, reason, dry_run)
    click.echo(f"{which.label()}: {result.line(dry_run)}.")
