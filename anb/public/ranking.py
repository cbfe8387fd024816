"""The ranking: players by votes, read off per-player counters through covering indexes (the route serves
it as a prepared body, rebuilt at most once a second); once frozen (``flask ranking freeze`` after the last
voting window), read from the snapshot instead."""

from __future__ import annotations

from sqlalchemy import and_, func, literal, or_, select

from anb.cache import forget_prepared
from anb.extensions import db
from anb.models import GLOBAL_SCOPE, RankingSnapshot, User

RANKING_COLUMNS = {None: User.total_votes, "public": User.public_votes, "jury": User.jury_votes}
#: How the snapshot names each voter filter of the ranking.
SNAPSHOT_VOTERS = {None: "all", "public": "public", "jury": "jury"}


class AlreadyFrozen(Exception):
    """The final ranking was frozen before: it never moves again."""


def ranking(offset: int, limit: int, city: str | None = None, voter: str | None = None) -> list[dict]:
    """A page of players by votes (ties: earlier signup), read off the indexed counters."""
    if is_frozen():
        return _frozen_page(offset, limit, city, voter)
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


def _frozen_page(offset: int, limit: int, city: str | None, voter: str | None) -> list[dict]:
    query = (db.select(RankingSnapshot.position, RankingSnapshot.username, RankingSnapshot.city,
                       RankingSnapshot.votes)
             .where(RankingSnapshot.voter == SNAPSHOT_VOTERS[voter],
                    RankingSnapshot.scope == (city or GLOBAL_SCOPE))
             .order_by(RankingSnapshot.position).offset(offset).limit(limit))
    return [row._asdict() for row in db.session.execute(query)]


def is_frozen() -> bool:
    """Whether the final ranking has been snapshotted."""
    return db.session.execute(db.select(literal(1)).select_from(RankingSnapshot).limit(1)).first() is not None


def positions(player: User) -> tuple[int | None, int | None]:
    """The player's place in the overall ranking and in their city's (None if not ranked: no published
    video), counted as ``ranking`` orders: two indexed COUNTs over the counters, or the frozen snapshot."""
    if is_frozen():
        return _frozen_position(player, GLOBAL_SCOPE), _frozen_position(player, player.city)
    if player.processed_videos == 0:
        return None, None
    return _live_position(player, None), _live_position(player, player.city)


def _live_position(player: User, city: str | None) -> int:
    votes = User.total_votes
    ahead = or_(votes > player.total_votes, and_(votes == player.total_votes, User.id < player.id))
    query = select(func.count()).select_from(User).where(User.processed_videos > 0, ahead)
    if city is not None:
        query = query.where(User.city == city)
    return db.session.execute(query).scalar_one() + 1


def _frozen_position(player: User, scope: str) -> int | None:
    return db.session.execute(db.select(RankingSnapshot.position).where(
        RankingSnapshot.voter == SNAPSHOT_VOTERS[None], RankingSnapshot.scope == scope,
        RankingSnapshot.user_id == player.id)).scalar()


def freeze() -> int:
    """Snapshot the final ranking (overall and per city; all, public and jury votes) in one transaction.

    Raises AlreadyFrozen if it was frozen before. Returns the number of lines written.
    """
    if is_frozen():
        raise AlreadyFrozen()
    written = 0
    for voter, column in RANKING_COLUMNS.items():
        for by_city in (False, True):
            order = {"order_by": (column.desc(), User.id)}
            if by_city:
                order["partition_by"] = User.city
            lines = select(literal(SNAPSHOT_VOTERS[voter]), User.city if by_city else literal(GLOBAL_SCOPE),
                           func.row_number().over(**order), User.id,
                           func.concat(User.first_name, " ", User.last_name), User.city, column
                           ).where(User.processed_videos > 0)
            written += db.session.execute(db.insert(RankingSnapshot).from_select(
                ["voter", "scope", "position", "user_id", "username", "city", "votes"], lines)).rowcount
    db.session.commit()
    forget_prepared("ranking")
    return written
