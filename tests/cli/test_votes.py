"""``flask votes void``: votes removed with their counters, audited, idempotent."""

from __future__ import annotations

from anb.extensions import db
from anb.models import AdminAction, Role, Vote
from tests.helpers import cast_vote, mismatches


def _counts(*rows):
    db.session.expire_all()
    return [(row.public_votes, row.jury_votes, row.total_votes) if hasattr(row, "total_votes")
            else row.votes_count for row in rows]


def test_void_by_user_lowers_every_counter_and_is_audited(runner, make_user, make_video):
    owner, other_owner = make_user(), make_user()
    first, second, third = make_video(owner), make_video(owner), make_video(other_owner)
    cheat, honest, juror = make_user(), make_user(), make_user(role=Role.JURY)
    for video in (first, second, third):
        cast_vote(video, cheat)
    cast_vote(first, honest)
    cast_vote(first, juror)

    result = runner.invoke(args=["votes", "void", "--user", cheat.email.upper(), "--reason", "bot farm",
                                 "--by", "ana.admin"])

    assert result.exit_code == 0, result.output
    assert "voided 3 votes (3 public, 0 jury) on 3 videos of 2 players" in result.output
    assert _counts(first, second, third, owner, other_owner) == [2, 0, 0, (1, 1, 2), (0, 0, 0)]
    assert db.session.execute(db.select(Vote.voter_id)).scalars().all().count(cheat.id) == 0
    assert mismatches() == []
    audit = db.session.execute(db.select(AdminAction)).scalar_one()
    assert (audit.action, audit.target, audit.affected, audit.actor, audit.reason) == (
        "void_votes", f"user:{cheat.email}", 3, "ana.admin", "bot farm")


def test_void_by_address_on_one_video_and_a_dry_run_first(runner, make_user, make_video):
    owner = make_user()
    video, elsewhere = make_video(owner), make_video(owner)
    farm = [make_user() for _ in range(3)]
    for voter in farm:
        cast_vote(video, voter, ip_address="203.0.113.50")
        cast_vote(elsewhere, voter, ip_address="203.0.113.50")
    cast_vote(video, make_user(role=Role.JURY), ip_address="203.0.113.50")
    cast_vote(video, make_user(), ip_address="192.0.2.1")
    args = ["votes", "void", "--ip", "203.0.113.50", "--video", str(video.id), "--reason", "one NAT farm"]

    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0 and "would void 4 votes (3 public, 1 jury)" in dry.output
    assert _counts(video) == [5] and db.session.execute(db.select(AdminAction)).first() is None

    real = runner.invoke(args=args)
    again = runner.invoke(args=args)

    assert real.exit_code == 0 and "voided 4 votes (3 public, 1 jury) on 1 videos" in real.output
    assert again.exit_code == 0 and "voided 0 votes" in again.output
    assert _counts(video, elsewhere, owner) == [1, 3, (4, 0, 4)]
    assert mismatches() == []
    assert [row.affected for row in db.session.execute(db.select(AdminAction)).scalars()] == [4, 0]


def test_void_refuses_unclear_or_unknown_targets(runner, user):
    assert runner.invoke(args=["votes", "void", "--reason", "x"]).exit_code != 0
    both = runner.invoke(args=["votes", "void", "--user", user.email, "--ip", "192.0.2.1", "--reason", "x"])
    assert both.exit_code != 0 and "exactly one" in both.output
    unknown = runner.invoke(args=["votes", "void", "--user", "nobody@example.com", "--reason", "x"])
    assert unknown.exit_code == 1 and "No account" in unknown.output
    no_video = runner.invoke(args=["votes", "void", "--user", user.email, "--video", "999", "--reason", "x"])
    assert no_video.exit_code == 1 and "No video 999" in no_video.output
    assert runner.invoke(args=["votes", "void", "--user", user.email]).exit_code != 0  # --reason required
    assert "--dry-run" in runner.invoke(args=["votes", "void", "--help"]).output
