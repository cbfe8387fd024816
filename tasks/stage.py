"""What every stage shares: the job it passes on, its work area, retries, and giving up cleanly.

A job is a small dict, ``{"video_id": 7, "input": "<storage key>", "attempt": 0}``: ids and keys, never ORM
objects. ``attempt`` names the chain the job belongs to (see ``anb.videos.processing``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery.exceptions import Ignore, SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from anb.errors import STORAGE_DOWN_STAGE_MESSAGE
from anb.media.ffmpeg import FFmpegError
from anb.media.probe import MediaError
from anb.storage import StorageFull, StorageUnavailable, get_storage
from anb.videos import keys, processing
from tasks import tracing  # noqa: F401  (records every stage attempt: metrics and the video's timeline)

log = logging.getLogger(__name__)

FRIENDLY_ERRORS = {
    SoftTimeLimitExceeded: "El procesamiento excedió el tiempo límite.",
    StorageFull: "No hubo espacio de almacenamiento para procesar el video. Intenta subirlo de nuevo.",
    StorageUnavailable: STORAGE_DOWN_STAGE_MESSAGE,
}
INTERNAL_ERROR = "Error interno al procesar el video. Intenta subirlo de nuevo."


def attempt_of(job: dict) -> int:
    """The chain a job belongs to (jobs published before attempts existed belong to the first)."""
    return int(job.get("attempt", 0))


def discard_work(video_id: int, attempt: int | None = None) -> None:
    """Remove a video's intermediates (only those of ``attempt``'s chain, if given)."""
    get_storage().delete(keys.work_prefix(video_id, attempt))


def on_stage_failure(task, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo) -> None:
    """The chain gives up: the video becomes `failed` with a readable error and its intermediates go (first,
    so a video reads `failed` only once nothing is left behind; journaled for the sweeper if the store that
    failed the stage cannot delete them either)."""
    video_id, attempt = args[0]["video_id"], attempt_of(args[0])
    message = str(exc) if isinstance(exc, MediaError) else FRIENDLY_ERRORS.get(type(exc), INTERNAL_ERROR)
    with task.flask_context():
        try:
            discard_work(video_id, attempt)
        except StorageUnavailable:
            processing.defer_deletion(keys.work_prefix(video_id, attempt))
        if processing.mark_failed(video_id, message, attempt):
            log.error("video %s failed in %s: %r", video_id, task.name, exc)
        else:
            log.info("video %s is gone or superseded; its chain stopped at %s", video_id, task.name)


#: Options of every stage task: transient faults (the database, ffmpeg, the disk, the object store) retried
#: with backoff, bad media failing at once
#: (acks_late and reject_on_worker_lost come from the Celery config, for every task).
STAGE_OPTIONS = {
    "autoretry_for": (OperationalError, FFmpegError, OSError, StorageUnavailable),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 3,
    "on_failure": on_stage_failure,
}


@contextmanager
def stage(job: dict, name: str, output_name: str) -> Iterator[tuple[Path, Path, dict]]:
    """Run stage ``name`` of ``job``: yields (input path, output path, next job).

    If the video was deleted, finished or handed to a newer chain, this chain stops here, quietly, leaving
    nothing of its own behind.
    """
    video_id, attempt = job["video_id"], attempt_of(job)
    if not processing.start_stage(video_id, name, attempt):
        log.info("video %s is gone, finished or superseded; stopping its chain at %s", video_id, name)
        discard_work(video_id, attempt)
        raise Ignore()
    storage = get_storage()
    output_key = keys.work_key(video_id, attempt, output_name)
    with storage.local_path(job["input"]) as source, storage.output_path(output_key) as target:
        yield source, target, {"video_id": video_id, "input": output_key, "attempt": attempt}
