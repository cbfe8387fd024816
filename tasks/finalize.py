"""Last step (queue `finalize`): publish the branded file and mark the video `processed`."""

import logging

from celery import shared_task
from celery.exceptions import Ignore

from anb.storage import get_storage
from anb.videos import keys, processing
from tasks.stage import STAGE_OPTIONS, discard_work

log = logging.getLogger(__name__)


@shared_task(name="tasks.finalize.publish_video", **STAGE_OPTIONS)
def publish_video(job: dict) -> None:
    """Move the result to its public place, mark the video processed, and drop the intermediates."""
    video_id = job["video_id"]
    storage = get_storage()
    processed_key = keys.processed_key(video_id)
    poster_key = keys.poster_key(video_id) if job.get("poster") else None
    for work, public in ((job["input"], processed_key), (job.get("poster"), poster_key)):
        if work and storage.exists(work):
            with storage.local_path(work) as made:
                storage.save(public, made)
    published = processing.mark_processed(video_id, processed_key, poster_key)
    discard_work(video_id)
    if not published:
        log.info("video %s is gone; discarding its processed file", video_id)
        for key in (processed_key, poster_key):
            if key:
                storage.delete(key)
        raise Ignore()
