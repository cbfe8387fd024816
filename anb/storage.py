"""Where media files live. Callers speak in keys ("original/ab12.mp4"); a backend decides what a key is.

The local backend keeps files under a media root that Nginx serves; an object-storage backend would
implement the same methods and be picked in ``get_storage`` without touching any caller.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask import current_app

#: The errors of a disk (or quota) that has no room left.
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StorageFull(OSError):
    """The media storage has no room left: nothing was stored (the upload gets a 507, a stage retries)."""


@dataclass(frozen=True)
class StoredFile:
    """A stored key with its size and when it was last written."""

    key: str
    size: int
    modified: datetime


class Storage(ABC):
    """The operations the app and the workers need on stored media."""

    @abstractmethod
    def save(self, key: str, source: Path | BinaryIO) -> int:
        """Store ``source`` (a file to move in, or a stream to copy) under ``key``; return its size."""

    @abstractmethod
    def url(self, key: str) -> str:
        """The URL the web server serves ``key`` under (relative to the API host)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key`` (or, for a key ending in "/", everything under it); missing is fine."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[StoredFile]:
        """Every stored key under ``prefix`` (e.g. "original/"), for audits such as ``flask media gc``."""

    @contextmanager
    @abstractmethod
    def local_path(self, key: str) -> Iterator[Path]:
        """A local file holding ``key``'s content, for tools such as ffmpeg that need a path."""

    @contextmanager
    @abstractmethod
    def output_path(self, key: str) -> Iterator[Path]:
        """A local path to write; what is there when the block ends is stored under ``key``."""


class LocalStorage(Storage):
    """Files under ``root``; writes land under a temporary name and are renamed into place."""

    CHUNK = 1024 * 1024
    #: Readable by the web server, which serves processed files and X-Accel-Redirected originals.
    FILE_MODE = 0o644

    def __init__(self, root: Path, url_prefix: str) -> None:
        self.root = Path(root)
        self.url_prefix = url_prefix.rstrip("/")

    def path(self, key: str) -> Path:
        """The file for ``key``; a key may not climb out of the root."""
        relative = PurePosixPath(key)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"invalid storage key: {key!r}")
        return self.root.joinpath(*relative.parts)

    def save(self, key: str, source: Path | BinaryIO) -> int:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.move(source, target)
            return target.stat().st_size
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as part:
            try:
                shutil.copyfileobj(source, part, self.CHUNK)
                part.flush()
            except BaseException as exc:
                os.unlink(part.name)
                if isinstance(exc, OSError) and exc.errno in NO_SPACE:
                    raise StorageFull(exc.errno, f"no room to store {key}") from exc
                raise
        os.chmod(part.name, self.FILE_MODE)
        os.replace(part.name, target)
        return target.stat().st_size

    def url(self, key: str) -> str:
        return f"{self.url_prefix}/{key}"

    def delete(self, key: str) -> None:
        target = self.path(key)
        if key.endswith("/"):
            shutil.rmtree(target, ignore_errors=True)
            self._prune_empty_parents(target)
        else:
            target.unlink(missing_ok=True)

    def _prune_empty_parents(self, folder: Path) -> None:
        """A prefix with nothing left under it stops existing, as in object storage (top folders stay)."""
        for parent in folder.parents:
            if parent.parent == self.root or parent == self.root:
                return
            try:
                parent.rmdir()
            except OSError:
                return

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def list(self, prefix: str) -> Iterator[StoredFile]:
        folder = self.path(prefix)
        if not folder.is_dir():
            return
        for file in folder.rglob("*"):
            if file.is_file():
                status = file.stat()
                yield StoredFile(file.relative_to(self.root).as_posix(), status.st_size,
                                 datetime.fromtimestamp(status.st_mtime, UTC))

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        yield self.path(key)

    @contextmanager
    def output_path(self, key: str) -> Iterator[Path]:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        yield target


def get_storage() -> Storage:
    """The storage of the current app, made once per app."""
    storage = current_app.extensions.get("storage")
    if storage is None:
        storage = LocalStorage(current_app.config["MEDIA_ROOT"], current_app.config["MEDIA_URL"])
        current_app.extensions["storage"] = storage
    return storage
