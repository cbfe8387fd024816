"""The rules for a player's videos: upload, ownership, deletion."""

from __future__ import annotations

import logging
import socket
from typing import BinaryIO

from anb.extensions import db
from anb.lookups import find_video
from anb.models import User, Video, VideoStatus
from anb.models.video_event import SUCCEEDED
from anb.observability.metrics import UPLOADS
from anb.storage import get_storage
from anb.videos import keys, processing
from anb.videos.validation import InvalidUpload, validate_video
from tasks import pipeline

log = logging.getLogger(__name__)


class NotOwner(Exception):
    """The video belongs to another player."""


class NotDeletable(Exception):
    """The video is published for voting and can no longer be deleted."""


def upload(owner: User, title: str, stream: BinaryIO, request_id: str | None = None) -> Video:
    """Store and validate the file, commit the row, then publish the processing chain.

    Raises InvalidUpload for a bad file and the broker's OperationalError when RabbitMQ is unreachable;
    either way no row and no file are left behind. ``request_id`` starts the video's timeline.
    """
    storage = get_storage()
    original_key = keys.original_key()
    size = storage.save(original_key, stream)
    try:
        with storage.local_path(original_key) as path:
            validate_video(path, size)
        video = Video(owner=owner, title=title, original_key=original_key)
        db.session.add(video)
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        storage.delete(original_key)
        if isinstance(exc, InvalidUpload):
            UPLOADS.labels("refused", exc.reason).inc()
        raise
    processing.record_event(video.id, "upload", host=socket.gethostname(), request_id=request_id,
                            outcome=SUCCEEDED, at=video.uploaded_at)
    try:
        video.task_id = pipeline.start(video.id, original_key)
    except BaseException:
        log.exception("could not enqueue video %s; removing it", video.id)
        UPLOADS.labels("refused", "broker_unavailable").inc()
        remove(video)
        raise
    db.session.commit()
    UPLOADS.labels("accepted", "").inc()
    return video


def reprocess(video: Video) -> None:
    """Start the chain again from the kept original (after a failure or a lost job)."""
    video.status, video.processing_stage, video.error = VideoStatus.UPLOADED, None, None
    db.session.commit()
    video.task_id = pipeline.start(video.id, video.original_key)
    db.session.commit()


def own_videos(owner: User, offset: int, limit: int) -> list[Video]:
    """The owner's videos, newest first."""
    query = (db.select(Video).filter_by(owner_id=owner.id)
             .order_by(Video.uploaded_at.desc(), Video.id.desc()).offset(offset).limit(limit))
    return list(db.session.execute(query).scalars())


def owned_video(video_id: str, owner: User) -> Video | None:
    """``owner``'s video with this id; None if there is none; NotOwner if it is another player's."""
    video = find_video(video_id)
    if video is not None and video.owner_id != owner.id:
        raise NotOwner(video_id)
    return video


def delete(video: Video) -> None:
    """Delete a video that is not yet published; a chain still running on it stops at its next stage."""
    if video.status == VideoStatus.PROCESSED:
        raise NotDeletable(video.id)
    remove(video)


def remove(video: Video) -> None:
    """Delete the row, then the original, the processed file and any intermediates."""
    stored = keys.video_keys(video.original_key, video.processed_key, video.id, video.poster_key)
    db.session.delete(video)
    db.session.commit()
    storage = get_storage()
    for key in stored:
        storage.delete(key)
