"""The stored counters (votes per video, votes and processed videos per player) and their recount.

The counters change in the same transaction as what they count; a recount from the votes and videos
tables must always equal them. Seeding sets them from these tallies, and ``flask seed verify`` compares.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Subquery, case, func, or_, select

from anb.models import User, Video, VideoStatus, Vote


@dataclass(frozen=True)
class Mismatch:
    """A stored counter that differs from the recount of the votes table."""

    table: str
    row_id: int
    column: str
    stored: int
    recount: int

    def line(self) -> str:
        """How verify reports it."""
        return f"{self.table} {self.row_id}: {self.column} is {self.stored}, the votes say {self.recount}"


def video_tallies(video_ids: range | None = None) -> Subquery:
    """Votes per video, recounted from the votes table (optionally for a range of video ids only)."""
    query = select(Vote.video_id, func.count().label("votes")).group_by(Vote.video_id)
    if video_ids is not None:
        query = query.where(Vote.video_id.between(video_ids.start, video_ids.stop - 1))
    return query.subquery("video_tallies")


def owner_tallies(video_ids: range | None = None) -> Subquery:
    """Votes per player over their published videos, all and the jury's, recounted from the votes table
    (a video taken down keeps its votes, but they no longer count for its owner)."""
    query = (select(Video.owner_id, func.count().label("total"),
                    func.sum(case((Vote.is_jury, 1), else_=0)).label("jury"))
             .join(Vote, Vote.video_id == Video.id).where(Video.status == VideoStatus.PROCESSED)
             .group_by(Video.owner_id))
    return _within(query, video_ids).subquery("owner_tallies")


def processed_tallies(video_ids: range | None = None) -> Subquery:
    """Processed videos per player, recounted from the videos table."""
    query = (select(Video.owner_id, func.count().label("processed"))
             .where(Video.status == VideoStatus.PROCESSED).group_by(Video.owner_id))
    return _within(query, video_ids).subquery("processed_tallies")


def _within(query, video_ids: range | None):
    if video_ids is None:
        return query
    return query.where(Video.id.between(video_ids.start, video_ids.stop - 1))


def counter_mismatches(connection: Connection) -> list[Mismatch]:
    """Every stored counter that differs from a recount of the votes and videos tables."""
    return _video_mismatches(connection) + _user_mismatches(connection)


def _video_mismatches(connection: Connection) -> list[Mismatch]:
    tallies = video_tallies()
    recount = func.coalesce(tallies.c.votes, 0)
    rows = connection.execute(select(Video.id, Video.votes_count, recount)
                              .outerjoin(tallies, tallies.c.video_id == Video.id)
                              .where(Video.votes_count != recount).order_by(Video.id))
    return [Mismatch("video", row_id, "votes_count", stored, counted) for row_id, stored, counted in rows]


def _user_mismatches(connection: Connection) -> list[Mismatch]:
    owners, processed = owner_tallies(), processed_tallies()
    total, jury = func.coalesce(owners.c.total, 0), func.coalesce(owners.c.jury, 0)
    expected = {"public_votes": total - jury, "jury_votes": jury, "total_votes": total,
                "processed_videos": func.coalesce(processed.c.processed, 0)}
    stored = [getattr(User, column) for column in expected]
    query = (select(User.id, *stored, *expected.values())
             .outerjoin(owners, owners.c.owner_id == User.id)
             .outerjoin(processed, processed.c.owner_id == User.id)
             .where(or_(*(column != recount for column, recount in zip(stored, expected.values(),
                                                                        strict=True))))
             .order_by(User.id))
    mismatches = []
    for row_id, *values in connection.execute(query):
        pairs = zip(expected, values[:len(expected)], values[len(expected):], strict=True)
        mismatches += [Mismatch("user", row_id, column, int(have), int(want))
                       for column, have, want in pairs if have != want]
    return mismatches


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table, for verify's summary."""
    return {model.__tablename__: connection.execute(select(func.count()).select_from(model)).scalar()
            for model in (User, Video, Vote)}
