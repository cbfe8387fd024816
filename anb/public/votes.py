"""Where a vote is counted (and withdrawn): one per person and video, inside a voting window, with the video
and player counters in the same transaction, race-safe under any concurrency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pymysql.constants import ER
from sqlalchemy.exc import IntegrityError, OperationalError

from anb.extensions import db
from anb.lookups import VideoNotFound, parse_id
from anb.models import Role, User, Video, VideoStatus, Vote
from anb.observability.metrics import VOTES
from anb.public.windows import configured_windows, voting_open

#: Attempts for a vote whose transaction the database chose as a deadlock victim.
VOTE_ATTEMPTS = 3


class OwnVideo(Exception):
    """Players cannot vote for themselves."""


class AlreadyVoted(Exception):
    """One vote per person and video."""


class NoVote(LookupError):
    """There is no vote of this person for this video to withdraw."""


class VotingClosed(Exception):
    """No voting window is open now."""


@dataclass(frozen=True)
class VoteOrigin:
    """Where a vote came from, kept with it for fraud review."""

    ip_address: str | None
    user_agent: str | None


#: The reason label of each refusal in the votes metric.
REFUSALS = {VideoNotFound: "not_found", OwnVideo: "own_video", AlreadyVoted: "already_voted",
            VotingClosed: "closed"}


def vote(video_id: str, voter: User, origin: VoteOrigin) -> None:
    """Count one vote of ``voter`` for the video, with its counters, in one transaction."""
    try:
        _retried(lambda numeric_id: _vote_once(numeric_id, voter, origin), video_id)
    except tuple(REFUSALS) as refused:
        VOTES.labels("refused", REFUSALS[type(refused)]).inc()
        raise
    VOTES.labels("cast", "").inc()


def withdraw(video_id: str, voter: User) -> None:
    """Take back ``voter``'s vote for the video, with its counters, in one transaction (NoVote if none)."""
    _retried(lambda numeric_id: _withdraw_once(numeric_id, voter), video_id)


def _retried(attempt_once: Callable[[int], None], video_id: str) -> None:
    """Run one vote transaction while a window is open, again when chosen as a deadlock victim."""
    numeric_id = parse_id(video_id)
    if numeric_id is None:
        raise VideoNotFound(video_id)
    if not voting_open(configured_windows()):
        raise VotingClosed()
    for attempt in range(1, VOTE_ATTEMPTS + 1):
        try:
            return attempt_once(numeric_id)
        except OperationalError as exc:
            db.session.rollback()
            if exc.orig.args[0] != ER.LOCK_DEADLOCK or attempt == VOTE_ATTEMPTS:
                raise


def _published_owner(video_id: int) -> int:
    """The owner of the published video; VideoNotFound unless it is published."""
    owner_id = db.session.execute(db.select(Video.owner_id).where(
        Video.id == video_id, Video.status == VideoStatus.PROCESSED)).scalar()
    if owner_id is None:
        raise VideoNotFound(video_id)
    return owner_id


def _lock_for_vote(video_id: int, owner_id: int, voter: User) -> None:
    """Lock both players (by id), then the video: one order for every vote and withdrawal, so concurrent
    ones queue, not deadlock."""
    db.session.execute(db.select(User.id).where(User.id.in_((owner_id, voter.id))).order_by(User.id)
                       .with_for_update())
    db.session.execute(db.select(Video.id).where(Video.id == video_id).with_for_update())


def _count(video_id: int, owner_id: int, is_jury: bool, step: int) -> None:
    """Move the video's and the owner's counters by ``step`` (inside the vote's transaction)."""
    counter = User.jury_votes if is_jury else User.public_votes
    db.session.execute(db.update(Video).where(Video.id == video_id)
                       .values(votes_count=Video.votes_count + step))
    db.session.execute(db.update(User).where(User.id == owner_id)
                       .values({counter: counter + step, User.total_votes: User.total_votes + step}))


def _vote_once(video_id: int, voter: User, origin: VoteOrigin) -> None:
    owner_id = _published_owner(video_id)
    if owner_id == voter.id:
        raise OwnVideo(video_id)
    _lock_for_vote(video_id, owner_id, voter)
    is_jury = voter.role == Role.JURY
    db.session.add(Vote(video_id=video_id, voter_id=voter.id, is_jury=is_jury,
                        ip_address=origin.ip_address, user_agent=(origin.user_agent or "")[:255] or None))
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise AlreadyVoted(video_id) from exc
    _count(video_id, owner_id, is_jury, +1)
    db.session.commit()


def _withdraw_once(video_id: int, voter: User) -> None:
    owner_id = _published_owner(video_id)
    _lock_for_vote(video_id, owner_id, voter)
    cast = db.session.execute(db.select(Vote).where(Vote.video_id == video_id, Vote.voter_id == voter.id)
                              .with_for_update()).scalar()
    if cast is None:
        db.session.rollback()
        raise NoVote(video_id)
    db.session.delete(cast)
    _count(video_id, owner_id, cast.is_jury, -1)
    db.session.commit()
