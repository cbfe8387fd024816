"""The one owner of the storage key layout: where a video's original, intermediates and result live.

Everything else (the upload, the stages, seeding, benchmarks, tests) asks these functions, so the layout
can change in one place.
"""

from __future__ import annotations

import uuid

#: The top-level prefixes of the layout below (what a media audit walks; anything else is left alone).
ORIGINAL_PREFIX, PROCESSED_PREFIX, WORK_PREFIX = "original/", "processed/", "work/"


def original_key(name: str | None = None) -> str:
    """Where an upload's original is kept: an unguessable name unless ``name`` is given (seeded rows)."""
    return f"{ORIGINAL_PREFIX}{name or uuid.uuid4().hex}.mp4"


def processed_key(video_id: int) -> str:
    """Where the published, processed file of a video lives (served to everyone)."""
    return f"{PROCESSED_PREFIX}{video_id}.mp4"


def poster_key(video_id: int) -> str:
    """Where the poster frame of a video lives: beside its processed file, served the same way."""
    return f"{PROCESSED_PREFIX}{video_id}.jpg"


def work_prefix(video_id: int, attempt: int | None = None) -> str:
    """The prefix of a video's intermediates (of one attempt's chain if given), removed as a whole.

    Each attempt has its own folder, so a superseded chain's stage still running never writes over, or
    cleans up, the files of the chain that replaced it.
    """
    return f"{WORK_PREFIX}{video_id}/" if attempt is None else f"{WORK_PREFIX}{video_id}/{attempt}/"


def work_video_id(key: str) -> int | None:
    """The video an intermediate belongs to (``work/<id>/...``), or None for a key outside that layout."""
    folder = key.removeprefix(WORK_PREFIX).partition("/")[0] if key.startswith(WORK_PREFIX) else ""
    return int(folder) if folder.isascii() and folder.isdigit() else None


def work_key(video_id: int, attempt: int, name: str) -> str:
    """One intermediate file of attempt ``attempt`` of a video's chain."""
    return f"{work_prefix(video_id, attempt)}{name}"


def video_keys(original: str, video_id: int) -> list[str]:
    """Every key a video may occupy (its published files even before publication), for deleting all of it."""
    return [original, processed_key(video_id), poster_key(video_id), work_prefix(video_id)]
