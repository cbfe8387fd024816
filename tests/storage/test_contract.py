"""The storage contract, run on both backends (local disk, and S3 over HTTP against a real server)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from anb.storage import LocalStorage, Storage
from tests.storage.conftest import s3_storage

CONTENT = b"\x00\x01 some video bytes \xff" * 1000


def read(storage: Storage, key: str) -> bytes:
    with storage.local_path(key) as path:
        return path.read_bytes()


def test_save_from_a_stream_stores_its_bytes(storage):
    size = storage.save("original/a.mp4", io.BytesIO(CONTENT))

    assert size == len(CONTENT)
    assert storage.exists("original/a.mp4")
    assert read(storage, "original/a.mp4") == CONTENT


def test_save_from_a_path_moves_the_file_in(storage, tmp_path):
    source = tmp_path / "made.mp4"
    source.write_bytes(CONTENT)

    size = storage.save("work/1/0/trimmed.mp4", source)

    assert size == len(CONTENT) and not source.exists()
    assert read(storage, "work/1/0/trimmed.mp4") == CONTENT


def test_save_replaces_what_was_there(storage):
    storage.save("processed/1.mp4", io.BytesIO(b"old"))

    storage.save("processed/1.mp4", io.BytesIO(b"new bytes"))

    assert read(storage, "processed/1.mp4") == b"new bytes"


def test_a_key_never_stored_does_not_exist(storage):
    assert not storage.exists("original/never.mp4")


def test_delete_removes_a_key_and_missing_is_fine(storage):
    storage.save("original/a.mp4", io.BytesIO(CONTENT))

    storage.delete("original/a.mp4")
    storage.delete("original/a.mp4")

    assert not storage.exists("original/a.mp4")


def test_delete_of_a_prefix_removes_everything_under_it_and_nothing_else(storage):
    for key in ("work/1/0/a.mp4", "work/1/0/b.mp4", "work/1/1/c.mp4", "work/10/0/d.mp4", "processed/1.mp4"):
        storage.save(key, io.BytesIO(b"x"))

    storage.delete("work/1/")

    assert [file.key for file in storage.list("work/")] == ["work/10/0/d.mp4"]
    assert storage.exists("processed/1.mp4")
    storage.delete("work/1/")  # nothing left there: fine


def test_list_gives_every_key_under_a_prefix_with_size_and_time(storage):
    before = datetime.now(UTC) - timedelta(seconds=5)
    storage.save("original/a.mp4", io.BytesIO(b"abc"))
    storage.save("original/sub/b.mp4", io.BytesIO(CONTENT))
    storage.save("processed/1.mp4", io.BytesIO(b"x"))

    files = sorted(storage.list("original/"), key=lambda file: file.key)

    assert [(file.key, file.size) for file in files] == [("original/a.mp4", 3),
                                                         ("original/sub/b.mp4", len(CONTENT))]
    assert all(before < file.modified < datetime.now(UTC) + timedelta(seconds=5) for file in files)
    assert list(storage.list("nothing/")) == []


def test_local_path_gives_a_file_with_the_content_and_the_extension(storage):
    storage.save("work/1/0/poster.jpg", io.BytesIO(CONTENT))

    with storage.local_path("work/1/0/poster.jpg") as path:
        assert path.suffix == ".jpg" and path.read_bytes() == CONTENT

    assert storage.exists("work/1/0/poster.jpg")


def test_output_path_stores_what_the_block_wrote(storage):
    with storage.output_path("work/1/0/branded.mp4") as path:
        assert path.suffix == ".mp4"
        path.write_bytes(CONTENT)

    assert read(storage, "work/1/0/branded.mp4") == CONTENT


def test_output_path_stores_nothing_when_the_block_wrote_nothing(storage):
    with storage.output_path("work/1/0/poster.jpg"):
        pass

    assert not storage.exists("work/1/0/poster.jpg")


def fetch(storage: Storage, url: str) -> bytes:
    """What a client gets from a media URL: through Nginx's alias of the media root for the local backend
    (tests/observability/test_nginx.py serves it for real), over HTTP from the store for S3."""
    if isinstance(storage, LocalStorage):
        assert url.startswith("/media/")
        return (storage.root / url.removeprefix("/media/")).read_bytes()
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return response.content


def test_url_of_processed_media_fetches_its_bytes(storage):
    storage.save("processed/1.mp4", io.BytesIO(CONTENT))

    url = storage.url("processed/1.mp4")

    assert fetch(storage, url) == CONTENT


def test_private_download_of_an_original_fetches_its_bytes(storage):
    storage.save("original/a.mp4", io.BytesIO(CONTENT))

    download = storage.private_download("original/a.mp4")

    assert download.internal == isinstance(storage, LocalStorage)
    assert fetch(storage, download.url) == CONTENT


def test_s3_urls_are_presigned_public_for_an_hour_private_for_a_minute(s3_server, bucket):
    store = s3_storage(s3_server, bucket)
    store.save("original/a.mp4", io.BytesIO(CONTENT))

    public = store.url("original/a.mp4")
    private = store.private_download("original/a.mp4").url

    assert parse_qs(urlsplit(public).query)["X-Amz-Expires"] == ["3600"]
    assert parse_qs(urlsplit(private).query)["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in parse_qs(urlsplit(private).query)
    # The object itself is private: without the signed query the store refuses it. (moto checks that a
    # request is signed, not the signature's value or its expiry; a real store checks both.)
    assert requests.get(private.split("?")[0], timeout=10).status_code == 403
    assert requests.get(private, timeout=10).headers["Content-Type"] == "video/mp4"


def test_local_backend_keeps_keys_inside_its_root(tmp_path: Path):
    with pytest.raises(ValueError, match="invalid storage key"):
        LocalStorage(tmp_path, "/media").save("../escape.mp4", io.BytesIO(b"x"))
