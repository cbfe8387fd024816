"""Stage 3 (queue `brand`): ANB logo cards at start and end, watermark, final H.264 encode, no audio."""

from celery import shared_task
from flask import current_app

from anb.media.brand import brand
from anb.storage import get_storage
from anb.videos import keys
from tasks.stage import STAGE_OPTIONS, attempt_of, stage


@shared_task(name="tasks.brand.brand_video", **STAGE_OPTIONS)
def brand_video(job: dict) -> dict:
    """Add the opening and closing cards and the watermark, producing the deliverable file and the poster
    frame."""
    assets = current_app.config["STATIC_ASSETS"]
    poster_key = keys.work_key(job["video_id"], attempt_of(job), "poster.jpg")
    with (stage(job, "brand", "branded.mp4") as (source, target, next_job),
          get_storage().output_path(poster_key) as poster):
        brand(source, target, card=assets / "anb_card.png", watermark=assets / "anb_watermark.png",
              cache_dir=current_app.config["MEDIA_ROOT"] / "cache", poster=poster)
    return {**next_job, "poster": poster_key}
