"""What the pipeline records on a video as it moves through the stages (called by the Celery tasks)."""

from __future__ import annotations

from datetime import datetime

from anb.extensions import db
from anb.models import User, Video, VideoEvent, VideoStatus, now_utc
from anb.observability.metrics import UPLOAD_TO_PROCESSED, VIDEOS_FINISHED


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
    if video.status == VideoStatus.PROCESSED:  # a redelivered finalize: already counted
        db.session.commit()
        return True
    video.status, video.processing_stage, video.error = VideoStatus.PROCESSED, None, None
    video.processed_key, video.poster_key, video.processed_at = processed_key, poster_key, now_utc()
    db.session.execute(db.update(User).where(User.id == video.owner_id)
                       .values(processed_videos=User.processed_videos + 1))
    waited = (video.processed_at - video.uploaded_at).total_seconds()
    db.session.commit()
    VIDEOS_FINISHED.labels(VideoStatus.PROCESSED.value).inc()
    UPLOAD_TO_PROCESSED.observe(waited)
    return True


def mark_failed(video_id: int, error: str) -> bool:
    """Record that the chain gave up, with a message the player can read; False if the video is gone."""
    video = db.session.get(Video, video_id, with_for_update=True)
    failing = video is not None and video.status not in (VideoStatus.PROCESSED, VideoStatus.FAILED)
    if video is not None and video.status != VideoStatus.PROCESSED:
        video.status, video.error = VideoStatus.FAILED, error[:2000]
    db.session.commit()
    if failing:
        VIDEOS_FINISHED.labels(VideoStatus.FAILED.value).inc()
    return video is not None


def record_event(video_id: int, stage: str, *, host: str, request_id: str | None, task_id: str | None = None,
                 attempt: int = 1, outcome: str | None = None, at: datetime | None = None) -> int:
    """Add a line to the video's timeline (a stage attempt starting, or a finished step); returns its id."""
    event = VideoEvent(video_id=video_id, stage=stage, host=host, request_id=request_id, task_id=task_id,
                       attempt=attempt, started_at=at or now_utc())
    if outcome is not None:
        event.outcome, event.finished_at = outcome, event.started_at
    db.session.add(event)
    db.session.flush()
    event_id = event.id  # read before the commit expires it: no extra SELECT, no transaction left open
    db.session.commit()
    return event_id


def finish_event(event_id: int, outcome: str, error: str | None = None) -> None:
    """Close a stage attempt with how it ended."""
    db.session.execute(db.update(VideoEvent).where(VideoEvent.id == event_id).values(
        outcome=outcome, finished_at=now_utc(), error=error and error[:2000]))
    db.session.commit()


def timeline(video_id: int) -> list[VideoEvent]:
    """The video's events, in the order they happened."""
    query = db.select(VideoEvent).where(VideoEvent.video_id == video_id).order_by(VideoEvent.id)
    return list(db.session.execute(query).scalars())
