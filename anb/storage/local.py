"""The local backend: files under a media root on this machine's disk, which Nginx serves.

Right for one machine; several hosts would need a shared disk, which is what the s3 backend avoids.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from anb.storage.base import NO_SPACE, Download, Storage, StorageFull, StoredFile


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

    def private_download(self, key: str) -> Download:
        """Nginx's internal location for ``key``: the app answers with X-Accel-Redirect to it."""
        return Download(self.url(key), internal=True)

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
