"""Media clean-up: stored files no row accounts for, and rows whose files are gone.

Only the layout's own prefixes (``anb.videos.keys``) are walked; files younger than a grace period are left
alone, since an upload or a stage writes its file just before it commits the row that names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from anb.extensions import db
from anb.models import Video, VideoStatus, now_utc
from anb.storage import StoredFile, get_storage
from anb.videos import keys

#: Videos whose chain may still write intermediates.
IN_FLIGHT = (VideoStatus.UPLOADED, VideoStatus.PROCESSING)


@dataclass(frozen=True)
class MissingFile:
    """A row that names a file storage does not have."""

    video_id: int
    status: str
    key: str


@dataclass
class MediaReport:
    """What ``flask media gc`` found (and removed, unless it was a dry run)."""

    orphans: list[StoredFile] = field(default_factory=list)
    young: list[StoredFile] = field(default_factory=list)
    missing: list[MissingFile] = field(default_factory=list)


def _expected() -> tuple[set[str], set[int], list[tuple[int, VideoStatus, str, str | None]]]:
    rows = db.session.execute(select(Video.id, Video.status, Video.original_key, Video.processed_key)).all()
    named = {key for _, _, original, processed in rows for key in (original, processed) if key}
    in_flight = {video_id for video_id, status, _, _ in rows if status in IN_FLIGHT}
    return named, in_flight, rows


def _is_orphan(file: StoredFile, named: set[str], in_flight: set[int]) -> bool:
    if file.key.startswith(keys.WORK_PREFIX):
        return keys.work_video_id(file.key) not in in_flight
    return file.key not in named


def media_gc(grace: timedelta, dry_run: bool = False) -> MediaReport:
    """Find (and unless ``dry_run`` delete) unaccounted files older than ``grace``; rows missing a file."""
    storage = get_storage()
    named, in_flight, rows = _expected()
    report = MediaReport()
    stored: set[str] = set()
    cutoff = now_utc() - grace
    for prefix in (keys.ORIGINAL_PREFIX, keys.PROCESSED_PREFIX, keys.WORK_PREFIX):
        for file in storage.list(prefix):
            stored.add(file.key)
            if _is_orphan(file, named, in_flight):
                (report.orphans if file.modified <= cutoff else report.young).append(file)
    for video_id, status, original, processed in rows:
        for key in (original, processed):
            if key and key not in stored:
                report.missing.append(MissingFile(video_id, status.value, key))
    if not dry_run:
        for file in report.orphans:
            storage.delete(file.key)
    return report
