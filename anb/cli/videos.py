"""``flask videos``: what an operator needs when processing goes wrong, and takedowns."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from anb.admin import videos as admin_videos
from anb.cli.options import by_option, reason_option
from anb.extensions import db
from anb.models import Video, VideoStatus
from anb.videos import deadletters, processing, service

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
        if video.status in (VideoStatus.PROCESSED, VideoStatus.REMOVED):
            raise click.ClickException(f"Video {video_id} is {video.status.value}; it is not run again.")
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


@videos_cli.command("takedown")
@click.argument("video_id", type=int)
@reason_option
@by_option
def takedown(video_id: int, reason: str, actor: str) -> None:
    """Take a published video down: gone from the catalogue, ranking and public serving; audited."""
    try:
        removed = admin_videos.takedown(video_id, reason, actor)
    except LookupError:
        raise click.ClickException(f"No video {video_id}.") from None
    except admin_videos.NotPublished as status:
        raise click.ClickException(f"Video {video_id} is {status}, not published: only published videos are "
                                   "taken down (its owner can delete it).") from None
    click.echo(f"Video {video_id} {'taken down' if removed else 'was already taken down'}.")


@videos_cli.command("stats")
@click.option("--failures", default=10, show_default=True, help="How many failure reasons to list.")
def stats(failures: int) -> None:
    """Videos per status, processing time per stage (p50/p95), and the commonest failure reasons."""
    click.echo("status\tvideos")
    for status, count in admin_videos.status_counts().items():
        click.echo(f"{status}\t{count}")
    click.echo("\nstage\truns\tp50 s\tp95 s")
    for timing in admin_videos.stage_timings():
        click.echo(f"{timing.name}\t{timing.runs}\t{timing.p50:.2f}\t{timing.p95:.2f}")
    click.echo("\nfailed videos\treason")
    for reason, count in admin_videos.failures_by_reason(failures):
        click.echo(f"{count}\t{reason}")


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
