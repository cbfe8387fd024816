"""Fraud review: groups of votes worth a human look, by four rules whose thresholds live in config.

Every rule reads only the votes cast since a moment (a range on ``ix_votes_created_at``), or starts from the
accounts created recently enough to matter, so its cost follows the window, not the size of the tables:

- ``same_address_new_accounts``: many accounts, new when they voted, voting for one video from one address;
- ``quick_after_signup``: several accounts from one address that voted within minutes of signing up;
- ``user_agent_burst``: many votes with one user agent within a few minutes;
- ``same_day_accounts``: a video whose votes in the window come mostly from accounts created the same day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, distinct, func, literal_column, select

from anb.extensions import db
from anb.models import User, Vote

#: Accounts named per finding (the count is always complete).
SAMPLE_ACCOUNTS = 20


@dataclass(frozen=True)
class Thresholds:
    """What makes a group suspicious (``FRAUD_*`` in config)."""

    new_account_hours: int = 48
    same_address_min_accounts: int = 3
    quick_vote_minutes: int = 10
    quick_vote_min_accounts: int = 3
    burst_minutes: int = 10
    burst_min_votes: int = 30
    same_day_min_votes: int = 10
    same_day_share: float = 0.6

    @classmethod
    def from_config(cls, config: dict) -> Thresholds:
        """The thresholds an app is configured with."""
        return cls(**{name: config[f"FRAUD_{name.upper()}"] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Finding:
    """One group of votes: which rule, about what, how many votes and accounts, and some of the accounts."""

    rule: str
    subject: str
    votes: int
    accounts: int
    sample_ids: tuple[int, ...]
    sample: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """For JSON and CSV output."""
        return {"rule": self.rule, "subject": self.subject, "votes": self.votes, "accounts": self.accounts,
                "sample": list(self.sample)}


def _sample_ids():
    """Up to SAMPLE_ACCOUNTS voter ids of a group, as "1,2,3" (read from the votes row, no join needed)."""
    return literal_column(f"GROUP_CONCAT(DISTINCT votes.voter_id ORDER BY votes.voter_id SEPARATOR ',' "
                          f"LIMIT {SAMPLE_ACCOUNTS})")


def _ids(joined: str | None) -> tuple[int, ...]:
    return tuple(int(value) for value in joined.split(",")) if joined else ()


def _recent_votes(since: datetime, *columns) -> Select:
    return select(*columns).select_from(Vote).where(Vote.created_at >= since)


def _new_accounts_voting(since: datetime, amount: int, unit: str, *columns) -> Select:
    """Votes of the window cast at most ``amount`` ``unit``s (HOUR, MINUTE) after their voter signed up.

    Such voters signed up after ``since`` minus that span: the query starts from those few new accounts
    (``ix_users_created_at``) and reaches their votes by ``ix_votes_voter_id``.
    """
    span = timedelta(hours=amount) if unit == "HOUR" else timedelta(minutes=amount)
    soon = Vote.created_at <= User.created_at + literal_column(f"INTERVAL {int(amount)} {unit}")
    return (_recent_votes(since, *columns).join(User, User.id == Vote.voter_id)
            .where(User.created_at >= since - span, soon))


def same_address_new_accounts(since: datetime, limits: Thresholds) -> list[Finding]:
    """Accounts at most N hours old when voting, for one video, from one address."""
    accounts = func.count(distinct(Vote.voter_id))
    query = (_new_accounts_voting(since, limits.new_account_hours, "HOUR", Vote.video_id, Vote.ip_address,
                                  func.count(), accounts, _sample_ids())
             .group_by(Vote.video_id, Vote.ip_address).having(accounts >= limits.same_address_min_accounts))
    return [Finding("same_address_new_accounts", f"video {video} from {address}", votes, count, _ids(joined))
            for video, address, votes, count, joined in db.session.execute(query)]


def quick_after_signup(since: datetime, limits: Thresholds) -> list[Finding]:
    """Accounts from one address that voted within N minutes of signing up."""
    accounts = func.count(distinct(Vote.voter_id))
    query = (_new_accounts_voting(since, limits.quick_vote_minutes, "MINUTE", Vote.ip_address, func.count(),
                                  accounts, _sample_ids())
             .group_by(Vote.ip_address).having(accounts >= limits.quick_vote_min_accounts))
    return [Finding("quick_after_signup", f"address {address}", votes, count, _ids(joined))
            for address, votes, count, joined in db.session.execute(query)]


def user_agent_burst(since: datetime, limits: Thresholds) -> list[Finding]:
    """Many votes with one user agent within one N-minute slot (slots aligned on the epoch, in UTC)."""
    width = int(limits.burst_minutes) * 60
    seconds = func.timestampdiff(literal_column("SECOND"), literal_column("'1970-01-01'"), Vote.created_at)
    slot = func.floor(seconds / width).label("slot")
    query = (_recent_votes(since, Vote.user_agent, slot, func.count(), func.count(distinct(Vote.voter_id)),
                           _sample_ids())
             .group_by(Vote.user_agent, slot).having(func.count() >= limits.burst_min_votes))

    def subject(agent: str | None, start: int) -> str:
        began = datetime.fromtimestamp(int(start) * width, UTC)
        return f"user agent {agent!r} at {began:%Y-%m-%d %H:%M} +{limits.burst_minutes} min"

    return [Finding("user_agent_burst", subject(agent, start), votes, count, _ids(joined))
            for agent, start, votes, count, joined in db.session.execute(query)]


def same_day_accounts(since: datetime, limits: Thresholds) -> list[Finding]:
    """Videos whose votes in the window come mostly from accounts created on one day."""
    day = func.date(User.created_at).label("day")
    per_day = (_recent_votes(since, Vote.video_id, day, func.count().label("votes"),
                             func.sum(func.count()).over(partition_by=Vote.video_id).label("video_votes"),
                             _sample_ids().label("sample"))
               .join(User, User.id == Vote.voter_id).group_by(Vote.video_id, day).subquery())
    query = select(per_day).where(per_day.c.votes >= limits.same_day_min_votes,
                                  per_day.c.votes >= per_day.c.video_votes * limits.same_day_share)
    return [Finding("same_day_accounts", f"video {video}: {votes} of {total} votes by accounts created {day}",
                    votes, votes, _ids(joined))
            for video, day, votes, total, joined in db.session.execute(query)]


RULES = (same_address_new_accounts, quick_after_signup, user_agent_burst, same_day_accounts)


def _with_emails(findings: list[Finding]) -> list[Finding]:
    ids = {voter for finding in findings for voter in finding.sample_ids}
    named = select(User.id, User.email).where(User.id.in_(ids))
    emails = dict(db.session.execute(named).all()) if ids else {}
    return [replace(finding, sample=tuple(sorted(emails[voter] for voter in finding.sample_ids)))
            for finding in findings]


def suspicious(since: datetime, limits: Thresholds) -> list[Finding]:
    """Every rule's findings, each rule's biggest groups first, with some of each group's accounts named."""
    findings: list[Finding] = []
    for rule in RULES:
        findings += sorted(rule(since, limits), key=lambda finding: (-finding.votes, finding.subject))
    return _with_emails(findings)
