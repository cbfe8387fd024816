"""``flask videos``: what an operator needs when processing goes wrong."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.extensions import db
from anb.models import Video, VideoStatus
from anb.videos import processing, service

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


#: One line of ``videos trace``: stage, attempt, outcome, start, seconds, worker, request id, error.
TRACE_ROW = "{:<10} {:>3}  {:<9}  {:<32}  {:>8}  {:<28}  {:<32}  {}"


@videos_cli.command("trace")
@click.argument("video_id", type=int)
def trace(video_id: int) -> None:
    """Print a video's timeline: upload, then each stage attempt (worker, start, end, outcome, error)."""
    video = db.session.get(Video, video_id)
    events = processing.timeline(video_id)
    if video is None and not events:
        raise click.ClickException(f"No video {video_id}.")
    state = "deleted" if video is None else video.status.value + (f" ({video.error})" if video.error else "")
    click.echo(f"Video {video_id}: {state}")
    click.echo(TRACE_ROW.format("STAGE", "TRY", "OUTCOME", "STARTED (UTC)", "SECONDS", "HOST", "REQUEST ID",
                                "ERROR"))
    for event in events:
        seconds = (f"{(event.finished_at - event.started_at).total_seconds():.2f}" if event.finished_at
                   else "-")
        click.echo(TRACE_ROW.format(event.stage, event.attempt, event.outcome, event.started_at.isoformat(),
                                    seconds, event.host, event.request_id or "-", event.error or ""))
