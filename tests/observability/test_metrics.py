"""Prometheus series after a real run: the API through gunicorn with several workers (its internal metrics
port), the pipeline through the Celery workers' exporter, and no secret in any log line of that run."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests
from prometheus_client import REGISTRY

from anb.models import VideoStatus
from config import PIPELINE_QUEUES, ROOT, TestingConfig
from tests.helpers import PASSWORD, Gunicorn, app_with_clean_limits, free_port, metric_value
from tests.worker import wait_until_finished

SIGNUP_PASSWORD = "otra-Clave-segura-77"
VOTE = "/api/public/videos/<video_id>/vote"


@pytest.fixture
def api(tmp_path) -> Gunicorn:
    """The API under gunicorn (two workers), stopped after the test."""
    with Gunicorn(tmp_path / "var", workers=2) as server:
        yield server


@pytest.fixture
def worker_exporter(live_worker):
    """`python -m anb.observability.exporter` over the test worker's metrics files, on a free port."""
    bind = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen([sys.executable, "-m", "anb.observability.exporter", "--bind", bind,
                                "--dir", str(live_worker.metrics_dir)], cwd=ROOT)
    url = f"http://{bind}/metrics"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=2)
            break
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, "the exporter did not start"
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _login(api: Gunicorn, email: str, password: str) -> dict[str, str]:
    response = requests.post(f"{api.api}/api/auth/login", json={"email": email, "password": password},
                             timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_real_upload_processed_and_voted_shows_in_the_metrics(api, worker_exporter, user, clips,
                                                                 password_hash, live_worker):
    before = requests.get(worker_exporter, timeout=5).text
    signup = requests.post(f"{api.api}/api/auth/signup", timeout=10, json={
        "first_name": "Luis", "last_name": "Gómez", "email": "luis@example.com", "password1": SIGNUP_PASSWORD,
        "password2": SIGNUP_PASSWORD, "city": "Cali", "country": "Colombia"})
    assert signup.status_code == 201
    owner, voter = _login(api, user.email, PASSWORD), _login(api, "luis@example.com", SIGNUP_PASSWORD)
    with clips["valid"].open("rb") as clip:
        uploaded = requests.post(f"{api.api}/api/videos/upload", headers=owner, timeout=30,
                                 data={"title": "Jugada"}, files={"video_file": ("c.mp4", clip, "video/mp4")})
    assert uploaded.status_code == 201, uploaded.text
    video_id = uploaded.json()["video_id"]
    assert wait_until_finished(int(video_id)).status == VideoStatus.PROCESSED
    votes = [requests.post(f"{api.api}/api/public/videos/{video_id}/vote", headers=voter, timeout=10)
             for _ in range(2)]
    assert [vote.status_code for vote in votes] == [200, 400]
    health_before = _health_count(requests.get(api.metrics, timeout=5).text)
    health = [requests.get(f"{api.api}/api/health", timeout=10).status_code for _ in range(6)]

    exposed = requests.get(api.metrics, timeout=5).text
    assert metric_value(exposed, "anb_http_requests_total", method="POST", endpoint="/api/videos/upload",
                        status="201") == 1
    assert metric_value(exposed, "anb_http_requests_total", method="POST", endpoint=VOTE, status="200") == 1
    assert metric_value(exposed, "anb_http_requests_total", method="POST", endpoint=VOTE, status="400") == 1
    assert _health_count(exposed) - health_before == health.count(200) == 6  # summed over the workers
    assert metric_value(exposed, "anb_http_request_duration_seconds_count", method="POST",
                        endpoint="/api/auth/login") == 2
    assert metric_value(exposed, "anb_http_request_duration_seconds_bucket", method="POST",
                        endpoint="/api/auth/login", le="+Inf") == 2
    assert metric_value(exposed, "anb_http_requests_in_flight") == 0
    assert metric_value(exposed, "anb_uploads_total", result="accepted", reason="") == 1
    assert metric_value(exposed, "anb_votes_total", result="cast", reason="") == 1
    assert metric_value(exposed, "anb_votes_total", result="refused", reason="already_voted") == 1
    assert requests.get(f"{api.api}/metrics", timeout=5).status_code == 404
    assert requests.get(f"{api.api}/api/metrics", timeout=5).status_code == 404

    pipeline = _settled(worker_exporter, before)
    for stage in PIPELINE_QUEUES:
        for event in ("started", "succeeded"):
            assert _delta(pipeline, before, "anb_stage_tasks_total", stage=stage, event=event) == 1, stage
        assert _delta(pipeline, before, "anb_stage_duration_seconds_count", stage=stage,
                      outcome="succeeded") == 1
    assert _delta(pipeline, before, "anb_videos_finished_total", status="processed") == 1
    assert _delta(pipeline, before, "anb_video_upload_to_processed_seconds_count") == 1
    assert "flower_" not in pipeline and "process_cpu" not in pipeline

    logs = api.logs() + live_worker.log_path.read_text()
    tokens = [headers["Authorization"].removeprefix("Bearer ") for headers in (owner, voter)]
    secrets = [PASSWORD, SIGNUP_PASSWORD, password_hash, *tokens, TestingConfig.JWT_SECRET_KEY,
               TestingConfig.SECRET_KEY]
    assert uploaded.headers["X-Request-ID"] in logs  # the logs are the real ones of this run
    assert [secret for secret in secrets if secret in logs] == []


def _health_count(exposition: str) -> float:
    return metric_value(exposition, "anb_http_requests_total", method="GET", endpoint="/api/health",
                        status="200")


def _delta(after: str, before: str, name: str, **labels: str) -> float:
    return (metric_value(after, name, **labels) or 0) - (metric_value(before, name, **labels) or 0)


def _settled(url: str, before: str, timeout: float = 30) -> str:
    """The workers' metrics once finalize's attempt is counted (it ends just after the video is processed)."""
    deadline = time.monotonic() + timeout
    while _delta(exposed := requests.get(url, timeout=5).text, before, "anb_stage_tasks_total",
                 stage="finalize", event="succeeded") < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    return exposed


def _sample(name: str, **labels: str) -> float:
    """This process's value of a series (the API's metrics live in memory when not under gunicorn)."""
    return REGISTRY.get_sample_value(name, labels) or 0


class RateLimited(TestingConfig):
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "1 per minute"


def test_logins_refused_by_the_limiter_are_counted(user):
    app = app_with_clean_limits(RateLimited)
    with app.app_context():
        before = _sample("anb_rate_limited_total", endpoint="/api/auth/login")
        statuses = [app.test_client().post("/api/auth/login", json={"email": user.email, "password": "x"})
                    .status_code for _ in range(2)]

    assert statuses == [401, 429]
    assert _sample("anb_rate_limited_total", endpoint="/api/auth/login") == before + 1


def test_refused_uploads_and_votes_are_counted_by_reason(client, auth_headers, clips, user, make_video):
    short_before = _sample("anb_uploads_total", result="refused", reason="duration")
    own_before = _sample("anb_votes_total", result="refused", reason="own_video")
    video = make_video(user)

    upload = client.post("/api/videos/upload", headers=auth_headers, content_type="multipart/form-data",
                         data={"title": "Corto", "video_file": (clips["too_short"].open("rb"), "c.mp4")})
    own_vote = client.post(f"/api/public/videos/{video.id}/vote", headers=auth_headers)

    assert (upload.status_code, own_vote.status_code) == (400, 400)
    assert _sample("anb_uploads_total", result="refused", reason="duration") == short_before + 1
    assert _sample("anb_votes_total", result="refused", reason="own_video") == own_before + 1
