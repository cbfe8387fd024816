"""Accounts from the admin's side: bans, jury membership, listing."""

from __future__ import annotations

from anb.admin import audit
from anb.admin.voids import VoidResult, VoteFilter, void_in_transaction
from anb.extensions import db
from anb.models import Role, User, now_utc
from anb.security import revoke_tokens


def ban(user: User, reason: str, actor: str, void_votes: bool = False) -> tuple[bool, VoidResult | None]:
    """Ban ``user`` (login and tokens refused at once), optionally voiding their votes in the same commit.

    Returns whether the ban is new (a second run changes nothing) and what the void removed.
    """
    voided = void_in_transaction(VoteFilter(voter=user), actor, reason) if void_votes else None
    banned_now = user.banned_at is None
    if banned_now:
        user.banned_at, user.ban_reason = now_utc(), reason[:500]
        revoke_tokens(user)  # tokens from before the ban stay dead after an unban
        audit.record("ban", f"user:{user.email}", 1, actor, reason)
    db.session.commit()
    return banned_now, voided


def unban(user: User, reason: str, actor: str) -> bool:
    """Lift a ban; whether there was one."""
    if user.banned_at is None:
        return False
    user.banned_at = user.ban_reason = None
    audit.record("unban", f"user:{user.email}", 1, actor, reason)
    db.session.commit()
    return True


def users(role: Role | None = None, banned: bool | None = None, limit: int | None = None) -> list[User]:
    """Accounts by id, optionally of one role and banned or not."""
    query = db.select(User).order_by(User.id)
    if role is not None:
        query = query.where(User.role == role)
    if banned is not None:
        query = query.where(User.banned_at.is_not(None) if banned else User.banned_at.is_(None))
    return list(db.session.execute(query.limit(limit)).scalars())


class NotEligible(Exception):
    """The account cannot join the jury (an admin, or banned)."""


def add_to_jury(user: User, actor: str, reason: str) -> bool:
    """Make a player a jury member (their later votes count as jury); whether they were not one already."""
    if user.role == Role.JURY:
        return False
    if user.role == Role.ADMIN or user.banned_at is not None:
        raise NotEligible("an admin" if user.role == Role.ADMIN else "banned")
    user.role = Role.JURY
    audit.record("jury_add", f"user:{user.email}", 1, actor, reason)
    db.session.commit()
    return True


def remove_from_jury(user: User, actor: str, reason: str) -> bool:
    """Make a jury member a player again; votes already cast stay jury votes (each vote keeps ``is_jury``)."""
    if user.role != Role.JURY:
        return False
    user.role = Role.PLAYER
    audit.record("jury_remove", f"user:{user.email}", 1, actor, reason)
    db.session.commit()
    return True
