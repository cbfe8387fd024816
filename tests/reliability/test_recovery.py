"""Crashes between a commit and what should follow it: an accepted upload whose chain was never published
or was lost, and a deletion whose files were not removed. The sweeper repairs both."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anb.extensions import db
from anb.models import PendingDeletion, Video, VideoStatus, now_utc
from anb.storage import LocalStorage
from anb.videos import keys, recovery, service
from tasks.sweeper import sweep
from tests.helpers import stored, stored_files, uploaded_id
from tests.worker import wait_until_finished


def _later(app, extra: float = 1) -> object:
    """A moment when a video untouched since now counts as stuck."""
    return now_utc() + timedelta(seconds=app.config["SWEEP_STUCK_AFTER_SECONDS"] + extra)


def _files_of(app, video_id: int) -> list[str]:
    """The video's published files and intermediates (its original is checked apart)."""
    published = {keys.processed_key(video_id), keys.poster_key(video_id)}
    relative = (str(path.relative_to(app.config["MEDIA_ROOT"])) for path in stored_files(app))
    return sorted(key for key in relative if key in published or key.startswith(keys.work_prefix(video_id)))


def test_upload_whose_chain_was_never_published_is_requeued_and_processed(app, uploaded, live_worker):
    # ``uploaded``: a committed row and its original, no chain (the API died before publishing it).
    assert recovery.requeue_stuck().requeued == []  # not stuck yet

    result = recovery.requeue_stuck(_later(app))

    assert result.requeued == [uploaded.id]
    video = wait_until_finished(uploaded.id)
    assert (video.status, video.attempts) == (VideoStatus.PROCESSED, 1)
    published = [keys.processed_key(uploaded.id), keys.poster_key(uploaded.id)]
    assert _files_of(app, uploaded.id) == sorted(published)
    assert stored(app, video.original_key).is_file()


def test_chain_lost_in_processing_is_requeued_and_ends_processed_once(app, uploaded, live_worker):
    uploaded.status, uploaded.processing_stage = VideoStatus.PROCESSING, "transform"
    db.session.commit()  # its transform job was purged from the broker

    assert recovery.requeue_stuck(_later(app)).requeued == [uploaded.id]

    video = wait_until_finished(uploaded.id)
    assert video.status == VideoStatus.PROCESSED, video.error
    assert video.owner.processed_videos == 1
    assert not stored(app, keys.work_prefix(uploaded.id)).exists()


def test_a_claim_is_taken_once_and_a_moving_video_is_left_alone(app, uploaded, monkeypatch):
    published = []
    monkeypatch.setattr("tasks.pipeline.start", lambda *args: published.append(args) or "task")
    moment = _later(app)

    first, second = recovery.requeue_stuck(moment), recovery.requeue_stuck(moment)

    assert (first.requeued, second.requeued) == ([uploaded.id], [])
    assert published == [(uploaded.id, uploaded.original_key, 1)]
    db.session.refresh(uploaded)
    assert uploaded.attempts == 1


def test_attempts_are_bounded_then_the_video_fails_with_a_reason(app, uploaded, monkeypatch):
    monkeypatch.setattr("tasks.pipeline.start", lambda *args: "task")
    limit = app.config["SWEEP_MAX_ATTEMPTS"]
    moment = now_utc()

    for attempt in range(1, limit + 2):
        moment += timedelta(seconds=app.config["SWEEP_STUCK_AFTER_SECONDS"] + 1)
        result = recovery.requeue_stuck(moment)
        assert (result.requeued, result.failed) == (([uploaded.id], []) if attempt <= limit
                                                    else ([], [uploaded.id]))

    video = db.session.get(Video, uploaded.id, populate_existing=True)
    assert video.status == VideoStatus.FAILED and str(limit + 1) in video.error
    assert recovery.requeue_stuck(moment + timedelta(days=1)).requeued == []


def test_files_of_a_deletion_interrupted_after_its_commit_are_removed_by_the_sweeper(app, uploaded,
                                                                                     monkeypatch):
    video_id = uploaded.id
    work = stored(app, keys.work_key(video_id, 0, "trimmed.mp4"))
    work.parent.mkdir(parents=True)
    work.write_bytes(b"intermediate")

    def crash(self, key):
        raise SystemExit("the API process died here")

    with monkeypatch.context() as patched:
        patched.setattr(LocalStorage, "delete", crash)
        with pytest.raises(SystemExit):
            service.delete(uploaded)

    assert db.session.get(Video, video_id) is None
    assert _files_of(app, video_id) != [] and stored(app, uploaded.original_key).is_file()

    assert sweep.run()["purged"] == len(keys.video_keys(uploaded.original_key, video_id))

    assert _files_of(app, video_id) == [] and not stored(app, uploaded.original_key).exists()
    assert db.session.scalar(db.select(db.func.count()).select_from(PendingDeletion)) == 0


def test_an_upload_in_flight_is_not_purged_and_a_committed_one_leaves_no_journal(app, client, auth_headers,
                                                                               clips, monkeypatch):
    monkeypatch.setattr("tasks.pipeline.start", lambda *args: "task")
    video_id = uploaded_id(client, auth_headers, clips["valid"])
    in_flight = keys.original_key()
    stored(app, in_flight).write_bytes(b"half an upload")
    db.session.add(PendingDeletion(key=in_flight, due_at=now_utc() + timedelta(minutes=5)))
    db.session.commit()

    assert service.purge_due_deletions() == 0

    assert stored(app, in_flight).exists()
    assert stored(app, db.session.get(Video, video_id).original_key).exists()
    assert db.session.scalars(db.select(PendingDeletion.key)).all() == [in_flight]
