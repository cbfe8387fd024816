"""``flask videos takedown``: a published video out of the catalogue, the ranking and public serving."""

from __future__ import annotations

from anb.extensions import cache, db
from anb.models import AdminAction, Role, VideoStatus
from tests.helpers import bearer, cast_vote, mismatches, stored


def test_takedown_removes_a_video_everywhere_but_the_owners_list(runner, client, app, user, make_user,
                                                                   make_video):
    video, kept = make_video(user, title="Inapropiado"), make_video(user, title="Bien")
    processed_file = stored(app, video.processed_key)
    for voter in (make_user(), make_user(), make_user(role=Role.JURY)):
        cast_vote(video, voter)
    cast_vote(kept, make_user())

    result = runner.invoke(args=["videos", "takedown", str(video.id), "--reason", "Contenido inapropiado.",
                                 "--by", "moderadora"])

    assert result.exit_code == 0 and f"Video {video.id} taken down" in result.output
    cache.clear()
    assert [item["title"] for item in client.get("/api/public/videos").get_json()] == ["Bien"]
    assert client.get(f"/api/public/videos/{video.id}").status_code == 404
    assert client.post(f"/api/public/videos/{video.id}/vote", headers=bearer(make_user())).status_code == 404
    assert client.get("/api/public/rankings").get_json()[0]["votes"] == 1
    assert not processed_file.exists() and stored(app, video.original_key).exists()
    own = {item["title"]: item for item in client.get("/api/videos", headers=bearer(user)).get_json()}
    removed = own["Inapropiado"]
    assert (removed["status"], removed["error"]) == ("removed", "Contenido inapropiado.")
    assert removed["processed_url"] is None
    assert own["Bien"]["status"] == "processed"
    db.session.refresh(user)
    assert (user.public_votes, user.jury_votes, user.total_votes, user.processed_videos) == (1, 0, 1, 1)
    assert mismatches() == []
    audit = db.session.execute(db.select(AdminAction)).scalar_one()
    assert (audit.action, audit.target, audit.affected, audit.actor) == ("takedown", f"video:{video.id}", 3,
                                                                         "moderadora")

    again = runner.invoke(args=["videos", "takedown", str(video.id), "--reason", "otra vez"])
    assert again.exit_code == 0 and "was already taken down" in again.output
    assert mismatches() == [] and db.session.execute(db.select(db.func.count(AdminAction.id))).scalar() == 1
    retry = runner.invoke(args=["videos", "retry", str(video.id)])
    assert retry.exit_code == 1 and "removed" in retry.output


def test_a_player_with_only_a_removed_video_leaves_the_ranking(runner, client, user, make_user, make_video):
    video = make_video(user)
    cast_vote(video, make_user())

    runner.invoke(args=["videos", "takedown", str(video.id), "--reason", "copyright"])

    cache.clear()
    assert client.get("/api/public/rankings").get_json() == []
    assert mismatches() == []


def test_takedown_refuses_unknown_and_unpublished_videos(runner, user, make_video):
    pending = make_video(user, VideoStatus.PROCESSING)

    unknown = runner.invoke(args=["videos", "takedown", "999999", "--reason", "x"])
    unpublished = runner.invoke(args=["videos", "takedown", str(pending.id), "--reason", "x"])

    assert unknown.exit_code == 1 and "No video 999999" in unknown.output
    assert unpublished.exit_code == 1 and "is processing, not published" in unpublished.output
    assert runner.invoke(args=["videos", "takedown", str(pending.id)]).exit_code == 2  # --reason required
