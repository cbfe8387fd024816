"""What the pipeline records on a video as it moves through the stages (called by the Celery tasks)."""

from __future__ import annotations

from anb.extensions import db
from anb.models import User, Video, VideoStatus, now_utc


def start_stage(video_id: int, stage: str) -> bool:
    """Record that ``stage`` is running; False if the video is gone or already finished (nothing to do)."""
    video = db.session.get(Video, video_id, with_for_update=True)
    if video is None or video.status in (VideoStatus.PROCESSED, VideoStatus.FAILED):
        db.session.rollback()
        return False
    video.status = VideoStatus.PROCESSING
    video.processing_stage = stage
    db.session.commit()
    return True


def mark_processed(video_id: int, processed_key: str, poster_key: str | None = None) -> bool:
    """Publish the video (and its poster frame, if any) for voting; False if it was deleted meanwhile."""
    video = db.session.get(Video, video_id, with_for_update=True)
    if video is None:
        db.session.rollback()
        return False
    if video.status != VideoStatus.PROCESSED:
        video.status, video.processing_stage, video.error = VideoStatus.PROCESSED, None, None
        video.processed_key, video.poster_key, video.processed_at = processed_key, poster_key, now_utc()
        db.session.execute(db.update(User).where(User.id == video.owner_id)
                           .values(processed_videos=User.processed_videos + 1))
    db.session.commit()
    return True


def mark_failed(video_id: int, error: str) -> bool:
    """Record that the chain gave up, with a message the player can read; False if the video is gone."""
    video = db.session.get(Video, video_id, with_for_update=True)
    if video is not None and video.status != VideoStatus.PROCESSED:
        video.status, video.error = VideoStatus.FAILED, error[:2000]
    db.session.commit()
    return video is not None
