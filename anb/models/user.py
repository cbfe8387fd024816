"""Accounts: players, jury members and admins, with their running vote totals for the ranking."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from anb.models.base import Base, Id, UTCDateTime, now_utc

#: Case- and accent-insensitive, so "bogota" finds "Bogotá" through the index.
CITY_COLLATION = "utf8mb4_unicode_ci"
#: Emails are stored in their canonical form (anb.security.canonical_email) and compared byte for byte:
#: an insensitive collation would let other spellings reach the account and refuse real, different mailboxes.
EMAIL_COLLATION = "utf8mb4_bin"


class Role(enum.StrEnum):
    """What an account may do; jury votes are counted apart from the public's."""

    PLAYER = "player"
    JURY = "jury"
    ADMIN = "admin"


class User(Base):
    """A registered person. The vote counters change in the same transaction as each vote."""

    __tablename__ = "users"
    __table_args__ = (
        # Ranking order plus the "has a processed video" filter: a page's ids come from the index alone.
        Index("ix_users_rank_total", text("total_votes DESC"), "id", "processed_videos"),
        Index("ix_users_rank_public", text("public_votes DESC"), "id", "processed_videos"),
        Index("ix_users_rank_jury", text("jury_votes DESC"), "id", "processed_videos"),
        Index("ix_users_city_rank_total", "city", text("total_votes DESC"), "id", "processed_videos"),
        Index("ix_users_city_rank_public", "city", text("public_votes DESC"), "id", "processed_videos"),
        Index("ix_users_city_rank_jury", "city", text("jury_votes DESC"), "id", "processed_videos"),
        # Fraud review starts from the accounts created recently.
        Index("ix_users_created_at", "created_at"),
        {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"},
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254, collation=EMAIL_COLLATION), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(120, collation=CITY_COLLATION))
    country: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(Role, values_callable=lambda roles: [r.value for r in roles], name="user_role"),
        default=Role.PLAYER, server_default=Role.PLAYER.value,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    public_votes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    jury_votes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_votes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    processed_videos: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The generation of tokens this account accepts; anb.security.revoke_tokens moves it on.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The mailbox behind the email (dots and +tags dropped where the domain ignores them): one account each.
    mailbox_key: Mapped[str | None] = mapped_column(String(254, collation=EMAIL_COLLATION), unique=True)
    #: Set by an admin's ban: the account can no longer log in and its tokens stop working at once.
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ban_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def username(self) -> str:
        """The display name the contract calls username."""
        return f"{self.first_name} {self.last_name}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
