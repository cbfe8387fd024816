"""What the pipeline records on a video as it moves through the stages (called by the Celery tasks).

Every change happens on the row read with a lock, so it excludes ``service.delete`` and the sweeper. A job
carries the ``attempt`` of the chain it belongs to; a chain superseded by a newer attempt (the sweeper's or
an operator's re-publication) stops at its next step and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from anb.extensions import db
from anb.lookups import lock_video
from anb.models import PendingDeletion, User, Video, VideoEvent, VideoStatus, now_utc
from anb.observability.metrics import UPLOAD_TO_PROCESSED, VIDEOS_FINISHED
from anb.search import index_video
from anb.storage import get_storage
from anb.videos import keys

#: States a chain never leaves: published, failed, or published and then taken down by an admin.
FINISHED = (VideoStatus.PROCESSED, VideoStatus.FAILED, VideoStatus.REMOVED)
#: States that came out of a published video: a late failure of an older chain never overwrites them.
PUBLISHED_ONCE = (VideoStatus.PROCESSED, VideoStatus.REMOVED)


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
                   source_key: str | None = None, poster_source: str | None = None) -> bool:
    """Publish the video for voting: move ``source_key`` (if given and still there) to ``processed_key``, and
    ``poster_source`` to the poster's place, and mark it processed, all under the row's lock. False if the
    video is gone or a newer chain owns it."""
    video = lock_video(video_id)
    if not _current(video, attempt):
        db.session.rollback()
        return False
    if video.status in PUBLISHED_ONCE:  # a redelivered finalize: already counted
        db.session.commit()
        return True
    storage = get_storage()
    poster_key = keys.poster_key(video_id)
    for source, public in ((source_key, processed_key), (poster_source, poster_key)):
        if source is not None and storage.exists(source):
            with storage.local_path(source) as made:
                storage.save(public, made)
    if not storage.exists(processed_key):
        db.session.rollback()
        raise FileNotFoundError(f"video {video_id}: neither {source_key} nor {processed_key} exists")
    video.status, video.processing_stage, video.error = VideoStatus.PROCESSED, None, None
    video.processed_key, video.processed_at = processed_key, now_utc()
    video.poster_key = poster_key if poster_source is not None and storage.exists(poster_key) else None
    db.session.execute(db.update(User).where(User.id == video.owner_id)
                       .values(processed_videos=User.processed_videos + 1))
    index_video(video)  # after the owner's row is held: the name it reads is the current one
    waited = (video.processed_at - video.uploaded_at).total_seconds()
    db.session.commit()
    VIDEOS_FINISHED.labels(VideoStatus.PROCESSED.value).inc()
    UPLOAD_TO_PROCESSED.observe(waited)
    return True


def mark_failed(video_id: int, error: str, attempt: int | None = None) -> bool:
    """Record that the chain gave up, with a message the player can read; False if the video is gone or a
    newer chain owns it (then that chain decides)."""
    video = lock_video(video_id)
    if not _current(video, attempt):
        db.session.rollback()
        return False
    failing = video.status not in (*PUBLISHED_ONCE, VideoStatus.FAILED)
    if video.status not in PUBLISHED_ONCE:
        video.status, video.error, video.progress_at = VideoStatus.FAILED, error[:2000], now_utc()
    db.session.commit()
    if failing:
        VIDEOS_FINISHED.labels(VideoStatus.FAILED.value).inc()
    return True


def defer_deletion(key: str) -> None:
    """Journal ``key`` (or a prefix) for the sweeper to delete: what a chain could not remove itself."""
    db.session.add(PendingDeletion(key=key))
    db.session.commit()


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
