"""Voiding votes: the rows go, and the counters they fed (video, player, hence the ranking) go down with them
in the same transaction, so a recount (``anb.counters``) still matches. Used by ``flask votes void`` and by
``flask users ban --void-votes``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update

from anb.admin import audit
from anb.extensions import db
from anb.models import User, Video, Vote


@dataclass(frozen=True)
class VoteFilter:
    """Which votes: those of one account or from one address, optionally on one video only."""

    voter: User | None = None
    ip_address: str | None = None
    video_id: int | None = None

    def __post_init__(self) -> None:
        if (self.voter is None) == (self.ip_address is None):
            raise ValueError("Give exactly one of a voter or an address.")

    def conditions(self) -> list:
        """The WHERE conditions on the votes table."""
        found = [Vote.voter_id == self.voter.id] if self.voter else [Vote.ip_address == self.ip_address]
        return found + ([Vote.video_id == self.video_id] if self.video_id is not None else [])

    def label(self) -> str:
        """How the audit trail names the target."""
        who = f"user:{self.voter.email}" if self.voter else f"ip:{self.ip_address}"
        return who + (f" video:{self.video_id}" if self.video_id is not None else "")


@dataclass(frozen=True)
class VoidResult:
    """What a void removed (or, in a dry run, would remove)."""

    votes: int
    jury_votes: int
    videos: int
    players: int

    def line(self, dry_run: bool = False) -> str:
        """The operator's summary."""
        verb = "would void" if dry_run else "voided"
        return (f"{verb} {self.votes} votes ({self.votes - self.jury_votes} public, {self.jury_votes} jury) "
                f"on {self.videos} videos of {self.players} players")


def void_votes(which: VoteFilter, actor: str, reason: str, dry_run: bool = False) -> VoidResult:
    """Remove the matching votes with their counters and an audit row, in one commit (or only count them)."""
    if dry_run:
        return _tally(db.session.execute(_matching(which)).all())
    result = void_in_transaction(which, actor, reason)
    db.session.commit()
    return result


def void_in_transaction(which: VoteFilter, actor: str, reason: str) -> VoidResult:
    """The void inside the caller's transaction (a ban commits it together with the ban)."""
    candidates = db.session.execute(_matching(which)).all()
    # Lock in the vote path's order (players by id, then videos), so a concurrent vote waits, not deadlocks.
    owners = sorted({owner for _, _, _, owner in candidates})
    videos = sorted({video for _, video, _, _ in candidates})
    db.session.execute(select(User.id).where(User.id.in_(owners)).order_by(User.id).with_for_update())
    db.session.execute(select(Video.id).where(Video.id.in_(videos)).order_by(Video.id).with_for_update())
    rows = db.session.execute(_matching(which).where(Vote.video_id.in_(videos)).with_for_update()).all()
    result = _tally(rows)
    if rows:
        db.session.execute(delete(Vote).where(Vote.id.in_([row[0] for row in rows])))
        _lower_counters(rows)
    audit.record("void_votes", which.label(), result.votes, actor, reason)
    return result


def _matching(which: VoteFilter):
    return (select(Vote.id, Vote.video_id, Vote.is_jury, Video.owner_id)
            .join(Video, Video.id == Vote.video_id).where(*which.conditions()).order_by(Vote.id))


def _tally(rows) -> VoidResult:
    return VoidResult(votes=len(rows), jury_votes=sum(1 for row in rows if row[2]),
                      videos=len({row[1] for row in rows}), players=len({row[3] for row in rows}))


def _lower_counters(rows) -> None:
    per_video = Counter(row[1] for row in rows)
    per_owner = Counter(row[3] for row in rows)
    jury_per_owner = Counter(row[3] for row in rows if row[2])
    connection = db.session.connection()
    connection.execute(update(Video).where(Video.id == bindparam("row_id"))
                       .values(votes_count=Video.votes_count - bindparam("removed")),
                       [{"row_id": video, "removed": count} for video, count in per_video.items()])
    connection.execute(
        update(User).where(User.id == bindparam("row_id"))
        .values(total_votes=User.total_votes - bindparam("removed"),
                jury_votes=User.jury_votes - bindparam("jury"),
                public_votes=User.public_votes - (bindparam("removed") - bindparam("jury"))),
        [{"row_id": owner, "removed": count, "jury": jury_per_owner[owner]}
         for owner, count in per_owner.items()])
