"""The ranking: players by votes, read off per-player counters through covering indexes, cached briefly."""

from __future__ import annotations

from anb.extensions import cache, db
from anb.models import User

RANKING_COLUMNS = {None: User.total_votes, "public": User.public_votes, "jury": User.jury_votes}


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
