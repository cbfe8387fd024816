"""The S3 backend: media in a bucket of an S3-compatible object store that every API and worker host shares.

Nothing is kept on a host between calls: an upload streams to the store (multipart above a threshold, one
part at a time in memory, never the whole file), a stage downloads its input to a temporary work file and
uploads its output, and clients fetch media straight from the store by presigned URLs: long enough for the
public processed files, short for an owner's original. Every failure of the store reaches callers as
``StorageUnavailable`` (or ``FileNotFoundError`` for a key that is not there), never as a botocore error.
"""

from __future__ import annotations

import mimetypes
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from anb.storage.base import Download, Storage, StorageUnavailable, StoredFile

#: What the store answers for a key (or bucket) that is not there.
MISSING = {"404", "NoSuchKey", "NotFound"}


@contextmanager
def _store_errors(action: str, key: str) -> Iterator[None]:
    """Turn the client library's errors into ours: a missing key is FileNotFoundError, anything else (no
    connection, a refusal, a timeout) StorageUnavailable, which callers treat as transient."""
    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in MISSING:
            raise FileNotFoundError(f"{key} is not in the store") from error
        raise StorageUnavailable(f"could not {action} {key}: {code or error}") from error
    except (BotoCoreError, Boto3Error) as error:
        raise StorageUnavailable(f"could not {action} {key}: {error}") from error


def _content_type(key: str) -> str:
    """Stored with each object, so a browser given a presigned URL plays the video or shows the image."""
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


class S3Storage(Storage):
    """Keys are object names in one bucket; the bucket must exist (the operator creates it)."""

    def __init__(self, bucket: str, client: Any, transfer: TransferConfig, url_seconds: int,
                 private_url_seconds: int) -> None:
        self.bucket = bucket
        self.client = client
        self.transfer = transfer
        self.url_seconds = url_seconds
        self.private_url_seconds = private_url_seconds

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Storage:
        """The backend the app's S3_* settings describe (credentials, if not given, from boto3's usual
        chain: environment, instance role)."""
        if not config["S3_BUCKET"]:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        client = boto3.client(
            "s3",
            endpoint_url=config["S3_ENDPOINT_URL"] or None,
            region_name=config["S3_REGION"],
            aws_access_key_id=config["S3_ACCESS_KEY_ID"] or None,
            aws_secret_access_key=config["S3_SECRET_ACCESS_KEY"] or None,
            config=BotoConfig(
                signature_version="s3v4",
                s3={"addressing_style": config["S3_ADDRESSING_STYLE"]},
                connect_timeout=config["S3_CONNECT_TIMEOUT"],
                read_timeout=config["S3_READ_TIMEOUT"],
                # A few quick retries inside one call; a store that stays down is the caller's to retry.
                retries={"mode": "standard", "total_max_attempts": 3},
            ),
        )
        transfer = TransferConfig(multipart_threshold=config["S3_MULTIPART_THRESHOLD_BYTES"],
                                  multipart_chunksize=config["S3_MULTIPART_CHUNK_BYTES"],
                                  max_concurrency=config["S3_MAX_CONCURRENCY"])
        # Parts read ahead of the network, held in memory: bounds an upload's memory to this many parts.
        transfer.max_in_memory_upload_chunks = config["S3_MAX_CONCURRENCY"]
        return cls(config["S3_BUCKET"], client, transfer, config["S3_URL_SECONDS"],
                   config["S3_PRIVATE_URL_SECONDS"])

    def save(self, key: str, source: Path | BinaryIO) -> int:
        """Upload ``source``; a Path is moved in (removed once stored), as the local backend does."""
        extra = {"ContentType": _content_type(key)}
        with _store_errors("store", key):
            if isinstance(source, Path):
                self.client.upload_file(str(source), self.bucket, key, ExtraArgs=extra, Config=self.transfer)
            else:
                self.client.upload_fileobj(source, self.bucket, key, ExtraArgs=extra, Config=self.transfer)
            size = self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"]
        if isinstance(source, Path):
            source.unlink(missing_ok=True)
        return size

    def url(self, key: str) -> str:
        """A presigned GET URL valid for S3_URL_SECONDS (signed locally: no request to the store)."""
        return self._presigned(key, self.url_seconds)

    def private_download(self, key: str) -> Download:
        """A presigned GET URL valid for S3_PRIVATE_URL_SECONDS: the owner's client follows it at once."""
        return Download(self._presigned(key, self.private_url_seconds), internal=False)

    def _presigned(self, key: str, seconds: int) -> str:
        with _store_errors("sign", key):
            return self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=seconds)

    def delete(self, key: str) -> None:
        if not key.endswith("/"):
            with _store_errors("delete", key):
                self.client.delete_object(Bucket=self.bucket, Key=key)
            return
        with _store_errors("delete", key):
            for page in self._pages(key):
                objects = [{"Key": item["Key"]} for item in page.get("Contents", ())]
                if not objects:
                    continue
                answer = self.client.delete_objects(Bucket=self.bucket,
                                                    Delete={"Objects": objects, "Quiet": True})
                if answer.get("Errors"):
                    raise StorageUnavailable(f"could not delete under {key}: {answer['Errors'][:3]}")

    def _pages(self, prefix: str) -> Iterator[dict]:
        """The listing of ``prefix`` a page at a time (at most 1000 keys: what one batch delete takes)."""
        return self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)

    def exists(self, key: str) -> bool:
        try:
            with _store_errors("look up", key):
                self.client.head_object(Bucket=self.bucket, Key=key)
        except FileNotFoundError:
            return False
        return True

    def list(self, prefix: str) -> Iterator[StoredFile]:
        with _store_errors("list", prefix):
            for page in self._pages(prefix):
                for item in page.get("Contents", ()):
                    yield StoredFile(item["Key"], item["Size"], item["LastModified"])

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        """Download ``key`` to a temporary file (with the key's file name, so tools see its extension),
        removed when the block ends."""
        with self._work_file(key) as path:
            with _store_errors("fetch", key):
                self.client.download_file(self.bucket, key, str(path), Config=self.transfer)
            yield path

    @contextmanager
    def output_path(self, key: str) -> Iterator[Path]:
        """A temporary file, uploaded under ``key`` if the block ends without error and wrote it."""
        with self._work_file(key) as path:
            yield path
            if path.exists():
                self.save(key, path)

    @contextmanager
    def _work_file(self, key: str) -> Iterator[Path]:
        """A path in a private temporary folder (under TMPDIR), removed with everything in it afterwards."""
        folder = Path(tempfile.mkdtemp(prefix="anb-s3-"))
        try:
            yield folder / PurePosixPath(key).name
        finally:
            shutil.rmtree(folder, ignore_errors=True)
