"""Uploads have a gunicorn pool of their own (config/gunicorn.conf.py, GUNICORN_POOL=upload) and Nginx sends
POST /api/videos/upload there only: an upload holds its thread for as long as the app stores and checks the
video, and uploads in the read pool left reads waiting behind them (docs/capacity.md, "Uploads").

Real gunicorn pools behind Nginx rendered as scripts/up renders it. An upload is held inside the app, for as
long as the test wants, by a lock on the table its first write goes to (pending_deletions, the upload's
journal): with one worker of one thread per pool, a read answered meanwhile can only have gone elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import Connection, text

from anb.errors import error_body
from anb.extensions import db
from tests.helpers import Gunicorn, Nginx, bearer, free_port, metric_value

UPLOAD = "/api/videos/upload"
#: The upload's first write, as MariaDB shows it while the statement waits for the test's lock.
JOURNAL_INSERT = "INSERT INTO pending_deletions%"


@pytest.fixture
def pools(app, tmp_path) -> Iterator[tuple[Gunicorn, Gunicorn, Nginx]]:
    """Each pool with a single thread, so one request in it is all it can take."""
    var, media_root = tmp_path / "var", Path(app.config["MEDIA_ROOT"])
    with (Gunicorn(var / "api", workers=1, threads=1) as api,
          Gunicorn(var / "upload", workers=1, threads=1, pool="upload") as uploads,
          Nginx(var, api.api_bind, media_root, upload_upstream=uploads.api_bind) as nginx):
        yield api, uploads, nginx


def post_upload(nginx: Nginx, headers: dict[str, str]) -> requests.Response:
    """A multipart upload through Nginx of a file that is no video (refused once the app checks it)."""
    return requests.post(f"{nginx.url}{UPLOAD}", headers=headers, timeout=120,
                         data={"title": "Mi mejor jugada"},
                         files={"video_file": ("clip.mp4", b"\0" * 4096, "video/mp4")})


def uploads_counted(server: Gunicorn) -> float:
    """Uploads this pool answered (any status a test's upload may get)."""
    exposition = requests.get(server.metrics, timeout=5).text
    return sum(metric_value(exposition, "anb_http_requests_total", method="POST", endpoint=UPLOAD,
                            status=status) or 0 for status in ("201", "400", "401"))


def waiting_uploads(connection: Connection) -> int:
    """Uploads of this test database stopped at their first write, waiting for the test's lock."""
    return connection.execute(text(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE :insert"),
        {"insert": JOURNAL_INSERT}).scalar_one()


def test_an_upload_through_nginx_is_answered_by_the_upload_pool_only(pools):
    api, uploads, nginx = pools

    answer = post_upload(nginx, {})

    assert answer.status_code == 401
    assert uploads_counted(uploads) == 1
    assert uploads_counted(api) == 0


def test_a_read_is_answered_while_an_upload_holds_the_upload_pools_only_thread(pools, user):
    api, uploads, nginx = pools
    answers: list[requests.Response] = []
    headers = bearer(user)
    with db.engine.connect() as lock, db.engine.connect() as watch:
        # Every gap of the empty journal locked: the upload's insert waits (innodb_lock_wait_timeout at most).
        lock.execute(text("SELECT id FROM pending_deletions FOR UPDATE"))
        upload = threading.Thread(target=lambda: answers.append(post_upload(nginx, headers)))
        upload.start()
        try:
            deadline = time.monotonic() + 60
            while not waiting_uploads(watch) and time.monotonic() < deadline and upload.is_alive():
                time.sleep(0.1)
            assert waiting_uploads(watch) == 1, "the upload never reached its first write"

            read = requests.get(f"{nginx.url}/api/health", timeout=60)
            still_held = waiting_uploads(watch)
        finally:
            lock.rollback()
            upload.join(timeout=120)

    assert read.status_code == 200, read.text
    assert still_held == 1, "the read must be answered while the upload is still held"
    assert [answer.status_code for answer in answers] == [400], "a file that is no video, once let through"
    assert (uploads_counted(uploads), uploads_counted(api)) == (1, 0)


def test_an_upload_while_the_upload_pool_is_down_is_the_json_502_and_reads_go_on(app, tmp_path, user):
    with (Gunicorn(tmp_path / "var" / "api", workers=1, threads=1) as api,
          Nginx(tmp_path / "var", api.api_bind, Path(app.config["MEDIA_ROOT"]),
                upload_upstream=f"127.0.0.1:{free_port()}") as nginx):
        upload = post_upload(nginx, bearer(user))
        read = requests.get(f"{nginx.url}/api/health", timeout=60)

    assert (upload.status_code, upload.json()) == (502, error_body(502))
    assert read.status_code == 200
