"""Stage 3 (queue `brand`): ANB logo cards at start and end, watermark, final H.264 encode, no audio."""

from celery import shared_task
from flask import current_app

from anb.media.brand import brand
from tasks.stage import STAGE_OPTIONS, stage


@shared_task(name="tasks.brand.brand_video", **STAGE_OPTIONS)
def brand_video(job: dict) -> dict:
    """Add the opening and closing cards and the watermark, producing the deliverable file."""
    assets = current_app.config["STATIC_ASSETS"]
    with stage(job, "brand", "branded.mp4") as (source, target, next_job):
        brand(source, target, card=assets / "anb_card.png", watermark=assets / "anb_watermark.png",
              cache_dir=current_app.config["MEDIA_ROOT"] / "cache")
    return next_job
