"""Helpers the tests share: tokens, uploads, stored files, and apps whose services cannot be reached."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import requests
from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token
from flask_migrate import downgrade, upgrade
from sqlalchemy import event
from sqlalchemy.engine import make_url

from anb import create_app
from anb.counters import Mismatch, counter_mismatches
from anb.extensions import db, limiter
from anb.models import User, Video
from anb.public.votes import VoteOrigin, vote
from config import ROOT, Config, TestingConfig, celery_settings, mysql_url
from config.frontserver import render

#: The password of every user the ``make_user`` fixture creates.
PASSWORD = "correct-horse-9"


def app_with_clean_limits(config: type[Config]) -> Flask:
    """The app built on ``config`` (rate limits on) with every limit's counters cleared: they live in Redis,
    shared by every app a test builds and left over by earlier tests."""
    app = create_app(config)
    with app.app_context():
        limiter.reset()
    return app


@contextmanager
def at_revision(app: Flask, revision: str) -> Iterator[None]:
    """The schema taken down to migration ``revision`` for the block, and back up to the head after it
    whatever happens (the next test expects the head)."""
    directory = str(app.config["MIGRATIONS_DIR"])
    downgrade(directory=directory, revision=revision)
    try:
        yield
    finally:
        upgrade(directory=directory)


def bearer(user: User, **token_options) -> dict[str, str]:
    """Authorization headers carrying a fresh access token for ``user``."""
    return {"Authorization": f"Bearer {create_access_token(identity=user, **token_options)}"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for servers a test starts itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cast_vote(video: Video, voter: User, ip_address: str = "198.51.100.7",
              user_agent: str = "ANB-App/2.1") -> None:
    """Vote through the service, as the endpoint does, from ``ip_address``."""
    vote(str(video.id), voter, VoteOrigin(ip_address, user_agent))


def mismatches() -> list[Mismatch]:
    """Stored counters that differ from a recount (empty when everything adds up)."""
    db.session.expire_all()
    return counter_mismatches(db.session.connection())


def upload(client: FlaskClient, headers: dict, path: Path | None, title: str | None = "Mi mejor jugada",
           name: str = "clip.mp4"):
    """Send a multipart upload the way a phone app does."""
    data = {}
    if title is not None:
        data["title"] = title
    if path is not None:
        data["video_file"] = (path.open("rb"), name, "video/mp4")
    return client.post("/api/videos/upload", headers=headers, data=data, content_type="multipart/form-data")


def uploaded_id(client: FlaskClient, headers: dict, path: Path) -> int:
    """Upload ``path`` and return the new video's id (the upload must be accepted)."""
    response = upload(client, headers, path)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["video_id"])


def stored(app: Flask, key: str) -> Path:
    """The local file behind a storage key."""
    return Path(app.config["MEDIA_ROOT"]) / key


def stored_files(app: Flask) -> list[Path]:
    """Every file under the media root."""
    return [path for path in Path(app.config["MEDIA_ROOT"]).rglob("*") if path.is_file()]


class DatabaseDown(TestingConfig):
    """The testing config with MariaDB on a port where nothing listens."""

    SQLALCHEMY_DATABASE_URI = mysql_url("anb_test", "anb_test", "anb_test").replace(":3306/", ":1/")


def through_proxy(port: int, *, database: bool = False, broker: bool = False) -> type[TestingConfig]:
    """The testing config with MariaDB and/or RabbitMQ reached through a proxy on ``port``."""
    settings = {}
    if database:
        url = make_url(TestingConfig.SQLALCHEMY_DATABASE_URI).set(port=port)
        settings["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)
    if broker:
        parts = urlsplit(TestingConfig.CELERY["broker_url"])
        netloc = f"{parts.netloc.rsplit(':', 1)[0]}:{port}"
        settings["CELERY"] = celery_settings(urlunsplit(parts._replace(netloc=netloc)),
                                             TestingConfig.STAGE_SOFT_TIME_LIMIT)
    return type("ThroughProxy", (TestingConfig,), settings)


class BrokerDown(TestingConfig):
    """The testing config with RabbitMQ on a port where nothing listens."""

    CELERY = celery_settings("amqp://guest:guest@127.0.0.1:1//", 60)


def metric_value(exposition: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text exposition (None if absent)."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(key) == value for key, value in labels.items()):
                return sample.value
    return None


def wait_until_answering(process: subprocess.Popen, answers: Callable[[], bool], failure: str,
                         seconds: float = 60) -> None:
    """Wait until a server the test started answers; stop it and fail if it exits or stays silent."""
    deadline = time.monotonic() + seconds
    while not answers():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process_group(process)
            raise RuntimeError(failure)
        time.sleep(0.2)


def stop_process_group(process: subprocess.Popen | None) -> None:
    """Stop a process started in its own session, with everything it started: TERM (a warm shutdown),
    then KILL after 30 s."""
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Gunicorn:
    """The API as production serves it (config/gunicorn.conf.py, several workers) on free loopback ports,
    with its own var/ folder for logs, pidfile and metrics files. ``pool`` is GUNICORN_POOL: "api", or
    "upload" for the pool Nginx sends uploads to (its knobs are the UPLOAD_GUNICORN_* ones)."""

    #: Pool -> the prefix of its bind/workers/threads variables and its metrics bind variable.
    KNOBS = {"api": ("GUNICORN", "API_METRICS_BIND"), "upload": ("UPLOAD_GUNICORN", "UPLOAD_METRICS_BIND")}

    def __init__(self, folder: Path, workers: int = 2, threads: int = 2, pool: str = "api",
                 access_log: bool = False) -> None:
        self.folder = folder
        self.workers, self.threads, self.pool = workers, threads, pool
        self.access_log = access_log
        self.api_bind, self.metrics_bind = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
        self.api, self.metrics = f"http://{self.api_bind}", f"http://{self.metrics_bind}/metrics"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        for sub in ("run", "log", "app"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        knob, metrics_knob = self.KNOBS[self.pool]
        env = {**os.environ, "ANB_ENV": "testing", "ANB_VAR_DIR": str(self.folder),
               "GUNICORN_POOL": self.pool, f"{knob}_BIND": self.api_bind,
               f"{knob}_WORKERS": str(self.workers), f"{knob}_THREADS": str(self.threads),
               metrics_knob: self.metrics_bind,
               "PROMETHEUS_MULTIPROC_DIR": str(self.folder / "metrics" / self.pool),
               "GUNICORN_ACCESS_LOG": "1" if self.access_log else ""}
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                                         "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
        wait_until_answering(self.process, self._answers,
                             f"gunicorn did not start; see {self.folder / 'log'}")
        return self

    def _answers(self) -> bool:
        try:
            return (requests.get(f"{self.api}/api/health", timeout=2).ok
                    and requests.get(self.metrics, timeout=2).ok)
        except requests.RequestException:  # not listening yet, or no worker booted to answer
            return False

    def __exit__(self, *_exc) -> None:
        stop_process_group(self.process)

    def logs(self) -> str:
        """Everything gunicorn and the app wrote (error log with the app's JSON lines, access log)."""
        return "".join(path.read_text() for path in sorted((self.folder / "log").glob("*.log")))


class Nginx:
    """Nginx rendered as scripts/up renders it (config/frontserver.py), on a free port, in front of
    ``upstream`` ("host:port", or several: a load balancer) and, for uploads, ``upload_upstream`` (the
    upload pool; default the same), its workers running as root so they can use the test's private folders."""

    def __init__(self, folder: Path, upstream: str | Sequence[str], media_root: Path,
                 upload_upstream: str | None = None) -> None:
        self.folder, self.media_root = folder, media_root
        self.upstreams = [upstream] if isinstance(upstream, str) else list(upstream)
        self.upload_upstreams = [upload_upstream] if upload_upstream else []
        self.url = f"http://127.0.0.1:{free_port()}"
        self.config = folder / "nginx" / "nginx.conf"

    def __enter__(self) -> Nginx:
        for sub in ("run", "log", "nginx/body", "nginx/proxy", "nginx/fastcgi", "nginx/uwsgi", "nginx/scgi"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        render(self.folder, self.media_root, listen=self.url.removeprefix("http://"),
               upstreams=self.upstreams, upload_upstreams=self.upload_upstreams, worker_user="root")
        subprocess.run(["nginx", "-c", str(self.config)], check=True, timeout=30)
        return self

    def __exit__(self, *_exc) -> None:
        subprocess.run(["nginx", "-c", str(self.config), "-s", "quit"], timeout=30)
        pidfile = self.folder / "run" / "nginx.pid"
        deadline = time.monotonic() + 30
        while pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def access_log(self, containing: str = "", timeout: float = 10) -> str:
        """Nginx's access log, once it holds ``containing``: Nginx writes a request's line after the answer
        has gone out, so a client that just got its answer may look before the line is there."""
        log = self.folder / "log" / "nginx-access.log"
        deadline = time.monotonic() + timeout
        while True:
            text = log.read_text() if log.exists() else ""
            if containing in text or time.monotonic() > deadline:
                return text
            time.sleep(0.05)


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs (to prove a page costs no query per item)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


class S3Server:
    """moto's standalone S3-compatible server over HTTP on a free loopback port (in-memory: every bucket
    goes with it), for the storage backend's tests; ``settings`` are the app's S3_* settings for a bucket."""

    ACCESS_KEY, SECRET_KEY, REGION = "anb-test-key", "anb-test-secret", "us-east-1"

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> S3Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", self.url.rsplit(":", 1)[1]],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_answering(self.process, self._answers,
                             f"the S3 test server did not start; see {self.log_path}")
        return self

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/moto-api/", timeout=2).ok
        except requests.RequestException:
            return False

    def __exit__(self, *_exc) -> None:
        stop_process_group(self.process)

    def settings(self, bucket: str, **overrides) -> dict:
        """The app config (names as in config.Config) of the s3 backend on ``bucket`` of this server."""
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": self.url, "S3_BUCKET": bucket,
                "S3_REGION": self.REGION, "S3_ACCESS_KEY_ID": self.ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": self.SECRET_KEY, **overrides}

    def environment(self, bucket: str) -> dict[str, str]:
        """The same settings as environment variables, for a worker process."""
        return {name: str(value) for name, value in self.settings(bucket).items()}

    def create_bucket(self, bucket: str) -> None:
        """Make ``bucket`` (the operator's job in a deployment)."""
        boto3.client("s3", endpoint_url=self.url, region_name=self.REGION, aws_access_key_id=self.ACCESS_KEY,
                     aws_secret_access_key=self.SECRET_KEY).create_bucket(Bucket=bucket)


class GeneratedStream(io.RawIOBase):
    """``size`` bytes made as they are read, like a request body arriving: never all in memory at once."""

    PATTERN = bytes(range(256)) * 4096  # 1 MiB, made once

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left, len(self.PATTERN))
        buffer[:count] = memoryview(self.PATTERN)[:count]
        self.left -= count
        return count
