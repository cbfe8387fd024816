"""Each stage attempt, as operators see it: Prometheus counts and durations, and a row in the video's
timeline (``video_events``: stage, worker, start, end, attempt, error, request id).

Celery's signals fire in the worker process that runs the task, around the task body, so the stages
themselves stay free of bookkeeping. Nothing here may break a task: a timeline row that cannot be written
(the database is down, which the task's own retry handles) is logged and skipped.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

from celery import states
from celery.exceptions import Retry
from celery.signals import task_postrun, task_prerun, worker_init

from anb.models.video_event import SUCCEEDED
from anb.observability import requestid
from anb.observability.metrics import STAGE_DURATION, STAGE_TASKS
from anb.videos import processing
from config import PIPELINE_QUEUES

log = logging.getLogger(__name__)

#: How a task's final state reads in the metrics and the timeline.
OUTCOMES = {states.SUCCESS: SUCCEEDED, states.RETRY: "retried", states.FAILURE: "failed",
            states.IGNORED: "ignored", states.REJECTED: "rejected"}


@dataclass
class _Attempt:
    stage: str
    started: float
    event_id: int | None


#: The attempts running in this process, by task id (prefork: one at a time).
_running: dict[str, _Attempt] = {}


def stage_of(task) -> str | None:
    """``trim`` for ``tasks.trim.trim_video``; None for a task outside the pipeline."""
    parts = task.name.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "tasks" and parts[1] in PIPELINE_QUEUES else None


@task_prerun.connect(dispatch_uid="tasks.tracing.prerun")
def _started(task_id: str, task, args: tuple, **_kwargs) -> None:
    stage = stage_of(task)
    if stage is None:
        return
    STAGE_TASKS.labels(stage, "started").inc()
    event_id = _write(task, processing.record_event, args[0]["video_id"], stage, host=task.request.hostname,
                      request_id=requestid.current(), task_id=task_id, attempt=task.request.retries + 1)
    _running[task_id] = _Attempt(stage, time.perf_counter(), event_id)


@task_postrun.connect(dispatch_uid="tasks.tracing.postrun")
def _ended(task_id: str, task, retval, state: str, **_kwargs) -> None:
    attempt = _running.pop(task_id, None)
    if attempt is None:
        return
    outcome = OUTCOMES.get(state, state.lower())
    STAGE_TASKS.labels(attempt.stage, outcome).inc()
    STAGE_DURATION.labels(attempt.stage, outcome).observe(time.perf_counter() - attempt.started)
    if attempt.event_id is not None:
        _write(task, processing.finish_event, attempt.event_id, outcome, _error_text(retval, state))


def _error_text(retval: object, state: str) -> str | None:
    """What went wrong, for the timeline: the exception's class and message."""
    if state not in (states.FAILURE, states.RETRY):
        return None
    exc = retval.exc if isinstance(retval, Retry) and retval.exc is not None else retval
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)


def _write(task, function, *args, **kwargs):
    """Call a timeline function in the app's context; a failure is logged, never raised into the task."""
    try:
        with task.flask_context():
            return function(*args, **kwargs)
    except Exception:
        log.exception("could not record %s for task %s", function.__name__, task.name)
        return None


@worker_init.connect(dispatch_uid="tasks.tracing.worker_init")
def _check_metrics_dir(**_kwargs) -> None:
    """The pool processes' metrics reach Prometheus only through the multiprocess files, and prometheus_client
    reads PROMETHEUS_MULTIPROC_DIR when first imported (by Celery's Flower plugin, before this code runs), so
    it must be in the worker's environment from the start (scripts/up sets it)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        log.warning("PROMETHEUS_MULTIPROC_DIR is not set: this worker's stage metrics are not exported")
