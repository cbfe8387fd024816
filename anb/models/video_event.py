"""One attempt of one processing stage of a video: the timeline ``flask videos trace`` prints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id, UTCDateTime, now_utc

#: An attempt that has started and not ended (a worker killed mid-stage leaves its attempt here).
RUNNING = "running"
#: An attempt that did its work (the upload's own line is one too).
SUCCEEDED = "succeeded"


class VideoEvent(Base):
    """Where and when a stage ran, how it ended, and the request id that started the chain.

    No foreign key to ``videos``: the timeline of a video deleted mid-chain stays readable.
    """

    __tablename__ = "video_events"
    __table_args__ = (
        Index("ix_video_events_video", "video_id", "id"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(Id)
    stage: Mapped[str] = mapped_column(String(20))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str] = mapped_column(String(20), default=RUNNING)
    host: Mapped[str] = mapped_column(String(255))
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    task_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<VideoEvent video={self.video_id} {self.stage}#{self.attempt} {self.outcome}>"
