"""Delete and publish exclude each other: whichever commits first wins, the other sees it (two database
connections interleaved by hand, no sleeps)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from anb.counters import counter_mismatches
from anb.extensions import db
from anb.models import User, Video, VideoStatus
from anb.storage import get_storage
from anb.videos import keys, processing, service
from tests.helpers import stored


def _branded(app, video: Video) -> str:
    """A branded result waiting in the chain's work area, as the brand stage leaves it."""
    key = keys.work_key(video.id, 0, "branded.mp4")
    target = stored(app, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"branded bytes")
    return key


def _publish_in_another_connection(app, video_id: int, branded: str) -> bool:
    """The chain's finalize, as a worker runs it: its own app context, session and connection."""
    with app.app_context():
        try:
            return processing.mark_processed(video_id, keys.processed_key(video_id), 0, source_key=branded)
        finally:
            db.session.remove()


def _consistent(app, video_id: int) -> None:
    db.session.rollback()
    with db.engine.connect() as connection:
        assert counter_mismatches(connection) == []
    video = db.session.get(Video, video_id, populate_existing=True)
    published = stored(app, keys.processed_key(video_id)).exists()
    assert published == (video is not None and video.status == VideoStatus.PROCESSED)


def test_publish_between_the_owners_read_and_delete_makes_delete_refuse(app, user, make_video):
    video = make_video(user, status=VideoStatus.PROCESSING)
    branded = _branded(app, video)
    assert video.status == VideoStatus.PROCESSING  # what the route read before the chain committed

    assert _publish_in_another_connection(app, video.id, branded)
    with pytest.raises(service.NotDeletable):
        service.delete(video)

    assert db.session.get(Video, video.id, populate_existing=True).status == VideoStatus.PROCESSED
    assert db.session.get(User, user.id, populate_existing=True).processed_videos == 1
    _consistent(app, video.id)


def test_delete_committed_first_makes_publish_find_nothing(app, user, make_video):
    video = make_video(user, status=VideoStatus.PROCESSING)
    branded, video_id = _branded(app, video), video.id

    service.delete(video)

    assert not _publish_in_another_connection(app, video_id, branded)
    assert db.session.get(User, user.id, populate_existing=True).processed_videos == 0
    assert not stored(app, keys.processed_key(video_id)).exists()
    _consistent(app, video_id)


def _running_a_locking_read(connection_id: int) -> bool:
    """Whether that connection is inside its SELECT ... FOR UPDATE (blocked: the lock is held here)."""
    return bool(db.session.execute(text(
        "SELECT COUNT(*) FROM information_schema.processlist WHERE id = :id AND info LIKE '%FOR UPDATE%'"),
        {"id": connection_id}).scalar())


def test_delete_waiting_on_a_publish_in_progress_sees_it_published(app, user, make_video):
    video = make_video(user, status=VideoStatus.PROCESSING)
    branded, video_id = _branded(app, video), video.id
    outcome: list[object] = []
    connection_ids: list[int] = []

    def delete_in_a_request() -> None:
        with app.app_context():
            connection_ids.append(db.session.execute(text("SELECT CONNECTION_ID()")).scalar())
            try:
                service.delete(db.session.get(Video, video_id))
                outcome.append("deleted")
            except service.NotDeletable:
                outcome.append("refused")
            finally:
                db.session.remove()

    with app.app_context():  # the worker's connection, inside mark_processed: row locked, not committed
        db.session.get(Video, video_id, with_for_update=True)
        request = threading.Thread(target=delete_in_a_request)
        request.start()
        with app.app_context():
            deadline = time.monotonic() + 30
            while not (connection_ids and _running_a_locking_read(connection_ids[0])):
                assert request.is_alive() and time.monotonic() < deadline  # the delete must be queued
                db.session.rollback()
            db.session.remove()
        assert processing.mark_processed(video_id, keys.processed_key(video_id), 0, source_key=branded)
        db.session.remove()
    request.join(timeout=30)

    assert outcome == ["refused"]
    assert get_storage().exists(keys.processed_key(video_id))
    _consistent(app, video_id)
