"""``flask jury``: membership granted by an admin; a removed member's past votes stay jury votes."""

from __future__ import annotations

from anb.extensions import cache, db
from anb.models import AdminAction, Role
from tests.helpers import bearer, cast_vote, mismatches


def _ranking(client, voter):
    return [(row["username"], row["votes"]) for row in
            client.get(f"/api/public/rankings?voter={voter}").get_json()]


def test_a_removed_member_keeps_past_votes_as_jury(runner, client, make_user, make_video):
    owner = make_user(first_name="Luis", last_name="Díaz")
    first, second = make_video(owner), make_video(owner)
    member = make_user()

    added = runner.invoke(args=["jury", "add", member.email, "--by", "ops"])
    assert added.exit_code == 0 and "joined the jury" in added.output
    assert client.post(f"/api/public/videos/{first.id}/vote", headers=bearer(member)).status_code == 200
    removed = runner.invoke(args=["jury", "remove", member.email])
    assert removed.exit_code == 0 and "left the jury" in removed.output
    cast_vote(second, member)  # a player again: a public vote
    cache.clear()

    assert _ranking(client, "jury") == [("Luis Díaz", 1)]
    assert _ranking(client, "public") == [("Luis Díaz", 1)]
    db.session.refresh(owner)
    assert (owner.public_votes, owner.jury_votes) == (1, 1)
    assert mismatches() == []
    assert db.session.execute(db.select(AdminAction.action)).scalars().all() == ["jury_add", "jury_remove"]


def test_add_and_remove_are_idempotent_and_list_shows_members(runner, make_user):
    member = make_user()
    make_user()
    runner.invoke(args=["jury", "add", member.email])

    again = runner.invoke(args=["jury", "add", member.email.upper()])
    listed = runner.invoke(args=["jury", "list"])

    assert again.exit_code == 0 and "already a jury member" in again.output
    assert listed.exit_code == 0 and member.email in listed.output and "1 jury members." in listed.output
    runner.invoke(args=["jury", "remove", member.email])
    not_member = runner.invoke(args=["jury", "remove", member.email])
    assert not_member.exit_code == 0 and "is not a jury member" in not_member.output
    assert "0 jury members." in runner.invoke(args=["jury", "list"]).output


def test_admins_banned_and_unknown_accounts_cannot_join(runner, make_user):
    admin = make_user(role=Role.ADMIN)
    banned = make_user()
    runner.invoke(args=["users", "ban", banned.email, "--reason", "spam"])

    for email, why in ((admin.email, "is an admin"), (banned.email, "is banned")):
        result = runner.invoke(args=["jury", "add", email])
        assert result.exit_code == 1 and why in result.output
    assert runner.invoke(args=["jury", "add", "nobody@example.com"]).exit_code == 1
    assert db.session.get(type(admin), admin.id).role == Role.ADMIN
