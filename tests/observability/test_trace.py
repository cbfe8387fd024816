"""One id from the upload request through every stage: the worker's JSON log lines, `flask videos trace`."""

from __future__ import annotations

import time
import uuid

from anb.extensions import db
from anb.models import Video, VideoEvent, VideoStatus
from anb.observability.exporter import registry
from config import PIPELINE_QUEUES
from tests.helpers import stored, upload, uploaded_id
from tests.worker import stages_logged, wait_until_finished


def _trace_once_settled(runner, video_id: int, timeout: float = 30) -> str:
    """The trace once no attempt is running (the video turns `failed` just before its attempt is closed)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # a fresh snapshot: the worker writes in another connection
        output = runner.invoke(args=["videos", "trace", str(video_id)]).output
        if " running " not in output:
            return output
        assert time.monotonic() < deadline, output
        time.sleep(0.1)


def test_the_upload_request_id_reaches_every_stage_log_and_the_trace(client, auth_headers, clips, runner,
                                                                      live_worker):
    request_id = uuid.uuid4().hex
    response = upload(client, {**auth_headers, "X-Request-ID": request_id}, clips["valid"])
    assert response.status_code == 201 and response.headers["X-Request-ID"] == request_id
    video_id = int(response.get_json()["video_id"])

    assert wait_until_finished(video_id).status == VideoStatus.PROCESSED

    assert stages_logged(live_worker.log_path, request_id) == set(PIPELINE_QUEUES)
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


def test_a_retried_stage_shows_each_attempt_in_the_trace_and_the_metrics(app, client, auth_headers, clips,
                                                                        runner, live_worker):
    live_worker.stop()
    video_id = uploaded_id(client, auth_headers, clips["valid"])
    original = stored(app, db.session.get(Video, video_id).original_key)
    aside = original.rename(original.with_suffix(".aside"))  # a transient fault: the input is missing
    retried = registry(live_worker.metrics_dir).get_sample_value
    labels = {"stage": "trim", "event": "retried"}
    before = retried("anb_stage_tasks_total", labels) or 0
    live_worker.start()
    _wait_for_event(video_id, "trim", "retried")
    aside.rename(original)

    assert wait_until_finished(video_id).status == VideoStatus.PROCESSED
    trace = _trace_once_settled(runner, video_id)
    trims = [line.split() for line in trace.splitlines() if line.startswith("trim")]
    assert trims[0][1:3] == ["1", "retried"] and "FileNotFoundError:" in trims[0]
    assert trims[-1][2] == "succeeded" and int(trims[-1][1]) == len(trims) >= 2
    assert retried("anb_stage_tasks_total", labels) == before + len(trims) - 1


def _wait_for_event(video_id: int, stage: str, outcome: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    query = db.select(VideoEvent.id).filter_by(video_id=video_id, stage=stage, outcome=outcome)
    while db.session.rollback() or db.session.execute(query).first() is None:
        assert time.monotonic() < deadline, f"no {outcome} {stage} for video {video_id}"
        time.sleep(0.05)


def test_trace_of_an_unknown_video_fails(runner, app):
    result = runner.invoke(args=["videos", "trace", "424242"])

    assert result.exit_code != 0 and "No video 424242" in result.output


def test_a_request_id_is_made_when_missing_or_unsafe(client):
    made = client.get("/api/health").headers["X-Request-ID"]
    replaced = client.get("/api/health", headers={"X-Request-ID": "x\\n{\"level\": \"fake\"}"})

    assert len(made) == 32 and made.isalnum()
    assert replaced.headers["X-Request-ID"] != "x\\n{\"level\": \"fake\"}"
    assert len(replaced.headers["X-Request-ID"]) == 32
