"""Stage 1 (queue `trim`): keep the first 30 s of the original."""

from celery import shared_task
from flask import current_app

from anb.media.trim import trim
from tasks.stage import STAGE_OPTIONS, stage


@shared_task(name="tasks.trim.trim_video", **STAGE_OPTIONS)
def trim_video(job: dict) -> dict:
    """Cut the original to PROCESSED_MAX_SECONDS; the original itself is kept."""
    with stage(job, "trim", "trimmed.mp4") as (source, target, next_job):
        trim(source, target, max_seconds=current_app.config["PROCESSED_MAX_SECONDS"])
    return next_job
