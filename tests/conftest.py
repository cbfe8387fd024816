"""Fixtures: the real MariaDB test database migrated once, a clean database for every test, users, tokens."""

from __future__ import annotations

import io
import logging
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from anb import create_app
from anb.extensions import cache, db
from anb.media.synthetic import make_audio_only, make_clip, truncated_copy
from anb.models import Base, Role, User, Video, VideoStatus
from anb.observability.logs import restyle
from anb.security import hash_password
from anb.storage import get_storage
from anb.videos import keys, processing
from config import TestingConfig
from tests.clips import make_webm
from tests.helpers import PASSWORD, S3Server, bearer
from tests.worker import Worker

#: What must never appear in a log line: the test password, any argon2 hash, any JWT, the keys (the S3
#: test server's secret key included).
SECRETS = re.compile("|".join(re.escape(secret) for secret in (
    PASSWORD, TestingConfig.SECRET_KEY, TestingConfig.JWT_SECRET_KEY, S3Server.SECRET_KEY))
    + r"|\$argon2id?\$|eyJhbGciOi")


@pytest.fixture(scope="session", autouse=True)
def _no_secret_in_any_log(tmp_path_factory) -> Iterator[None]:
    """After the whole run: no log line of the app (this process), its workers, gunicorn or Nginx holds a
    secret. Every log line of this process also goes to a file, as JSON, for this check."""
    folder = tmp_path_factory.mktemp("app-log")
    handler = logging.FileHandler(folder / "app.log")
    restyle(handler)
    logging.getLogger().addHandler(handler)
    yield
    logging.getLogger().removeHandler(handler)
    handler.close()
    leaks = [f"{path}: {line[:200]}" for path in tmp_path_factory.getbasetemp().rglob("*.log")
             for line in path.read_text(errors="replace").splitlines() if SECRETS.search(line)]
    assert not leaks, "secrets in the logs:\n" + "\n".join(leaks)


@pytest.fixture(scope="session")
def _migrated_database() -> None:
    """Drop whatever the test database holds and build it from the migrations, as production does."""
    app = create_app(TestingConfig)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
            for table in inspect(connection).get_table_names():
                connection.execute(text(f"DROP TABLE `{table}`"))
            connection.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
        upgrade(directory=str(app.config["MIGRATIONS_DIR"]))
        db.engine.dispose()


@pytest.fixture
def app(_migrated_database: None) -> Iterator[Flask]:
    """A fresh app on an empty database (rows from the previous test deleted, cache flushed)."""
    app = create_app(TestingConfig)
    shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)
    with app.app_context():
        _empty_tables()
        cache.clear()
        yield app
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The app's test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """The app's CLI runner."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One hash of PASSWORD, made once: hashing is deliberately slow."""
    with create_app(TestingConfig).app_context():
        return hash_password(PASSWORD)


@pytest.fixture
def make_user(app: Flask, password_hash: str) -> Callable[..., User]:
    """Insert a user (password PASSWORD); keyword arguments override the defaults."""
    counter = iter(range(1, 1_000_000))

    def make(**fields) -> User:
        number = next(counter)
        values = {"email": f"player{number}@example.com", "first_name": "Jugador",
                  "last_name": f"N{number}", "city": "Bogotá", "country": "Colombia",
                  "role": Role.PLAYER, "password_hash": password_hash}
        user = User(**{**values, **fields})
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    """A signed-up player."""
    return make_user(email="ana@example.com", first_name="Ana", last_name="Pérez")


@pytest.fixture
def make_video(app: Flask) -> Callable[..., Video]:
    """Insert a video of ``owner`` with real files in storage; processed ones go through mark_processed."""

    def make(owner: User, status: VideoStatus = VideoStatus.PROCESSED, title: str = "Triple") -> Video:
        storage = get_storage()
        video = Video(owner=owner, title=title, original_key=keys.original_key())
        storage.save(video.original_key, io.BytesIO(b"original bytes"))
        if status != VideoStatus.PROCESSED:
            video.status = status
        db.session.add(video)
        db.session.commit()
        if status == VideoStatus.PROCESSED:
            storage.save(keys.processed_key(video.id), io.BytesIO(b"processed bytes"))
            processing.mark_processed(video.id, keys.processed_key(video.id))
        return video

    return make


@pytest.fixture
def uploaded(app: Flask, user: User, clips: dict[str, Path]) -> Video:
    """A stored upload of the valid 4 s clip, not yet processed."""
    video = Video(owner=user, title="Solo", original_key=keys.original_key())
    target = Path(app.config["MEDIA_ROOT"]) / video.original_key
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(clips["valid"], target)
    db.session.add(video)
    db.session.commit()
    return video


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    """Authorization headers for ``user``."""
    return bearer(user)


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    """Named inputs: valid ones within the test limits (2–20 s, short side ≥ 240) and bad ones."""
    folder = tmp_path_factory.mktemp("clips")
    valid = make_clip(folder / "valid.mp4", 426, 240, 4)
    files = {
        "valid": valid,
        "portrait": make_clip(folder / "portrait.mp4", 240, 426, 3, audio=False),
        "too_short": make_clip(folder / "too_short.mp4", 426, 240, 1),
        "too_long": make_clip(folder / "too_long.mp4", 320, 240, 21),
        "too_small": make_clip(folder / "too_small.mp4", 320, 180, 4),
        "audio_only": make_audio_only(folder / "audio_only.mp4", 4),
        "webm": make_webm(folder / "webm.mp4", 4),
        "truncated": truncated_copy(valid, folder / "truncated.mp4"),
        "moov_at_end_truncated": truncated_copy(make_clip(folder / "late_moov.mp4", 426, 240, 4,
                                                          faststart=False), folder / "late_truncated.mp4"),
        "text": folder / "text.mp4",
        "empty": folder / "empty.mp4",
    }
    files["text"].write_text("definitely not a video\n" * 100)
    files["empty"].write_bytes(b"")
    return files


@pytest.fixture(scope="session")
def worker(tmp_path_factory) -> Iterator[Worker]:
    """One worker for the session; tests that kill it start it again."""
    celery = create_app(TestingConfig).extensions["celery"]
    celery.control.purge()
    folder = tmp_path_factory.mktemp("worker")
    running = Worker(folder / "worker.log", metrics_dir=folder / "metrics")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def live_worker(worker: Worker) -> Worker:
    """The session worker, restarted if a previous test killed it."""
    if worker.process is None or worker.process.poll() is not None:
        worker.start()
    return worker
