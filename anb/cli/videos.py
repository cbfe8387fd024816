"""``flask videos``: what an operator needs when processing goes wrong."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from anb.extensions import db
from anb.models import Video, VideoStatus
from anb.videos import deadletters, service

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
@click.argument("video_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Replay every failed video instead of one.")
def retry(video_id: int | None, all_failed: bool) -> None:
    """Run the processing chain again for a failed or stuck video (or every failed one), and remove their
    jobs from the dead-letter queue."""
    if (video_id is None) == (not all_failed):
        raise click.UsageError("Give a VIDEO_ID or --all-failed (one of them).")
    if all_failed:
        videos = list(db.session.execute(db.select(Video).where(Video.status == VideoStatus.FAILED)
                                         .order_by(Video.id)).scalars())
    else:
        video = db.session.get(Video, video_id)
        if video is None:
            raise click.ClickException(f"No video {video_id}.")
        if video.status == VideoStatus.PROCESSED:
            raise click.ClickException(f"Video {video_id} is already processed.")
        videos = [video]
    for video in videos:
        service.reprocess(video)
        click.echo(f"Video {video.id} queued again (task {video.task_id}).")
    removed = deadletters.discard(current_app.extensions["celery"], [video.id for video in videos])
    click.echo(f"{len(videos)} video(s) replayed; {len(removed)} dead letter(s) removed.")


@videos_cli.command("dead-letters")
def dead_letters() -> None:
    """List the stage jobs waiting in the dead-letter queue (task, video, queue it died in)."""
    letters = deadletters.pending(current_app.extensions["celery"])
    for letter in letters:
        click.echo(f"{letter.video_id}\t{letter.task}\t{letter.queue or '-'}")
    click.echo(f"{len(letters)} dead letter(s).")
