"""``flask videos``: what an operator needs when processing goes wrong."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.extensions import db
from anb.models import Video, VideoStatus
from anb.videos import service

videos_cli = AppGroup("videos", help="Inspect and reprocess videos.")


@videos_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in VideoStatus]),
              help="Only videos in this state.")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
def list_videos(status: str | None, limit: int) -> None:
    """Show videos with their state, stage and error."""
    query = db.select(Video).order_by(Video.id.desc()).limit(limit)
    if status:
        query = query.where(Video.status == VideoStatus(status))
    for video in db.session.execute(query).scalars():
        click.echo(f"{video.id}\t{video.status.value}\t{video.processing_stage or '-'}\t{video.owner.email}\t"
                   f"{video.title}\t{video.error or ''}")


@videos_cli.command("retry")
@click.argument("video_id", type=int)
def retry(video_id: int) -> None:
    """Run the processing chain again for a failed or stuck video."""
    video = db.session.get(Video, video_id)
    if video is None:
        raise click.ClickException(f"No video {video_id}.")
    if video.status == VideoStatus.PROCESSED:
        raise click.ClickException(f"Video {video_id} is already processed.")
    service.reprocess(video)
    click.echo(f"Video {video_id} queued again (task {video.task_id}).")
