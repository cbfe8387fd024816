"""The public catalogue: what is published for voting, newest first."""

from __future__ import annotations

from anb.extensions import db
from anb.models import User, Video, VideoStatus


def catalogue(offset: int, limit: int, city: str | None = None) -> list[Video]:
    """Processed videos, newest first, optionally of players from ``city``."""
    query = db.select(Video).join(Video.owner).where(Video.status == VideoStatus.PROCESSED)
    if city:
        query = query.where(User.city == city)
    query = query.order_by(Video.processed_at.desc(), Video.id.desc()).offset(offset).limit(limit)
    return list(db.session.execute(query).scalars())
