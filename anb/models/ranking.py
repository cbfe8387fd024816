"""The frozen final ranking: written once by ``flask ranking freeze`` after the last voting window closes."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id
from anb.models.user import CITY_COLLATION

#: The scope of the ranking over every city.
GLOBAL_SCOPE = ""


class RankingSnapshot(Base):
    """One line of a frozen ranking: per scope (a city, or every city) and per voter kind."""

    __tablename__ = "ranking_snapshots"
    __table_args__ = (
        Index("ix_ranking_snapshots_user", "user_id", "voter", "scope"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    #: "all", "public" or "jury".
    voter: Mapped[str] = mapped_column(String(10), primary_key=True)
    #: The city the positions are within (compared as the live ranking compares it), or GLOBAL_SCOPE.
    scope: Mapped[str] = mapped_column(String(120, collation=CITY_COLLATION), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Id)
    username: Mapped[str] = mapped_column(String(201))
    city: Mapped[str] = mapped_column(String(120, collation=CITY_COLLATION))
    votes: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<RankingSnapshot {self.voter} {self.scope!r} #{self.position}>"
