"""Stage 2 (queue `transform`): 1280x720, 16:9, fitted without distortion, black bars."""

from celery import shared_task
from flask import current_app

from anb.media.transform import fit
from tasks.stage import STAGE_OPTIONS, stage


@shared_task(name="tasks.transform.fit_video", **STAGE_OPTIONS)
def fit_video(job: dict) -> dict:
    """Scale and pad the trimmed clip into the 1280x720 frame."""
    with stage(job, "transform", "fitted.mp4") as (source, target, next_job):
        fit(source, target, size=(1280, 720), max_seconds=current_app.config["PROCESSED_MAX_SECONDS"])
    return next_job
