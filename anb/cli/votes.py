"""``flask votes``: review suspicious voting and void votes."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from anb.admin.fraud import Finding, Thresholds, suspicious
from anb.admin.voids import VoteFilter, void_votes
from anb.cli.options import Duration, account, by_option, reason_option
from anb.extensions import db
from anb.models import Video, now_utc

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


def _table(findings: list[Finding]) -> str:
    lines = ["rule\tvotes\taccounts\tsubject\tsome accounts"]
    lines += [f"{item.rule}\t{item.votes}\t{item.accounts}\t{item.subject}\t{' '.join(item.sample[:5])}"
              for item in findings]
    return "\n".join(lines)


def _csv(findings: list[Finding]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rule", "subject", "votes", "accounts", "sample"])
    writer.writerows([item.rule, item.subject, item.votes, item.accounts, " ".join(item.sample)]
                     for item in findings)
    return out.getvalue().rstrip("\n")


FORMATS = {"table": _table, "csv": _csv,
           "json": lambda findings: json.dumps([item.as_dict() for item in findings], ensure_ascii=False)}


@votes_cli.command("suspicious")
@click.option("--since", type=Duration(), default="24h", show_default=True,
              help="Look at votes cast this recently (90s, 30m, 24h, 7d).")
@click.option("--format", "output", type=click.Choice(list(FORMATS)), default="table", show_default=True,
              help="Output format.")
def list_suspicious(since: timedelta, output: str) -> None:
    """Groups of recent votes worth a look, by four rules (thresholds: FRAUD_* in config)."""
    findings = suspicious(now_utc() - since, Thresholds.from_config(current_app.config))
    click.echo(FORMATS[output](findings))
    if output == "table":
        click.echo(f"{len(findings)} groups in the last {since}.")
