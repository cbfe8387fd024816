"""Helpers the tests share: tokens, uploads, stored files, and apps whose services cannot be reached."""

from __future__ import annotations

import socket
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token

from anb.counters import Mismatch, counter_mismatches
from anb.extensions import db
from anb.models import User, Video
from anb.public.votes import VoteOrigin, vote
from config import TestingConfig, celery_settings, mysql_url

#: The password of every user the ``make_user`` fixture creates.
PASSWORD = "correct-horse-9"


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


class BrokerDown(TestingConfig):
    """The testing config with RabbitMQ on a port where nothing listens."""

    CELERY = celery_settings("amqp://guest:guest@127.0.0.1:1//", 60)
