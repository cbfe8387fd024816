"""The storage tests' servers: moto's S3-compatible server over HTTP for the session, a fresh bucket per
test, and the ``storage`` fixture that runs each contract test on both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from anb.storage import LocalStorage, Storage
from anb.storage.s3 import S3Storage
from config import TestingConfig
from tests.helpers import S3Server

#: S3's smallest part: a file above it goes up in several parts (its ETag then ends in "-<parts>").
PART = 5 * 1024 * 1024


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """One S3-compatible server for the session, stopped at its end."""
    with S3Server(tmp_path_factory.mktemp("s3") / "moto.log") as server:
        yield server


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    """An empty bucket of its own for each test."""
    name = f"anb-test-{uuid.uuid4().hex[:16]}"
    s3_server.create_bucket(name)
    return name


def s3_storage(server: S3Server, bucket: str, **overrides) -> S3Storage:
    """The s3 backend as the testing app would build it, on ``bucket``, with ``overrides`` of its settings."""
    config = {name: getattr(TestingConfig, name) for name in dir(TestingConfig) if name.isupper()}
    return S3Storage.from_config({**config, **server.settings(bucket, **overrides)})


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path: Path) -> Storage:
    """Each backend in turn: the contract every caller relies on holds for both."""
    if request.param == "local":
        return LocalStorage(tmp_path / "media", "/media")
    return s3_storage(request.getfixturevalue("s3_server"), request.getfixturevalue("bucket"),
                      S3_MULTIPART_THRESHOLD_BYTES=PART, S3_MULTIPART_CHUNK_BYTES=PART)
