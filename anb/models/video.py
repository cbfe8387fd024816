"""Uploaded videos and where they are on their way to `processed`."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anb.models.base import Base, Id, UTCDateTime, now_utc
from anb.models.user import User


class VideoStatus(enum.StrEnum):
    """The contract's lifecycle: uploaded -> processing -> processed, or failed; removed (taken down)."""

    UPLOADED = "uploaded"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"
    REMOVED = "removed"


def _enum_values(members: type[enum.Enum]) -> list[str]:
    return [member.value for member in members]


class Video(Base):
    """A player's video: the original is kept; the processed file appears once the chain ends."""

    __tablename__ = "videos"
    __table_args__ = (
        Index("ix_videos_owner_uploaded", "owner_id", "uploaded_at"),
        Index("ix_videos_status_processed", "status", "processed_at"),
        # The catalogue by votes, and a player's page of published videos, each read in index order.
        Index("ix_videos_status_votes", "status", text("votes_count DESC"), "id"),
        Index("ix_videos_owner_status_processed", "owner_id", "status", "processed_at"),
        Index("ix_videos_status_progress", "status", "progress_at"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    owner_id: Mapped[int] = mapped_column(Id, ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[VideoStatus] = mapped_column(
        Enum(VideoStatus, values_callable=_enum_values, name="video_status"),
        default=VideoStatus.UPLOADED,
    )
    processing_stage: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    original_key: Mapped[str] = mapped_column(String(255))
    processed_key: Mapped[str | None] = mapped_column(String(255))
    #: The poster frame published beside the processed file; None until processed (and for older videos).
    poster_key: Mapped[str | None] = mapped_column(String(255))
    task_id: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    votes_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Which chain owns the video: each re-publication by the sweeper or an operator supersedes the last,
    #: whose stages then stop (a stage is never run twice concurrently). Bounded by SWEEP_MAX_ATTEMPTS.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: When the chain (or the sweeper's claim) last moved it; the sweeper re-publishes what stays still.
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=now_utc)

    owner: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Video {self.id} {self.status}>"
