"""``flask media``: keep the media root and the videos table in agreement."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from anb.admin.media import media_gc

media_cli = AppGroup("media", help="Audit stored media files.")
#: Rows of each kind printed in full; the rest are counted.
SHOWN = 50


@media_cli.command("gc")
@click.option("--dry-run", is_flag=True, help="Only report; delete nothing.")
@click.option("--grace-seconds", type=click.IntRange(min=0),
              help="Leave files younger than this alone (default: MEDIA_GC_GRACE_SECONDS, 3600).")
def gc(dry_run: bool, grace_seconds: int | None) -> None:
    """Delete files under the media root that no video row accounts for; list rows whose files are missing."""
    grace = current_app.config["MEDIA_GC_GRACE_SECONDS"] if grace_seconds is None else grace_seconds
    report = media_gc(timedelta(seconds=grace), dry_run)
    verb = "would delete" if dry_run else "deleted"
    for file in report.orphans[:SHOWN]:
        click.echo(f"{verb}\t{file.key}\t{file.size} bytes")
    for missing in report.missing[:SHOWN]:
        click.echo(f"missing\tvideo {missing.video_id} ({missing.status})\t{missing.key}")
    freed = sum(file.size for file in report.orphans)
    summary = "found, dry run" if dry_run else "deleted"
    click.echo(f"{len(report.orphans)} unaccounted files {summary} ({freed} bytes); "
               f"{len(report.young)} younger than {grace} s left alone; "
               f"{len(report.missing)} rows name a missing file.")
