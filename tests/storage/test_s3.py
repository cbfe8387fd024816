"""What only the S3 backend does: multipart uploads that never hold the file, temporary work files, and a
store out of reach or a key missing turned into the errors the app and the stages handle."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from anb import create_app
from anb.storage import LocalStorage, StorageUnavailable, get_storage
from anb.storage.s3 import S3Storage
from config import TestingConfig
from tests.helpers import GeneratedStream, free_port
from tests.storage.conftest import PART, s3_storage


def test_a_large_stream_goes_up_in_parts_without_being_held_in_memory(s3_server, bucket):
    store = s3_storage(s3_server, bucket, S3_MULTIPART_THRESHOLD_BYTES=PART, S3_MULTIPART_CHUNK_BYTES=PART,
                       S3_MAX_CONCURRENCY=2)
    size = 20 * PART  # 100 MiB: the largest upload
    tracemalloc.start()
    try:
        stored = store.save("original/big.mp4", io.BufferedReader(GeneratedStream(size), PART))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert stored == size
    head = store.client.head_object(Bucket=bucket, Key="original/big.mp4")
    assert head["ETag"].strip('"').endswith("-20")  # a multipart upload of 20 parts
    assert peak < size / 3, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB upload"


def test_local_path_removes_its_download_after_the_block(s3_server, bucket):
    store = s3_storage(s3_server, bucket)
    store.save("original/a.mp4", io.BytesIO(b"abc"))

    with store.local_path("original/a.mp4") as path:
        assert path.read_bytes() == b"abc"

    assert not path.exists() and not path.parent.exists()


def test_output_path_uploads_nothing_when_the_block_fails(s3_server, bucket):
    store = s3_storage(s3_server, bucket)

    with pytest.raises(RuntimeError), store.output_path("work/1/0/trimmed.mp4") as path:
        path.write_bytes(b"half a file")
        raise RuntimeError("ffmpeg died")

    assert not store.exists("work/1/0/trimmed.mp4") and not path.parent.exists()


def test_a_missing_key_is_file_not_found(s3_server, bucket):
    store = s3_storage(s3_server, bucket)

    with pytest.raises(FileNotFoundError), store.local_path("original/never.mp4"):
        pass


def test_every_operation_on_a_store_out_of_reach_is_storage_unavailable(s3_server, bucket, tmp_path: Path):
    store = s3_storage(s3_server, bucket, S3_ENDPOINT_URL=f"http://127.0.0.1:{free_port()}")
    (tmp_path / "a.mp4").write_bytes(b"abc")

    calls = {
        "save stream": lambda: store.save("original/a.mp4", io.BytesIO(b"abc")),
        "save path": lambda: store.save("original/a.mp4", tmp_path / "a.mp4"),
        "exists": lambda: store.exists("original/a.mp4"),
        "delete": lambda: store.delete("original/a.mp4"),
        "delete prefix": lambda: store.delete("work/1/"),
        "list": lambda: list(store.list("original/")),
    }
    for name, call in calls.items():
        with pytest.raises(StorageUnavailable):
            call()
            pytest.fail(f"{name} did not fail")
    with pytest.raises(StorageUnavailable), store.local_path("original/a.mp4"):
        pass
    assert (tmp_path / "a.mp4").exists()  # a file not stored is not removed


def test_a_missing_bucket_is_storage_unavailable(s3_server):
    store = s3_storage(s3_server, "anb-test-no-such-bucket")

    with pytest.raises(StorageUnavailable):
        store.save("original/a.mp4", io.BytesIO(b"abc"))


@pytest.mark.parametrize(("settings", "chosen"), [({}, LocalStorage), ({"STORAGE_BACKEND": "s3"}, S3Storage)])
def test_the_backend_is_the_one_the_config_names(s3_server, bucket, settings, chosen):
    config = type("Chosen", (TestingConfig,), {**s3_server.settings(bucket), "STORAGE_BACKEND": "local",
                                               **settings})

    with create_app(config).app_context():
        assert type(get_storage()) is chosen


@pytest.mark.parametrize(("settings", "message"), [({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be"),
                                                   ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "S3_BUCKET")])
def test_a_storage_config_that_cannot_work_fails_loudly(settings, message):
    with (create_app(type("Broken", (TestingConfig,), settings)).app_context(),
          pytest.raises(RuntimeError, match=message)):
        get_storage()
