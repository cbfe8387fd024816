"""Upload to `processed` through real RabbitMQ queues and a real worker; the output probed with ffprobe."""

from __future__ import annotations

from pathlib import Path

import pytest

from anb.extensions import db
from anb.media.probe import probe
from anb.models import Video, VideoStatus
from anb.videos import keys
from tests.clips import frame_at, image_as_array, mean_difference, video_stream
from tests.helpers import stored, uploaded_id
from tests.worker import poll_video, wait_until_finished

CARD_SECONDS = 2.5


def test_upload_ends_processed_with_the_contract_output(app, client, auth_headers, clips, live_worker):
    video_id = uploaded_id(client, auth_headers, clips["valid"])

    video = wait_until_finished(video_id)

    assert video.status == VideoStatus.PROCESSED, video.error
    assert video.processed_at is not None and video.processing_stage is None
    detail = client.get(f"/api/videos/{video_id}", headers=auth_headers).get_json()
    assert detail["processed_url"] == f"/media/processed/{video_id}.mp4"
    output = stored(app, video.processed_key)
    info = probe(output)
    assert (info.width, info.height, info.video_codec, info.has_audio) == (1280, 720, "h264", False)
    expected = min(4, app.config["PROCESSED_MAX_SECONDS"]) + 2 * CARD_SECONDS
    assert info.duration == pytest.approx(expected, abs=0.15)
    card = image_as_array(app.config["STATIC_ASSETS"] / "anb_card.png")
    assert mean_difference(frame_at(output, 0, size=(1280, 720)), card) < 12
    assert mean_difference(frame_at(output, info.duration - 0.1, size=(1280, 720)), card) < 12
    assert mean_difference(frame_at(output, CARD_SECONDS + 1, size=(1280, 720)), card) > 30
    assert stored(app, video.original_key).read_bytes() == clips["valid"].read_bytes()
    assert not stored(app, keys.work_prefix(video_id)).exists()


def test_processed_video_gets_a_poster_frame_of_its_playing_part(app, client, auth_headers, clips,
                                                                  live_worker):
    video_id = uploaded_id(client, auth_headers, clips["valid"])

    video = wait_until_finished(video_id)

    assert video.status == VideoStatus.PROCESSED, video.error
    item = client.get(f"/api/public/videos/{video_id}").get_json()
    assert item["poster_url"] == f"/media/{keys.poster_key(video_id)}" == f"/media/processed/{video_id}.jpg"
    assert client.get("/api/public/videos").get_json()[0]["poster_url"] == item["poster_url"]
    poster = stored(app, video.poster_key)
    stream = video_stream(poster)
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("mjpeg", 640, 360)
    picture = image_as_array(poster, (640, 360))
    card = image_as_array(app.config["STATIC_ASSETS"] / "anb_card.png", (640, 360))
    assert picture.mean() > 40 and mean_difference(picture, card) > 30
    middle = frame_at(stored(app, video.processed_key), CARD_SECONDS + 1.5, size=(640, 360))
    assert mean_difference(picture, middle) < 20


def test_portrait_video_gets_black_side_bars(app, client, auth_headers, clips, live_worker):
    video = wait_until_finished(uploaded_id(client, auth_headers, clips["portrait"]))

    assert video.status == VideoStatus.PROCESSED, video.error
    frame = frame_at(stored(app, video.processed_key), CARD_SECONDS + 1)
    picture_width = round(720 * 240 / 426)
    bar = (1280 - picture_width) // 2
    below_watermark = 200
    assert frame[:, : bar - 4].max() < 24 and frame[below_watermark:, 1280 - bar + 4 :].max() < 24
    assert frame[:, 640 - picture_width // 4 : 640 + picture_width // 4].mean() > 40


def test_corrupt_file_that_passed_validation_ends_failed_without_leftovers(app, client, auth_headers, clips,
                                                                           live_worker, monkeypatch):
    monkeypatch.setattr("anb.videos.service.validate_video", lambda path, size: None)
    video_id = uploaded_id(client, auth_headers, clips["text"])

    video = wait_until_finished(video_id)

    assert video.status == VideoStatus.FAILED
    assert "video" in video.error.lower() and "Traceback" not in video.error
    assert not stored(app, keys.work_prefix(video_id)).exists()
    assert not stored(app, keys.processed_key(video_id)).exists()
    assert stored(app, video.original_key).exists()
    detail = client.get(f"/api/videos/{video_id}", headers=auth_headers).get_json()
    assert (detail["status"], detail["error"]) == ("failed", video.error)


def test_worker_killed_mid_stage_still_ends_processed(app, client, auth_headers, clips, live_worker):
    video_id = uploaded_id(client, auth_headers, clips["valid"])
    poll_video(video_id, lambda video: video.processing_stage in ("transform", "brand"), interval=0.01)

    live_worker.kill()
    live_worker.start()

    video = wait_until_finished(video_id)
    assert video.status == VideoStatus.PROCESSED, video.error
    info = probe(stored(app, video.processed_key))
    assert (info.width, info.height, info.has_audio) == (1280, 720, False)
    assert not stored(app, keys.work_prefix(video_id)).exists()


def test_video_deleted_mid_chain_stops_the_chain_and_leaves_no_files(app, client, auth_headers, clips,
                                                                     live_worker):
    video_id = uploaded_id(client, auth_headers, clips["valid"])
    video = poll_video(video_id, lambda video: video.status == VideoStatus.PROCESSING, interval=0.01)
    original = stored(app, video.original_key)

    response = client.delete(f"/api/videos/{video_id}", headers=auth_headers)

    assert response.status_code == 200
    stopped = f"video {video_id} is gone"
    poll_log(live_worker.log_path, stopped)
    assert db.session.get(Video, video_id) is None
    assert not original.exists()
    assert not stored(app, keys.work_prefix(video_id)).exists()
    assert not stored(app, keys.processed_key(video_id)).exists()


def poll_log(log_path: Path, text: str, timeout: float = 60) -> None:
    """Wait until the worker logs ``text``."""
    import time

    deadline = time.monotonic() + timeout
    while text not in log_path.read_text():
        assert time.monotonic() < deadline, f"worker never logged {text!r}"
        time.sleep(0.05)
