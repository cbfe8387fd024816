"""Public rules: what is visible, who may vote, and the ranking read from per-player counters."""

from __future__ import annotations

from dataclasses import dataclass

from pymysql.constants import ER
from sqlalchemy.exc import IntegrityError, OperationalError

from anb.extensions import cache, db
from anb.models import Role, User, Video, VideoStatus, Vote
from anb.videos.service import find_video, parse_id

#: Attempts for a vote whose transaction the database chose as a deadlock victim.
VOTE_ATTEMPTS = 3
RANKING_COLUMNS = {None: User.total_votes, "public": User.public_votes, "jury": User.jury_votes}


class VideoNotFound(Exception):
    """No processed video with that id."""


class OwnVideo(Exception):
    """Players cannot vote for themselves."""


class AlreadyVoted(Exception):
    """One vote per person and video."""


@dataclass(frozen=True)
class VoteOrigin:
    """Where a vote came from, kept with it for fraud review."""

    ip_address: str | None
    user_agent: str | None


def catalogue(offset: int, limit: int, city: str | None = None) -> list[Video]:
    """Processed videos, newest first, optionally of players from ``city``."""
    query = db.select(Video).join(Video.owner).where(Video.status == VideoStatus.PROCESSED)
    if city:
        query = query.where(User.city == city)
    query = query.order_by(Video.processed_at.desc(), Video.id.desc()).offset(offset).limit(limit)
    return list(db.session.execute(query).scalars())


def public_video(video_id: str) -> Video:
    """The processed video with this id, or VideoNotFound."""
    video = find_video(video_id)
    if video is None or video.status != VideoStatus.PROCESSED:
        raise VideoNotFound(video_id)
    return video


def vote(video_id: str, voter: User, origin: VoteOrigin) -> None:
    """Count one vote of ``voter`` for the video, with its counters, in one transaction."""
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


@cache.memoize()
def ranking(offset: int, limit: int, city: str | None = None, voter: str | None = None) -> list[dict]:
    """A page of players by votes (ties: earlier signup), read off the indexed counters, cached briefly."""
    votes = RANKING_COLUMNS[voter]
    page = db.select(User.id).where(User.processed_videos > 0)
    if city:
        page = page.where(User.city == city)
    # Deferred join: skip `offset` entries inside the covering index, then read only the page's rows.
    page = page.order_by(votes.desc(), User.id).offset(offset).limit(limit).subquery()
    query = (db.select(User.first_name, User.last_name, User.city, votes)
             .join(page, User.id == page.c.id).order_by(votes.desc(), User.id))
    rows = db.session.execute(query).all()
    return [{"position": offset + index, "username": f"{first} {last}", "city": row_city, "votes": count}
            for index, (first, last, row_city, count) in enumerate(rows, start=1)]
