"""Players uploading videos, and anonymous readers whose latency shows whether uploads hold reads up.

The upload body (multipart: ``title`` and ``video_file``) is built once per process from LOAD_UPLOAD_FILE
and shared by every uploader, so the load generator's own memory does not grow with the number of
uploaders. Every 201 is checked against the contract (message, ``task_id``, ``video_id``).
"""

from __future__ import annotations

import os
import uuid
from functools import cache
from pathlib import Path

from locust import constant, task
from locust.exception import StopUser

from locustfiles.common import ApiUser, log_in, seeded_account
from locustfiles.web import WebFan

UPLOADED = "Video subido correctamente. Procesamiento en curso."
#: The video every uploader sends (a valid one: MP4, 20-60 s, short side >= 1080, <= 100 MB).
UPLOAD_FILE = Path(os.environ.get("LOAD_UPLOAD_FILE", "var/load/upload-50mb.mp4"))
#: How many uploaders a plan runs (each a player of the prepared accounts).
UPLOADERS = int(os.environ.get("LOAD_UPLOADERS", "2"))
#: Uploads per uploader before it stops (0: keep uploading until the plan ends).
UPLOADS_EACH = int(os.environ.get("LOAD_UPLOADS_EACH", "0"))


@cache
def multipart_body() -> tuple[bytes, str]:
    """The request body and its Content-Type, built once."""
    if not UPLOAD_FILE.is_file():
        raise SystemExit(f"No upload file {UPLOAD_FILE}: scripts/bench_uploads.py makes one "
                         "(or set LOAD_UPLOAD_FILE to a valid MP4).")
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nCarga de prueba\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="video_file"; '
            f'filename="{UPLOAD_FILE.name}"\r\nContent-Type: video/mp4\r\n\r\n').encode()
    body = head + UPLOAD_FILE.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Uploader(ApiUser):
    """A player who uploads the same video again and again (or UPLOADS_EACH times), without pause."""

    wait_time = constant(0)
    fixed_count = UPLOADERS

    def on_start(self) -> None:
        email, password = seeded_account()
        token = log_in(self.client, email, password)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.uploads = 0

    @task
    def upload(self) -> None:
        """POST /api/videos/upload; a failure unless 201 with the contract's body."""
        if UPLOADS_EACH and self.uploads >= UPLOADS_EACH:
            raise StopUser()
        self.uploads += 1
        body, content_type = multipart_body()
        with self.client.post("/api/videos/upload", data=body,
                              headers={**self.headers, "Content-Type": content_type},
                              name="/api/videos/upload", catch_response=True) as response:
            answer = response.json() if response.status_code == 201 else {}
            if (answer.get("message") != UPLOADED or not isinstance(answer.get("task_id"), str)
                    or not isinstance(answer.get("video_id"), str)):
                response.failure(f"upload answered {response.status_code}: {response.text[:200]}")


class Reader(ApiUser):
    """An anonymous reader running the web mix's two read tasks (catalogue, ranking) with its weights and
    think time; no login. (Not a WebFan subclass: Locust would inherit all of that user's tasks.)"""

    wait_time = WebFan.wait_time
    tasks = {WebFan.catalogue: 8, WebFan.ranking: 6}

    def on_start(self) -> None:
        self.video_ids: list[str] = []
