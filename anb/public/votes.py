"""Where a vote is counted: one per person and video, with the video and player counters in the same
transaction, race-safe under any concurrency."""

from __future__ import annotations

from dataclasses import dataclass

from pymysql.constants import ER
from sqlalchemy.exc import IntegrityError, OperationalError

from anb.extensions import db
from anb.lookups import VideoNotFound, parse_id
from anb.models import Role, User, Video, VideoStatus, Vote
from anb.observability.metrics import VOTES

#: Attempts for a vote whose transaction the database chose as a deadlock victim.
VOTE_ATTEMPTS = 3


class OwnVideo(Exception):
    """Players cannot vote for themselves."""


class AlreadyVoted(Exception):
    """One vote per person and video."""


@dataclass(frozen=True)
class VoteOrigin:
    """Where a vote came from, kept with it for fraud review."""

    ip_address: str | None
    user_agent: str | None


#: The reason label of each refusal in the votes metric.
REFUSALS = {VideoNotFound: "not_found", OwnVideo: "own_video", AlreadyVoted: "already_voted"}


def vote(video_id: str, voter: User, origin: VoteOrigin) -> None:
    """Count one vote of ``voter`` for the video, with its counters, in one transaction."""
    try:
        _vote(video_id, voter, origin)
    except tuple(REFUSALS) as refused:
        VOTES.labels("refused", REFUSALS[type(refused)]).inc()
        raise
    VOTES.labels("cast", "").inc()


def _vote(video_id: str, voter: User, origin: VoteOrigin) -> None:
    numeric_id = parse_id(video_id)
    if numeric_id is None:
        raise VideoNotFound(video_id)
    for attempt in range(1, VOTE_ATTEMPTS + 1):
        try:
            return _vote_once(numeric_id, voter, origin)
        except OperationalError as exc:
            db.session.rollback()
            if exc.orig.args[0] != ER.LOCK_DEADLOCK or attempt == VOTE_ATTEMPTS:
                raise


def _vote_once(video_id: int, voter: User, origin: VoteOrigin) -> None:
    owner_id = db.session.execute(db.select(Video.owner_id).where(
        Video.id == video_id, Video.status == VideoStatus.PROCESSED)).scalar()
    if owner_id is None:
        raise VideoNotFound(video_id)
    if owner_id == voter.id:
        raise OwnVideo(video_id)
    # Lock both players (by id), then the video: one order for all, so concurrent votes queue, not deadlock.
    db.session.execute(db.select(User.id).where(User.id.in_((owner_id, voter.id))).order_by(User.id)
                       .with_for_update())
    db.session.execute(db.select(Video.id).where(Video.id == video_id).with_for_update())
    is_jury = voter.role == Role.JURY
    db.session.add(Vote(video_id=video_id, voter_id=voter.id, is_jury=is_jury,
                        ip_address=origin.ip_address, user_agent=(origin.user_agent or "")[:255] or None))
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise AlreadyVoted(video_id) from exc
    counter = User.jury_votes if is_jury else User.public_votes
    db.session.execute(db.update(Video).where(Video.id == video_id).values(votes_count=Video.votes_count + 1))
    db.session.execute(db.update(User).where(User.id == owner_id)
                       .values({counter: counter + 1, User.total_votes: User.total_votes + 1}))
    db.session.commit()
