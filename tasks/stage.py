"""What every stage shares: the job it passes on, its work area, retries, and giving up cleanly.

A job is a small dict, ``{"video_id": 7, "input": "<storage key>"}``: ids and keys, never ORM objects.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery.exceptions import Ignore, SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

from anb.media.ffmpeg import FFmpegError
from anb.media.probe import MediaError
from anb.storage import get_storage
from anb.videos import keys, processing
from tasks import tracing  # noqa: F401  (records every stage attempt: metrics and the video's timeline)

log = logging.getLogger(__name__)

FRIENDLY_ERRORS = {
    SoftTimeLimitExceeded: "El procesamiento excedió el tiempo límite.",
}
INTERNAL_ERROR = "Error interno al procesar el video. Intenta subirlo de nuevo."


def discard_work(video_id: int) -> None:
    """Remove a video's intermediates."""
    get_storage().delete(keys.work_prefix(video_id))


def on_stage_failure(task, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo) -> None:
    """The chain gives up: the video becomes `failed` with a readable error and its intermediates go."""
    video_id = args[0]["video_id"]
    message = str(exc) if isinstance(exc, MediaError) else FRIENDLY_ERRORS.get(type(exc), INTERNAL_ERROR)
    with task.flask_context():
        discard_work(video_id)  # first, so a video reads `failed` only once nothing is left behind
        if processing.mark_failed(video_id, message):
            log.error("video %s failed in %s: %r", video_id, task.name, exc)
        else:
            log.info("video %s is gone; its chain stopped at %s", video_id, task.name)


#: Options of every stage task: transient faults retried with backoff, bad media failing at once
#: (acks_late and reject_on_worker_lost come from the Celery config, for every task).
STAGE_OPTIONS = {
    "autoretry_for": (OperationalError, FFmpegError, OSError),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 3,
    "on_failure": on_stage_failure,
}


@contextmanager
def stage(job: dict, name: str, output_name: str) -> Iterator[tuple[Path, Path, dict]]:
    """Run stage ``name`` of ``job``: yields (input path, output path, next job).

    If the video was deleted (or already finished) the chain stops here, quietly, leaving nothing behind.
    """
    video_id = job["video_id"]
    if not processing.start_stage(video_id, name):
        log.info("video %s is gone or finished; stopping its chain at %s", video_id, name)
        discard_work(video_id)
        raise Ignore()
    storage = get_storage()
    output_key = keys.work_key(video_id, output_name)
    with storage.local_path(job["input"]) as source, storage.output_path(output_key) as target:
        yield source, target, {"video_id": video_id, "input": output_key}
