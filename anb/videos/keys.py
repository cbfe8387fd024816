"""The one owner of the storage key layout: where a video's original, intermediates and result live.

Everything else (the upload, the stages, seeding, benchmarks, tests) asks these functions, so the layout
can change in one place.
"""

from __future__ import annotations

import uuid


def original_key(name: str | None = None) -> str:
    """Where an upload's original is kept: an unguessable name unless ``name`` is given (seeded rows)."""
    return f"original/{name or uuid.uuid4().hex}.mp4"


def processed_key(video_id: int) -> str:
    """Where the published, processed file of a video lives (served to everyone)."""
    return f"processed/{video_id}.mp4"


def work_prefix(video_id: int, attempt: int | None = None) -> str:
    """The prefix of a video's intermediates (of one attempt's chain if given), removed as a whole.

    Each attempt has its own folder, so a superseded chain's stage still running never writes over, or
    cleans up, the files of the chain that replaced it.
    """
    return f"work/{video_id}/" if attempt is None else f"work/{video_id}/{attempt}/"


def work_key(video_id: int, attempt: int, name: str) -> str:
    """One intermediate file of attempt ``attempt`` of a video's chain."""
    return f"{work_prefix(video_id, attempt)}{name}"


def video_keys(original: str, video_id: int) -> list[str]:
    """Every key a video may occupy (its processed key even before publication), for deleting all of it."""
    return [original, processed_key(video_id), work_prefix(video_id)]
