"""The processing chain: trim | transform | brand | finalize, each on its own RabbitMQ queue."""

from __future__ import annotations

from celery import chain

from tasks.brand import brand_video
from tasks.finalize import publish_video
from tasks.transform import fit_video
from tasks.trim import trim_video


def build_chain(video_id: int, original_key: str, attempt: int = 0) -> chain:
    """The canvas for one attempt at one video; each stage passes the next one its job."""
    job = {"video_id": video_id, "input": original_key, "attempt": attempt}
    return chain(trim_video.si(job), fit_video.s(), brand_video.s(), publish_video.s())


def start(video_id: int, original_key: str, attempt: int = 0) -> str:
    """Publish the chain to RabbitMQ (after the video's row is committed); its id is the upload's task_id."""
    return build_chain(video_id, original_key, attempt).apply_async().id
