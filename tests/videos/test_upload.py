"""POST /api/videos/upload: validation on the content, nothing left behind on failure, broker down."""

from __future__ import annotations

from pathlib import Path

import pytest

from anb import create_app
from anb.extensions import db
from anb.models import Video, VideoStatus
from tests.helpers import BrokerDown, bearer, stored_files, upload


def test_upload_stores_the_original_and_enqueues_the_chain(app, client, auth_headers, clips, user):
    response = upload(client, auth_headers, clips["valid"])

    assert response.status_code == 201
    body = response.get_json()
    assert body["message"] == "Video subido correctamente. Procesamiento en curso."
    assert body["task_id"] and isinstance(body["video_id"], str)
    video = db.session.get(Video, int(body["video_id"]))
    assert video.owner_id == user.id and video.title == "Mi mejor jugada"
    assert video.task_id == body["task_id"]
    assert video.status in (VideoStatus.UPLOADED, VideoStatus.PROCESSING)
    original = Path(app.config["MEDIA_ROOT"]) / video.original_key
    assert original.read_bytes() == clips["valid"].read_bytes()


@pytest.mark.parametrize("clip", ["text", "empty", "truncated", "moov_at_end_truncated", "audio_only", "webm",
                                  "too_short", "too_long", "too_small"])
def test_upload_rejects_bad_files_and_leaves_nothing(app, client, auth_headers, clips, clip):
    response = upload(client, auth_headers, clips[clip])

    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == 400 and body["message"]
    assert db.session.execute(db.select(db.func.count(Video.id))).scalar() == 0
    assert stored_files(app) == []


@pytest.mark.parametrize(("title", "file_present", "field"), [
    (None, True, "title"), ("   ", True, "title"), ("x" * 201, True, "title"), ("Ok", False, "video_file"),
])
def test_upload_requires_a_title_and_a_file(app, client, auth_headers, clips, title, file_present, field):
    response = upload(client, auth_headers, clips["valid"] if file_present else None, title=title)

    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert stored_files(app) == []


def test_upload_needs_a_token(client, clips):
    assert upload(client, {}, clips["valid"]).status_code == 401


def test_upload_checks_content_not_the_claimed_name_or_type(app, client, auth_headers, clips):
    response = upload(client, auth_headers, clips["valid"], name="trick.txt")

    assert response.status_code == 201


def test_upload_over_the_size_limit_is_rejected(app, client, auth_headers, clips):
    app.config["MAX_UPLOAD_BYTES"] = clips["valid"].stat().st_size - 1

    response = upload(client, auth_headers, clips["valid"])

    assert response.status_code == 400
    assert "tamaño" in response.get_json()["message"]
    assert stored_files(app) == []


def test_upload_with_the_broker_down_is_503_and_leaves_nothing(app, user, clips):
    broken = create_app(BrokerDown)
    with broken.app_context():
        response = upload(broken.test_client(), bearer(user), clips["valid"])

        assert response.status_code == 503
        assert response.get_json()["message"].startswith("El sistema de procesamiento no está disponible")
        assert db.session.execute(db.select(db.func.count(Video.id))).scalar() == 0
    assert stored_files(app) == []
