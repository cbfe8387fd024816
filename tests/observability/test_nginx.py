"""Through the public Nginx site: metrics are not reachable, and Nginx's request id is the one the app logs,
echoes, and hands to every stage of the uploaded video's chain."""

from __future__ import annotations

import re
import runpy
import subprocess
import uuid

import pytest
import requests

from anb.models import VideoStatus
from config import PIPELINE_QUEUES, ROOT
from config.frontserver import render
from tests.helpers import Gunicorn, Nginx, bearer
from tests.worker import stages_logged, wait_until_finished


@pytest.fixture
def site(app, tmp_path):
    """gunicorn (one worker, with its access log) behind Nginx, both on free ports, stopped after the test."""
    with Gunicorn(tmp_path / "var", workers=1, access_log=True) as api, Nginx(tmp_path / "var", api.api_bind,
                                                            app.config["MEDIA_ROOT"]) as nginx:
        yield api, nginx


def test_metrics_are_not_served_through_the_public_site(site):
    api, nginx = site

    assert requests.get(api.metrics, timeout=5).status_code == 200  # internal port: yes
    for path in ("/metrics", "/api/metrics", "/metrics/"):
        response = requests.get(f"{nginx.url}{path}", timeout=5)
        assert response.status_code == 404, path
        assert "anb_http_requests_total" not in response.text


def test_nginx_request_id_reaches_the_app_logs_and_every_stage(site, user, clips, live_worker):
    api, nginx = site
    with clips["valid"].open("rb") as clip:
        response = requests.post(f"{nginx.url}/api/videos/upload", headers=bearer(user), timeout=30,
                                 data={"title": "Jugada"}, files={"video_file": ("c.mp4", clip, "video/mp4")})
    assert response.status_code == 201, response.text
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32  # Nginx's $request_id
    assert wait_until_finished(int(response.json()["video_id"])).status == VideoStatus.PROCESSED

    assert f"rid={request_id}" in nginx.access_log(f"rid={request_id}")
    assert f"rid={request_id}" in api.logs()  # gunicorn's access line (GUNICORN_ACCESS_LOG=1)
    assert stages_logged(live_worker.log_path, request_id) == set(PIPELINE_QUEUES)


def test_a_callers_request_id_is_kept(site):
    _api, nginx = site
    request_id = uuid.uuid4().hex

    response = requests.get(f"{nginx.url}/api/health", headers={"X-Request-ID": request_id}, timeout=10)

    assert response.headers["X-Request-ID"] == request_id
    assert f"rid={request_id}" in nginx.access_log(f"rid={request_id}")



@pytest.mark.parametrize(("setting", "logged"), [("", False), ("1", True)])
def test_gunicorn_writes_its_own_access_line_only_when_asked(monkeypatch, tmp_path, setting, logged):
    """Nginx's line (with the request id and the app's time) is the access log; gunicorn's repeated it."""
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", setting)
    monkeypatch.setenv("ANB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))

    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))

    assert settings["accesslog"] == (str(tmp_path / "log" / "gunicorn-access.log") if logged else None)


def test_nginx_keeps_connections_to_gunicorn_alive_and_recycles_them(tmp_path):
    """HTTP/1.1 keep-alive to the upstream (no Connection: close passed on), each connection recycled after
    a few requests so that the next one lands on an idle gunicorn worker, and a buffered access log."""
    for folder in ("run", "log"):
        (tmp_path / folder).mkdir()
    text = render(tmp_path, tmp_path / "media").read_text()
    upstream = re.search(r"upstream anb_api \{(.*?)\}", text, re.S).group(1)

    assert re.search(r"^\s*keepalive \d+;", upstream, re.M)
    assert re.search(r"^\s*keepalive_requests 16;", upstream, re.M)
    assert "proxy_http_version 1.1;" in text and 'proxy_set_header Connection "";' in text
    assert re.search(r"access_log \S+/log/nginx-access\.log anb buffer=64k flush=1s;", text)
    assert "up=$upstream_response_time" in text
    check = subprocess.run(["nginx", "-t", "-q", "-c", str(tmp_path / "nginx" / "nginx.conf")],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
