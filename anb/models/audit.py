"""The audit trail of what admins did from the CLI: voids, bans, takedowns, jury changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id, UTCDateTime, now_utc


class AdminAction(Base):
    """One admin action: what was done to what, how many rows it touched, who ran it, why and when."""

    __tablename__ = "admin_actions"
    __table_args__ = (
        Index("ix_admin_actions_created_at", "created_at"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(300))
    affected: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    def __repr__(self) -> str:
        return f"<AdminAction {self.id} {self.action} {self.target}>"
