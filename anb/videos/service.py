"""The rules for a player's videos: upload, ownership, deletion."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from typing import BinaryIO

from flask import current_app

from anb.extensions import db
from anb.lookups import find_video, lock_video
from anb.models import PendingDeletion, User, Video, VideoStatus, now_utc
from anb.models.video_event import SUCCEEDED
from anb.observability.metrics import UPLOADS
from anb.storage import StorageUnavailable, get_storage
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
    either way no row and no file are left behind. The file is journaled for deletion (due after
    UPLOAD_GRACE_SECONDS) before it is written, and the journal entry goes in the transaction that commits
    the row: a crash at any point leaves either a video that owns the file or a deletion the sweeper does.
    ``request_id`` starts the video's timeline.
    """
    storage = get_storage()
    original_key = keys.original_key()
    grace = timedelta(seconds=current_app.config["UPLOAD_GRACE_SECONDS"])
    intent = PendingDeletion(key=original_key, due_at=now_utc() + grace)
    db.session.add(intent)
    db.session.commit()
    try:
        size = storage.save(original_key, stream)
        with storage.local_path(original_key) as path:
            validate_video(path, size)
        video = Video(owner=owner, title=title, original_key=original_key)
        db.session.add(video)
        db.session.delete(intent)
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        storage.delete(original_key)
        _forget_deletions([original_key])
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
    """Start a new chain from the kept original (after a failure or a lost job); any older chain of the
    video stops at its next stage."""
    video = lock_video(video.id)
    video.status, video.processing_stage, video.error = VideoStatus.UPLOADED, None, None
    video.attempts, video.progress_at = video.attempts + 1, now_utc()
    db.session.commit()
    video.task_id = pipeline.start(video.id, video.original_key, video.attempts)
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
    """Delete a video that is not yet published; a chain still running on it stops at its next stage.

    The status is checked on the row read afresh under a lock held until the deletion commits, so the
    chain's ``mark_processed`` (which takes the same lock) happens wholly before or wholly after it.
    """
    locked = lock_video(video.id)
    if locked is None:
        db.session.rollback()
        return
    if locked.status == VideoStatus.PROCESSED:
        db.session.rollback()
        raise NotDeletable(video.id)
    remove(locked)


def remove(video: Video) -> None:
    """Delete the row and journal its files in one transaction, then delete the files and the journal.

    A crash after the commit, or an object store out of reach, leaves journal entries, which the sweeper
    (``purge_due_deletions``) finishes.
    """
    stored = keys.video_keys(video.original_key, video.id)
    db.session.add_all(PendingDeletion(key=key) for key in stored)
    db.session.delete(video)
    db.session.commit()
    storage = get_storage()
    try:
        for key in stored:
            storage.delete(key)
    except StorageUnavailable:  # the video is gone all the same: the sweeper deletes its files later
        log.warning("media storage unavailable; video %s's files stay journaled for the sweeper", video.id)
        return
    _forget_deletions(stored)


def purge_due_deletions(limit: int = 500) -> int:
    """Delete the files of every journaled deletion that is due, then their entries; returns how many.

    Safe to run at any time and concurrently (deleting a missing file is fine); the sweeper calls it, and
    so can ``flask media gc``.
    """
    due = db.session.execute(db.select(PendingDeletion.id, PendingDeletion.key)
                             .where(PendingDeletion.due_at <= now_utc())
                             .order_by(PendingDeletion.id).limit(limit)).all()
    db.session.rollback()
    storage = get_storage()
    for _, key in due:
        storage.delete(key)
    if due:
        done = [row_id for row_id, _ in due]
        db.session.execute(db.delete(PendingDeletion).where(PendingDeletion.id.in_(done)))
        db.session.commit()
    return len(due)


def _forget_deletions(done: list[str]) -> None:
    """Drop the journal entries of files already deleted."""
    if done:
        db.session.execute(db.delete(PendingDeletion).where(PendingDeletion.key.in_(done)))
        db.session.commit()
