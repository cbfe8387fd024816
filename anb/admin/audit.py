"""The audit trail: one row per admin action, written in the same transaction as the change it records."""

from __future__ import annotations

from anb.extensions import db
from anb.models import AdminAction


def record(action: str, target: str, affected: int, actor: str, reason: str) -> AdminAction:
    """Add an audit row to the current transaction (the caller commits it with the change)."""
    entry = AdminAction(action=action, target=target[:300], affected=affected, actor=actor[:120],
                        reason=reason)
    db.session.add(entry)
    return entry
