"""Last step (queue `finalize`): publish the branded file and mark the video `processed`."""

import logging

from celery import shared_task
from celery.exceptions import Ignore

from anb.videos import keys, processing
from tasks.stage import STAGE_OPTIONS, attempt_of, discard_work

log = logging.getLogger(__name__)


@shared_task(name="tasks.finalize.publish_video", **STAGE_OPTIONS)
def publish_video(job: dict) -> None:
    """Move the result and its poster frame to their public place and mark the video processed (one locked
    step, so a delete or a newer chain cannot interleave), then drop the intermediates."""
    video_id, attempt = job["video_id"], attempt_of(job)
    published = processing.mark_processed(video_id, keys.processed_key(video_id), attempt,
                                          source_key=job["input"], poster_source=job.get("poster"))
    if not published:
        log.info("video %s is gone or superseded; discarding this chain's files", video_id)
        discard_work(video_id, attempt)
        raise Ignore()
    discard_work(video_id)
