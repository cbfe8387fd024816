"""The storage interface: what the app and the workers may ask of wherever media files live."""

from __future__ import annotations

import errno
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

#: The errors of a disk (or quota) that has no room left.
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class StorageFull(OSError):
    """The media storage has no room left: nothing was stored (the upload gets a 507, a stage retries)."""


class StorageUnavailable(Exception):
    """The store could not be reached or refused the request (the upload gets a 503, a stage retries).

    Backends raise it instead of their client library's errors, so callers never import that library.
    """


@dataclass(frozen=True)
class StoredFile:
    """A stored key with its size and when it was last written."""

    key: str
    size: int
    modified: datetime


@dataclass(frozen=True)
class Download:
    """How a private file reaches its owner: an internal web-server path (answered with X-Accel-Redirect,
    so only a request the app let through gets it) or a short-lived URL to redirect the client to."""

    url: str
    internal: bool


class Storage(ABC):
    """The operations the app and the workers need on stored media."""

    @abstractmethod
    def save(self, key: str, source: Path | BinaryIO) -> int:
        """Store ``source`` (a file to move in, or a stream to copy) under ``key``; return its size."""

    @abstractmethod
    def url(self, key: str) -> str:
        """The URL clients fetch a public ``key`` from (relative to the API host, or absolute)."""

    @abstractmethod
    def private_download(self, key: str) -> Download:
        """How the one client the app authorised gets ``key`` (never a URL that lasts)."""

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
        """A local path to write; what is there when the block ends without error is stored under ``key``."""
