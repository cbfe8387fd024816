"""The public catalogue: what is published for voting, newest first or by votes, searchable (through the
word index, anb.public.searching), and for a signed-in fan marked with what they already voted for (one
query for the page)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select

from anb.extensions import db
from anb.models import User, Video, VideoStatus, Vote
from anb.public.searching import holds_all, search_page, search_words

SORTS = ("recent", "votes")


@dataclass(frozen=True)
class CatalogueItem:
    """A published video as listed; ``voted_by_me`` is None for an anonymous reader (left out)."""

    video: Video
    voted_by_me: bool | None = None


def catalogue(offset: int, limit: int, city: str | None = None, *, sort: str = "recent",
              text: str | None = None, player_id: int | None = None,
              viewer_id: int | None = None) -> list[CatalogueItem]:
    """Processed videos, newest first (or by votes), filtered by city, player or words in the title or the
    player's name; with ``viewer_id``, each says whether that user voted for it."""
    wanted = search_words(text) if text is not None else None
    if wanted and player_id is None:
        page = search_page(wanted, offset, limit, city, sort)
        if page is None:
            return []
    else:
        page = _plain_page(offset, limit, city, sort, player_id, wanted)
    page = page.subquery("page")
    query = db.select(Video).join(page, page.c.id == Video.id).order_by(*_order(sort))
    return with_votes_of(list(db.session.execute(query).scalars()), viewer_id)


def _order(sort: str) -> tuple:
    return ((Video.votes_count.desc(), Video.id) if sort == "votes"
            else (Video.processed_at.desc(), Video.id.desc()))


def _plain_page(offset: int, limit: int, city: str | None, sort: str, player_id: int | None,
                wanted: list[str] | None) -> Select:
    """A page's ids from walking an index of videos in catalogue order (a deferred join: only those rows are
    read after). Videos go first (STRAIGHT_JOIN), so the optimizer cannot start from users and sort the
    whole catalogue. A search within one player's videos checks each of them for the words."""
    page = db.select(Video.id).where(Video.status == VideoStatus.PROCESSED)
    if city:
        page = (page.join(User, User.id == Video.owner_id).where(User.city == city)
                .prefix_with("STRAIGHT_JOIN"))
    if player_id is not None:
        page = page.where(Video.owner_id == player_id)
    if wanted:
        page = page.where(holds_all(Video.id, wanted))
    return page.order_by(*_order(sort)).offset(offset).limit(limit)


def with_votes_of(videos: list[Video], viewer_id: int | None) -> list[CatalogueItem]:
    """The videos as items; with a viewer, marked by one query for the whole page (never one per item)."""
    if viewer_id is None:
        return [CatalogueItem(video) for video in videos]
    voted = set()
    if videos:
        voted = set(db.session.execute(db.select(Vote.video_id).where(
            Vote.voter_id == viewer_id, Vote.video_id.in_([video.id for video in videos]))).scalars())
    return [CatalogueItem(video, video.id in voted) for video in videos]
