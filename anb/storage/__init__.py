"""Where media files live. Callers speak in keys ("original/ab12.mp4"); a backend decides what a key is.

``STORAGE_BACKEND`` picks it: ``local`` (files under a media root that Nginx serves, for one machine) or
``s3`` (an S3-compatible object store that every API and worker host shares). ``get_storage`` is the one
way in; callers never name a backend.
"""

from __future__ import annotations

from flask import current_app

from anb.storage.base import (
    NO_SPACE,
    Download,
    Storage,
    StorageFull,
    StorageUnavailable,
    StoredFile,
)
from anb.storage.local import LocalStorage

__all__ = ["NO_SPACE", "Download", "LocalStorage", "Storage", "StorageFull", "StorageUnavailable",
           "StoredFile", "get_storage"]

BACKENDS = ("local", "s3")


def get_storage() -> Storage:
    """The storage of the current app, made once per app from its config."""
    storage = current_app.extensions.get("storage")
    if storage is None:
        storage = _make(current_app.config)
        current_app.extensions["storage"] = storage
    return storage


def _make(config) -> Storage:
    backend = config["STORAGE_BACKEND"]
    if backend == "local":
        return LocalStorage(config["MEDIA_ROOT"], config["MEDIA_URL"])
    if backend == "s3":
        from anb.storage.s3 import S3Storage  # boto3 is imported only where the store is used

        return S3Storage.from_config(config)
    raise RuntimeError(f"STORAGE_BACKEND must be one of {BACKENDS}, got {backend!r}")
