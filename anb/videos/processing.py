"""What the pipeline records on a video as it moves through the stages (called by the Celery tasks).

Every change happens on the row read with a lock, so it excludes ``service.delete`` and the sweeper. A job
carries the ``attempt`` of the chain it belongs to; a chain superseded by a newer attempt (the sweeper's or
an operator's re-publication) stops at its next step and changes nothing.
"""

from __future__ import annotations

from anb.extensions import db
from anb.lookups import lock_video
from anb.models import User, Video, VideoStatus, now_utc
from anb.storage import get_storage

FINISHED = (VideoStatus.PROCESSED, VideoStatus.FAILED)


def _current(video: Video | None, attempt: int | None) -> bool:
    """Whether the chain of ``attempt`` still owns ``video`` (None: any chain, for seeding and tests)."""
    return video is not None and (attempt is None or video.attempts == attempt)


def start_stage(video_id: int, stage: str, attempt: int | None = None) -> bool:
    """Record that ``stage`` is running; False if the video is gone, finished or owned by a newer chain."""
    video = lock_video(video_id)
    if not _current(video, attempt) or video.status in FINISHED:
        db.session.rollback()
        return False
    video.status, video.processing_stage, video.progress_at = VideoStatus.PROCESSING, stage, now_utc()
    db.session.commit()
    return True


def mark_processed(video_id: int, processed_key: str, attempt: int | None = None,
                   source_key: str | None = None) -> bool:
    """Publish the video for voting: move ``source_key`` (if given and still there) to ``processed_key``
    and mark it processed, under the row's lock. False if the video is gone or a newer chain owns it."""
    video = lock_video(video_id)
    if not _current(video, attempt):
        db.session.rollback()
        return False
    if video.status != VideoStatus.PROCESSED:
        storage = get_storage()
        if source_key is not None and storage.exists(source_key):
            with storage.local_path(source_key) as branded:
                storage.save(processed_key, branded)
        if not storage.exists(processed_key):
            db.session.rollback()
            raise FileNotFoundError(f"video {video_id}: neither {source_key} nor {processed_key} exists")
        video.status, video.processing_stage, video.error = VideoStatus.PROCESSED, None, None
        video.processed_key, video.processed_at = processed_key, now_utc()
        db.session.execute(db.update(User).where(User.id == video.owner_id)
                           .values(processed_videos=User.processed_videos + 1))
    db.session.commit()
    return True


def mark_failed(video_id: int, error: str, attempt: int | None = None) -> bool:
    """Record that the chain gave up, with a message the player can read; False if the video is gone or a
    newer chain owns it (then that chain decides)."""
    video = lock_video(video_id)
    if not _current(video, attempt):
        db.session.rollback()
        return False
    if video.status != VideoStatus.PROCESSED:
        video.status, video.error, video.progress_at = VideoStatus.FAILED, error[:2000], now_utc()
    db.session.commit()
    return True
