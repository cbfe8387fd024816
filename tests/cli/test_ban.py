"""``flask users ban/unban/list``: a banned account cannot log in, its tokens stop working at once."""

from __future__ import annotations

from anb.extensions import db
from anb.models import AdminAction, Role, Vote
from tests.helpers import PASSWORD, bearer, cast_vote, mismatches

BANNED = "Tu cuenta ha sido suspendida por un administrador."


def _login(client, email, password=PASSWORD):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_ban_refuses_login_and_revokes_live_tokens_then_unban_restores_login(runner, client, user):
    headers = bearer(user)
    assert client.get("/api/auth/me", headers=headers).status_code == 200

    result = runner.invoke(args=["users", "ban", user.email, "--reason", "multiple accounts", "--by", "ops"])

    assert result.exit_code == 0 and "is now banned" in result.output
    me = client.get("/api/auth/me", headers=headers)
    assert me.status_code == 401 and me.get_json()["message"] == "Falta de autenticación."
    refused = _login(client, user.email)
    assert refused.status_code == 403 and refused.get_json() == {"code": 403, "status": "Forbidden",
                                                                 "message": BANNED}
    assert _login(client, user.email, "wrong-password").status_code == 401  # a guesser learns nothing
    again = runner.invoke(args=["users", "ban", user.email, "--reason", "multiple accounts"])
    assert again.exit_code == 0 and "was already banned" in again.output

    lifted = runner.invoke(args=["users", "unban", user.email])
    assert lifted.exit_code == 0 and "may log in again" in lifted.output
    fresh = _login(client, user.email)
    assert fresh.status_code == 200
    assert client.get("/api/auth/me", headers={
        "Authorization": f"Bearer {fresh.get_json()['access_token']}"}).status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 401  # revoked by the ban, for good
    assert "was not banned" in runner.invoke(args=["users", "unban", user.email]).output
    actions = db.session.execute(db.select(AdminAction.action, AdminAction.actor)).all()
    assert [tuple(row) for row in actions] == [("ban", "ops"), ("unban", actions[1][1])]


def test_ban_with_void_votes_removes_them_with_their_counters(runner, client, make_user, make_video):
    owner = make_user()
    videos = [make_video(owner) for _ in range(2)]
    cheat, juror = make_user(), make_user(role=Role.JURY)
    for video in videos:
        cast_vote(video, cheat)
    cast_vote(videos[0], juror)

    result = runner.invoke(args=["users", "ban", cheat.email, "--reason", "bought votes", "--void-votes"])

    assert result.exit_code == 0, result.output
    assert "voided 2 votes (2 public, 0 jury)" in result.output
    assert db.session.execute(db.select(Vote.voter_id)).scalars().all() == [juror.id]
    db.session.refresh(owner)
    assert (owner.public_votes, owner.jury_votes, owner.total_votes) == (0, 1, 1)
    assert mismatches() == []
    assert sorted(db.session.execute(db.select(AdminAction.action)).scalars()) == ["ban", "void_votes"]


def test_a_banned_voter_cannot_vote(runner, client, make_user, make_video):
    video, voter = make_video(make_user()), make_user()
    headers = bearer(voter)
    runner.invoke(args=["users", "ban", voter.email, "--reason", "spam"])

    assert client.post(f"/api/public/videos/{video.id}/vote", headers=headers).status_code == 401


def test_ban_of_an_unknown_account_fails(runner):
    result = runner.invoke(args=["users", "ban", "nobody@example.com", "--reason", "x"])
    assert result.exit_code == 1 and "No account with email nobody@example.com" in result.output
    assert runner.invoke(args=["users", "unban", "nobody@example.com"]).exit_code == 1


def test_list_filters_by_role_and_ban(runner, make_user):
    player, juror, admin = make_user(), make_user(role=Role.JURY), make_user(role=Role.ADMIN)
    runner.invoke(args=["users", "ban", player.email, "--reason", "spam"])

    def emails(*args):
        result = runner.invoke(args=["users", "list", *args])
        assert result.exit_code == 0, result.output
        return [line.split("\t")[1] for line in result.output.splitlines()]

    assert emails() == [player.email, juror.email, admin.email]
    assert emails("--role", "jury") == [juror.email]
    assert emails("--banned") == [player.email]
    assert emails("--not-banned", "--role", "admin") == [admin.email]
    assert "banned" in runner.invoke(args=["users", "list", "--banned"]).output.split("\t")[-1]
    assert runner.invoke(args=["users", "list", "--role", "king"]).exit_code == 2
