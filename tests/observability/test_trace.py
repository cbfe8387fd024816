"""One id from the upload request through every stage: the worker's JSON log lines, `flask videos trace`."""

from __future__ import annotations

import json
import time
import uuid

from anb.models import VideoStatus
from config import PIPELINE_QUEUES
from tests.helpers import upload
from tests.worker import wait_until_finished


def _trace_once_settled(runner, video_id: int, timeout: float = 30) -> str:
    """The trace once no attempt is running (the video turns `failed` just before its attempt is closed)."""
    deadline = time.monotonic() + timeout
    while " running " in (output := runner.invoke(args=["videos", "trace", str(video_id)]).output):
        assert time.monotonic() < deadline, output
        time.sleep(0.1)
    return output


def _stages_logged(log_path, request_id: str, timeout: float = 30) -> set[str]:
    """The stages with a worker log line carrying ``request_id``, once all have one (or the timeout passed):
    the last stage's line is written just after the video turns `processed`."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
        logged = {stage for stage in PIPELINE_QUEUES for line in lines
                  if line.get("request_id") == request_id and f"tasks.{stage}." in line["message"]}
        if logged == set(PIPELINE_QUEUES) or time.monotonic() > deadline:
            return logged
        time.sleep(0.1)


def test_the_upload_request_id_reaches_every_stage_log_and_the_trace(client, auth_headers, clips, runner,
                                                                      live_worker):
    request_id = uuid.uuid4().hex
    response = upload(client, {**auth_headers, "X-Request-ID": request_id}, clips["valid"])
    assert response.status_code == 201 and response.headers["X-Request-ID"] == request_id
    video_id = int(response.get_json()["video_id"])

    assert wait_until_finished(video_id).status == VideoStatus.PROCESSED

    assert _stages_logged(live_worker.log_path, request_id) == set(PIPELINE_QUEUES)
    rows = [row.split() for row in _trace_once_settled(runner, video_id).splitlines()[2:]]
    assert [row[0] for row in rows] == ["upload", *PIPELINE_QUEUES]
    assert all(row[2] == "succeeded" and row[6] == request_id for row in rows)
    assert all("@" in row[5] for row in rows[1:])  # the worker's node name


def test_a_failing_stage_shows_in_the_trace_with_its_error(client, auth_headers, clips, runner, live_worker,
                                                          monkeypatch):
    monkeypatch.setattr("anb.videos.service.validate_video", lambda path, size: None)
    video_id = int(upload(client, auth_headers, clips["text"]).get_json()["video_id"])
    assert wait_until_finished(video_id).status == VideoStatus.FAILED

    output = _trace_once_settled(runner, video_id)

    trim = next(line for line in output.splitlines() if line.startswith("trim"))
    assert " failed " in trim and "MediaError" in trim
    assert "transform" not in output


def test_trace_of_an_unknown_video_fails(runner, app):
    result = runner.invoke(args=["videos", "trace", "424242"])

    assert result.exit_code != 0 and "No video 424242" in result.output


def test_a_request_id_is_made_when_missing_or_unsafe(client):
    made = client.get("/api/health").headers["X-Request-ID"]
    replaced = client.get("/api/health", headers={"X-Request-ID": "x\\n{\"level\": \"fake\"}"})

    assert len(made) == 32 and made.isalnum()
    assert replaced.headers["X-Request-ID"] != "x\\n{\"level\": \"fake\"}"
    assert len(replaced.headers["X-Request-ID"]) == 32
