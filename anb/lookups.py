"""Finding rows by the opaque ids clients send: shared by the player's own and the public endpoints."""

from __future__ import annotations

from sqlalchemy.orm import lazyload

from anb.extensions import db
from anb.models import Video, VideoStatus

#: More digits than any BIGINT id has: such a string cannot name a row.
MAX_ID_DIGITS = 18


def parse_id(value: str) -> int | None:
    """The numeric id inside an opaque id string, or None if it cannot be one: ids are written only one
    way (ASCII digits, no leading zero), so "010" never names video 10."""
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS):
        return None
    number = int(value)
    return number if str(number) == value else None


def find_video(video_id: str) -> Video | None:
    """The video with this opaque id, or None (also for an id that cannot be one)."""
    numeric_id = parse_id(video_id)
    return db.session.get(Video, numeric_id) if numeric_id is not None else None


def lock_video(video_id: int) -> Video | None:
    """The video's row read afresh (whatever this transaction saw before) and locked until it ends.

    Only the video's row: the owner is not joined, so the lock is never taken on a player before a video,
    the reverse of a vote's order (players, then video), which would deadlock against it.
    """
    return db.session.get(Video, video_id, with_for_update=True, populate_existing=True,
                          options=[lazyload(Video.owner)])


class VideoNotFound(LookupError):
    """No published video with that id (unknown, not yet processed, or an id that cannot be one)."""


def published_video(video_id: str) -> Video:
    """The processed video with this opaque id, or VideoNotFound."""
    video = find_video(video_id)
    if video is None or video.status != VideoStatus.PROCESSED:
        raise VideoNotFound(video_id)
    return video
