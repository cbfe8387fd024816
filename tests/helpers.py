"""Helpers the tests share: tokens, uploads, stored files, and apps whose services cannot be reached."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token
from sqlalchemy.engine import make_url

from anb.models import User
from config import TestingConfig, celery_settings, mysql_url

#: The password of every user the ``make_user`` fixture creates.
PASSWORD = "correct-horse-9"


def bearer(user: User, **token_options) -> dict[str, str]:
    """Authorization headers carrying a fresh access token for ``user``."""
    return {"Authorization": f"Bearer {create_access_token(identity=user, **token_options)}"}


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
