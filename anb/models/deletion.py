"""Files that must go: a journal written in the same transaction that gives up their ownership.

A crash between a commit and the file deletions it implies would otherwise leave files nobody owns; the
sweeper deletes whatever is due here, so every such crash is repaired by the next sweep.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id, UTCDateTime, now_utc


class PendingDeletion(Base):
    """A storage key to delete once ``due_at`` has passed (an upload in flight is due only later)."""

    __tablename__ = "pending_deletions"
    __table_args__ = (
        Index("ix_pending_deletions_due_at", "due_at"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
