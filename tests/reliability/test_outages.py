"""RabbitMQ and MariaDB out of reach (a proxy of the test's own between the app and the shared service is
cut): the API answers a JSON 503 at once, leaves nothing half-done, and recovers without a restart."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from anb import create_app
from anb.extensions import db
from anb.models import Video, VideoStatus
from config import TestingConfig
from tests.helpers import bearer, stored_files, through_proxy, upload
from tests.proxy import TcpProxy
from tests.worker import Worker, poll_video, wait_until_finished


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, round(time.monotonic() - started, 3)


def _originals(app) -> list[Path]:
    return [path for path in stored_files(app) if "original" in path.parts]


def test_uploads_while_rabbitmq_is_unreachable_are_503_and_every_accepted_one_is_processed(
        app, user, clips, live_worker, figures):
    broker_port = urlsplit(TestingConfig.CELERY["broker_url"]).port or 5672
    with TcpProxy(broker_port) as proxy:
        api = create_app(through_proxy(proxy.port, broker=True)).test_client()
        headers = bearer(user)
        accepted = [upload(api, headers, clips["valid"])]
        assert accepted[0].status_code == 201, accepted[0].get_json()

        proxy.cut()
        refused, seconds = _timed(lambda: upload(api, headers, clips["valid"]))
        assert refused.status_code == 503 and refused.is_json
        assert "message" in refused.get_json()
        db.session.rollback()  # a fresh snapshot: the uploads were committed by the other app's connection
        assert db.session.scalar(db.select(db.func.count()).select_from(Video)) == 1
        assert len(_originals(app)) == 1

        proxy.restore()
        recovered, recovery = _timed(lambda: upload(api, headers, clips["valid"]))
        accepted.append(recovered)

    assert [response.status_code for response in accepted] == [201, 201]
    for response in accepted:
        video = wait_until_finished(int(response.get_json()["video_id"]), timeout=120)
        assert video.status == VideoStatus.PROCESSED, video.error
    figures["broker_cut"] = {"upload_503_seconds": seconds, "first_upload_after_restore_seconds": recovery,
                             "accepted": len(accepted), "processed": len(accepted)}


def test_with_mariadb_unreachable_the_api_answers_503_and_recovers_without_restart(app, user, figures):
    database_port = make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).port or 3306
    with TcpProxy(database_port) as proxy:
        api = create_app(through_proxy(proxy.port, database=True)).test_client()
        assert api.get("/api/health").status_code == 200
        assert api.get("/api/public/videos").status_code == 200

        proxy.cut()
        health, health_seconds = _timed(lambda: api.get("/api/health"))
        # Page 2: the anonymous first page may be answered from its prepared body for up to a second.
        listing, listing_seconds = _timed(lambda: api.get("/api/public/videos?page=2"))
        me, _ = _timed(lambda: api.get("/api/auth/me", headers=bearer(user)))

        assert (health.status_code, health.get_json()["database"]) == (503, "unavailable")
        assert listing.status_code == 503 and listing.is_json and "message" in listing.get_json()
        assert me.status_code == 503 and me.is_json

        proxy.restore()
        recovered, recovery = _timed(lambda: api.get("/api/public/videos?page=2"))
        assert recovered.status_code == 200
        assert api.get("/api/health").status_code == 200
    figures["database_cut"] = {"health_503_seconds": health_seconds, "api_503_seconds": listing_seconds,
                               "first_request_after_restore_seconds": recovery}


def test_a_stage_that_loses_mariadb_is_retried_and_the_video_ends_processed(
        app, client, auth_headers, clips, worker, tmp_path, figures):
    database_port = make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).port or 3306
    worker.stop()  # only the worker behind the proxy may take the jobs
    with TcpProxy(database_port) as proxy:
        url = make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).set(port=proxy.port)
        cut_off = Worker(tmp_path / "worker.log", env={"TEST_DATABASE_URL": url.render_as_string(False)})
        cut_off.start()
        try:
            video_id = int(upload(client, auth_headers, clips["valid"]).get_json()["video_id"])
            poll_video(video_id, lambda video: video.processing_stage == "trim", interval=0.01)
            proxy.cut()
            cut_at = time.monotonic()
            deadline = cut_at + 60
            while "Retry in" not in cut_off.log_path.read_text():
                assert time.monotonic() < deadline, "no stage was retried"
                time.sleep(0.1)
            proxy.restore()
            restored_at = time.monotonic()
            video = wait_until_finished(video_id, timeout=120)
            finished = time.monotonic()
        finally:
            cut_off.stop()

    assert video.status == VideoStatus.PROCESSED, video.error
    assert video.owner.processed_videos == 1
    figures["worker_database_cut"] = {"outage_seconds": round(restored_at - cut_at, 2),
                                      "processed_after_restore_seconds": round(finished - restored_at, 2)}
