"""Votes: one per person and video, guaranteed by a unique key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id, UTCDateTime, now_utc


class Vote(Base):
    """Who voted for which video, when, from where, and whether as a jury member."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("video_id", "voter_id", name="uq_votes_video_voter"),
        # Fraud review reads recent votes (a time range) and voids by address.
        Index("ix_votes_created_at", "created_at"),
        Index("ix_votes_ip_created", "ip_address", "created_at"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(Id, ForeignKey("videos.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_jury: Mapped[bool] = mapped_column(Boolean, default=False)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def __repr__(self) -> str:
        return f"<Vote video={self.video_id} voter={self.voter_id}>"
