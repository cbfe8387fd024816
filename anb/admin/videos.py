"""Videos from the admin's side: takedowns of published videos, processing statistics."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, select

from anb.admin import audit
from anb.extensions import db
from anb.models import User, Video, VideoEvent, VideoStatus, Vote
from anb.models.video_event import SUCCEEDED
from anb.search import unindex_video
from anb.storage import get_storage
from config import PIPELINE_QUEUES

#: Stages listed in chain order.
STAGE_ORDER = {stage: index for index, stage in enumerate(PIPELINE_QUEUES)}


class NotPublished(Exception):
    """Only a published (processed) video can be taken down."""


def takedown(video_id: int, reason: str, actor: str) -> bool:
    """Take a published video down: out of the catalogue, its votes out of its owner's counters (the rows
    stay, and the video keeps their count), its processed file out of public serving, the reason shown to the
    owner as its ``error``; audited. Returns False when it was already removed (a second run changes nothing).

    Raises LookupError for an unknown id and NotPublished for a video that is not processed.
    """
    owner_id = db.session.execute(select(Video.owner_id).where(Video.id == video_id)).scalar()
    if owner_id is None:
        raise LookupError(video_id)
    # The vote path's lock order: the player, then the video; no vote can slip in between count and update.
    db.session.execute(select(User.id).where(User.id == owner_id).with_for_update())
    video = db.session.get(Video, video_id, with_for_update=True, populate_existing=True)
    if video.status == VideoStatus.REMOVED:
        db.session.rollback()
        return False
    if video.status != VideoStatus.PROCESSED:
        db.session.rollback()
        raise NotPublished(video.status.value)
    votes, jury = db.session.execute(select(func.count(), func.coalesce(func.sum(case((Vote.is_jury, 1),
                                                                                       else_=0)), 0))
                                     .where(Vote.video_id == video_id)).one()
    db.session.execute(db.update(User).where(User.id == owner_id).values(
        total_votes=User.total_votes - votes, jury_votes=User.jury_votes - jury,
        public_votes=User.public_votes - (votes - jury), processed_videos=User.processed_videos - 1))
    public_key = video.processed_key
    video.status, video.error, video.processed_key = VideoStatus.REMOVED, reason[:2000], None
    unindex_video(video_id)
    audit.record("takedown", f"video:{video_id}", votes, actor, reason)
    db.session.commit()
    if public_key:
        get_storage().delete(public_key)
    return True


@dataclass(frozen=True)
class Timing:
    """How long one part of processing took: how many runs, and their median and 95th percentile."""

    name: str
    runs: int
    p50: float
    p95: float


def percentile(sorted_values: list[float], share: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def _timing(name: str, seconds: list[float]) -> Timing:
    seconds.sort()
    return Timing(name, len(seconds), percentile(seconds, 0.5), percentile(seconds, 0.95))


def status_counts() -> dict[str, int]:
    """Videos per status, every status listed."""
    counted = dict(db.session.execute(select(Video.status, func.count()).group_by(Video.status)).all())
    return {status.value: counted.get(status, 0) for status in VideoStatus}


def stage_timings() -> list[Timing]:
    """Per stage (its successful attempts on the videos' timelines), then upload to publication."""
    per_stage: dict[str, list[float]] = {}
    runs = select(VideoEvent.stage, VideoEvent.started_at, VideoEvent.finished_at).where(
        VideoEvent.outcome == SUCCEEDED, VideoEvent.stage.in_(PIPELINE_QUEUES))
    for stage, started, finished in db.session.execute(runs):
        per_stage.setdefault(stage, []).append((finished - started).total_seconds())
    published = select(Video.uploaded_at, Video.processed_at).where(Video.processed_at.is_not(None))
    end_to_end = [(done - uploaded).total_seconds() for uploaded, done in db.session.execute(published)]
    ordered = sorted(per_stage, key=lambda stage: (STAGE_ORDER.get(stage, len(STAGE_ORDER)), stage))
    timings = [_timing(stage, per_stage[stage]) for stage in ordered]
    return [*timings, _timing("upload to processed", end_to_end)]


def failures_by_reason(limit: int = 10) -> list[tuple[str, int]]:
    """The most frequent errors of failed videos, with how many videos each."""
    query = (select(Video.error, func.count().label("videos")).where(Video.status == VideoStatus.FAILED)
             .group_by(Video.error).order_by(func.count().desc(), Video.error).limit(limit))
    return [(error or "(no message)", count) for error, count in db.session.execute(query)]
