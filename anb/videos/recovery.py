"""Recovery of accepted uploads whose chain never ran or was lost (a crash before publishing, a purged or
non-durable queue): the sweeper re-publishes them, a bounded number of times, then fails them.

A video is stuck when it is `uploaded` or `processing` and nothing has moved it (``progress_at``) for
SWEEP_STUCK_AFTER_SECONDS, longer than any stage may run. Claiming is one conditional UPDATE that bumps
``attempts`` and ``progress_at``: two sweepers never claim the same video, and the new attempt supersedes
the old chain, whose stages stop at their next step (``anb.videos.processing``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func

from anb.extensions import db
from anb.models import Video, VideoStatus, now_utc
from anb.videos import processing
from tasks import pipeline

log = logging.getLogger(__name__)

STUCK = (VideoStatus.UPLOADED, VideoStatus.PROCESSING)
GAVE_UP = "El procesamiento no terminó después de {attempts} intentos. Intenta subir el video de nuevo."


@dataclass
class SweepResult:
    """What one sweep did, by video id."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def requeue_stuck(now: datetime | None = None, limit: int = 100) -> SweepResult:
    """Re-publish each stuck video's chain as a new attempt, or fail it once its attempts are spent."""
    config = current_app.config
    now = now or now_utc()
    cutoff = now - timedelta(seconds=config["SWEEP_STUCK_AFTER_SECONDS"])
    stuck = [Video.status.in_(STUCK), func.coalesce(Video.progress_at, Video.uploaded_at) < cutoff]
    candidates = list(db.session.execute(db.select(Video.id).where(*stuck).order_by(Video.id)
                                         .limit(limit)).scalars())
    db.session.rollback()
    result = SweepResult()
    for video_id in candidates:
        claimed = db.session.execute(db.update(Video).where(Video.id == video_id, *stuck)
                                     .values(attempts=Video.attempts + 1, progress_at=now)).rowcount
        db.session.commit()
        if not claimed:
            continue  # another sweeper claimed it, or its chain moved meanwhile
        video = db.session.get(Video, video_id, populate_existing=True)
        if video.attempts > config["SWEEP_MAX_ATTEMPTS"]:
            processing.mark_failed(video_id, GAVE_UP.format(attempts=video.attempts), video.attempts)
            log.error("video %s still stuck after %s attempts; failed", video_id, video.attempts)
            result.failed.append(video_id)
            continue
        video.status, video.processing_stage = VideoStatus.UPLOADED, None
        db.session.commit()
        video.task_id = pipeline.start(video_id, video.original_key, video.attempts)
        db.session.commit()
        log.warning("video %s was stuck; its chain is published again (attempt %s)", video_id, video.attempts)
        result.requeued.append(video_id)
    return result
