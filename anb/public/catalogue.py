"""The public catalogue: what is published for voting, newest first or by votes, searchable, and for a
signed-in fan marked with what they already voted for (one query for the page)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import union
from sqlalchemy.dialects.mysql import match

from anb.extensions import db
from anb.models import User, Video, VideoStatus, Vote

SORTS = ("recent", "votes")
#: InnoDB's full-text index skips shorter words and its default stopwords; a required one would match nothing.
MIN_WORD_LENGTH = 3
INNODB_STOPWORDS = frozenset({"about", "are", "com", "for", "from", "how", "that", "the", "this", "was",
                              "what", "when", "where", "who", "will", "with", "und", "www"})
#: Words beyond these add nothing a fan types and only make the query slower.
MAX_WORDS = 8


class NoSearchableWords(ValueError):
    """The search text has no word the index can look up (all too short or too common)."""


@dataclass(frozen=True)
class CatalogueItem:
    """A published video as listed; ``voted_by_me`` is None for an anonymous reader (left out)."""

    video: Video
    voted_by_me: bool | None = None


def search_terms(text: str) -> str:
    """The boolean-mode query: every usable word required, as a prefix (NoSearchableWords if none)."""
    words = [word for word in re.findall(r"\w+", text.lower())
             if len(word) >= MIN_WORD_LENGTH and word not in INNODB_STOPWORDS][:MAX_WORDS]
    if not words:
        raise NoSearchableWords(text)
    return " ".join(f"+{word}*" for word in words)


def catalogue(offset: int, limit: int, city: str | None = None, *, sort: str = "recent",
              text: str | None = None, player_id: int | None = None,
              viewer_id: int | None = None) -> list[CatalogueItem]:
    """Processed videos, newest first (or by votes), filtered by city, player or words in the title or the
    player's name; with ``viewer_id``, each says whether that user voted for it."""
    order = ((Video.votes_count.desc(), Video.id) if sort == "votes"
             else (Video.processed_at.desc(), Video.id.desc()))
    # Deferred join: the page's ids come from walking an index of videos in catalogue order, then only those
    # rows are read. Without a search, videos go first (STRAIGHT_JOIN), so the optimizer cannot start from
    # users and sort the whole catalogue; with one, the full-text matches drive.
    page = db.select(Video.id).where(Video.status == VideoStatus.PROCESSED)
    if city:
        page = page.join(User, User.id == Video.owner_id).where(User.city == city)
    if player_id is not None:
        page = page.where(Video.owner_id == player_id)
    if text is not None:
        found = _matching_ids(search_terms(text))
        page = page.join(found, found.c.id == Video.id)
    elif city:
        page = page.prefix_with("STRAIGHT_JOIN")
    page = page.order_by(*order).offset(offset).limit(limit).subquery("page")
    query = db.select(Video).join(page, page.c.id == Video.id).order_by(*order)
    return with_votes_of(list(db.session.execute(query).scalars()), viewer_id)


def _matching_ids(terms: str):
    """Ids of videos whose title, or whose player's name, holds every word: two full-text index lookups."""
    by_title = db.select(Video.id).where(match(Video.title, against=terms).in_boolean_mode())
    by_player = (db.select(Video.id).join(User, User.id == Video.owner_id)
                 .where(match(User.first_name, User.last_name, against=terms).in_boolean_mode()))
    return union(by_title, by_player).subquery("found")


def with_votes_of(videos: list[Video], viewer_id: int | None) -> list[CatalogueItem]:
    """The videos as items; with a viewer, marked by one query for the whole page (never one per item)."""
    if viewer_id is None:
        return [CatalogueItem(video) for video in videos]
    voted = set()
    if videos:
        voted = set(db.session.execute(db.select(Vote.video_id).where(
            Vote.voter_id == viewer_id, Vote.video_id.in_([video.id for video in videos]))).scalars())
    return [CatalogueItem(video, video.id in voted) for video in videos]
