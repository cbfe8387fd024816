"""The whole system on the S3 backend: an upload through the API, the real worker (sharing nothing with the
API but the store, the database and the broker) ending `processed`, media fetched by presigned URLs, and a
store out of reach answered with a JSON 503 at upload and retried by the stages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from anb import create_app
from anb.errors import STORAGE_DOWN_MESSAGE, STORAGE_DOWN_STAGE_MESSAGE
from anb.extensions import db
from anb.media.probe import probe
from anb.models import PendingDeletion, Video, VideoStatus
from anb.videos import keys
from config import TestingConfig
from tests.helpers import S3Server, bearer, free_port, upload, uploaded_id
from tests.proxy import TcpProxy
from tests.storage.conftest import s3_storage
from tests.worker import Worker, poll_video, wait_until_finished

CARD_SECONDS = 2.5


def s3_app(server: S3Server, bucket: str, **overrides) -> Flask:
    """The API with the testing config on the S3 backend (same database and broker as the test's app)."""
    return create_app(type("S3Testing", (TestingConfig,), server.settings(bucket, **overrides)))


@pytest.fixture
def s3_worker(worker: Worker, s3_server: S3Server, bucket: str, tmp_path) -> Iterator[Worker]:
    """A worker on the S3 backend, alone on the queues (the session's local-disk worker is stopped; the
    next test that needs it starts it again)."""
    worker.stop()
    running = Worker(tmp_path / "worker.log", env=s3_server.environment(bucket))
    running.start()
    yield running
    running.stop()


def _local_media(app: Flask) -> list[str]:
    """Media files on this host's disk: with the S3 backend the API and the workers leave none."""
    root = app.config["MEDIA_ROOT"]
    return [str(path) for prefix in ("original", "processed", "work") for path in (root / prefix).rglob("*")
            if path.is_file()] if root.exists() else []


def test_an_upload_is_processed_on_the_s3_backend_and_served_by_presigned_urls(
        app, user, make_user, clips, s3_server, bucket, s3_worker):
    api = s3_app(s3_server, bucket)
    client = api.test_client()

    video_id = uploaded_id(client, bearer(user), clips["valid"])
    video = wait_until_finished(video_id, timeout=120)

    assert video.status == VideoStatus.PROCESSED, video.error
    store = s3_storage(s3_server, bucket)
    assert store.exists(video.original_key) and store.exists(video.processed_key)
    assert store.exists(keys.poster_key(video_id)) and video.poster_key == keys.poster_key(video_id)
    assert list(store.list(keys.WORK_PREFIX)) == []
    with store.local_path(video.processed_key) as processed:
        info = probe(processed)
    assert (info.width, info.height, info.video_codec, info.has_audio) == (1280, 720, "h264", False)
    expected = min(4, app.config["PROCESSED_MAX_SECONDS"]) + 2 * CARD_SECONDS
    assert info.duration == pytest.approx(expected, abs=0.15)
    assert _local_media(app) == []

    detail = client.get(f"/api/videos/{video_id}", headers=bearer(user)).get_json()
    assert detail["processed_url"].startswith(f"{s3_server.url}/{bucket}/{video.processed_key}?")
    public = requests.get(detail["processed_url"], timeout=30)
    assert public.status_code == 200 and public.headers["Content-Type"] == "video/mp4"
    with store.local_path(video.processed_key) as processed:
        assert public.content == processed.read_bytes()

    original = client.get(f"/api/videos/{video_id}/original", headers=bearer(user))
    assert original.status_code == 302 and "X-Accel-Redirect" not in original.headers
    assert original.headers["Location"].startswith(f"{s3_server.url}/{bucket}/{video.original_key}?")
    assert "X-Amz-Expires=60" in original.headers["Location"]
    assert requests.get(original.headers["Location"], timeout=30).content == clips["valid"].read_bytes()
    stranger = client.get(f"/api/videos/{video_id}/original", headers=bearer(make_user()))
    assert stranger.status_code == 403 and "Location" not in stranger.headers


def test_an_upload_while_the_store_is_out_of_reach_is_a_json_503_and_keeps_nothing(app, user, clips,
                                                                                     s3_server, bucket):
    api = s3_app(s3_server, bucket, S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")

    response = upload(api.test_client(), bearer(user), clips["valid"])

    assert response.status_code == 503 and response.is_json
    assert response.get_json() == {"code": 503, "status": "Service Unavailable",
                                   "message": STORAGE_DOWN_MESSAGE}
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Video)) == 0
    # The key it may have half-written stays journaled: the sweeper deletes it once the store is back.
    assert [entry.key.startswith(keys.ORIGINAL_PREFIX)
            for entry in db.session.scalars(db.select(PendingDeletion))] == [True]
    assert list(s3_storage(s3_server, bucket).list(keys.ORIGINAL_PREFIX)) == []


def test_a_stage_that_loses_the_store_is_retried_and_the_video_ends_processed(
        app, user, clips, s3_server, bucket, worker, tmp_path):
    worker.stop()  # only the worker behind the proxy may take the jobs
    store_port = int(s3_server.url.rsplit(":", 1)[1])
    with TcpProxy(store_port) as proxy:
        environment = {**s3_server.environment(bucket), "S3_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}"}
        cut_off = Worker(tmp_path / "worker.log", env=environment)
        cut_off.start()
        try:
            video_id = uploaded_id(s3_app(s3_server, bucket).test_client(), bearer(user), clips["valid"])
            poll_video(video_id, lambda video: video.processing_stage == "trim", interval=0.01)
            proxy.cut()
            poll_video(video_id, lambda video: "Retry in" in cut_off.log_path.read_text(), timeout=60,
                       interval=0.1)
            proxy.restore()
            video = wait_until_finished(video_id, timeout=120)
        finally:
            cut_off.stop()

    assert video.status == VideoStatus.PROCESSED, video.error
    assert "StorageUnavailable" in cut_off.log_path.read_text()
    assert s3_storage(s3_server, bucket).exists(video.processed_key)


def test_a_stage_whose_store_stays_away_fails_its_video_with_a_reason(app, user, clips, s3_server, bucket,
                                                                      worker, tmp_path):
    worker.stop()  # only the worker that cannot reach the store may take the jobs, and only this test's
    app.extensions["celery"].control.purge()
    environment = {**s3_server.environment(bucket), "S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    stranded = Worker(tmp_path / "worker.log", env=environment)
    stranded.start()
    try:
        video_id = uploaded_id(s3_app(s3_server, bucket).test_client(), bearer(user), clips["valid"])
        video = wait_until_finished(video_id, timeout=180)
    finally:
        stranded.stop()

    assert video.status == VideoStatus.FAILED
    assert video.error == STORAGE_DOWN_STAGE_MESSAGE
    retries = [line for line in stranded.log_path.read_text().splitlines()
               if "retry: Retry in" in line and video.original_key in line]  # (jobs left by other tests too)
    assert len(retries) == 3 and all("StorageUnavailable" in line for line in retries)
    # What the chain could not delete itself is journaled for the sweeper.
    journaled = db.session.scalars(db.select(PendingDeletion.key)).all()
    assert [key for key in journaled if keys.work_video_id(key) == video_id] == [
        keys.work_prefix(video_id, video.attempts)]


def test_deleting_a_video_while_the_store_is_out_of_reach_succeeds_and_journals_its_files(
        app, user, make_video, s3_server, bucket):
    video = make_video(user, status=VideoStatus.UPLOADED)
    video_id, stored_keys = video.id, keys.video_keys(video.original_key, video.id)
    api = s3_app(s3_server, bucket, S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")

    response = api.test_client().delete(f"/api/videos/{video_id}", headers=bearer(user))

    assert response.status_code == 200, response.get_json()
    db.session.rollback()
    assert db.session.get(Video, video_id) is None
    assert sorted(db.session.scalars(db.select(PendingDeletion.key))) == sorted(stored_keys)
