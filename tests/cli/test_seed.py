"""``flask seed``: bulk fake data whose counters equal a recount, and the check that says so."""

from anb.cli.seeding import SEED_PASSWORD
from anb.extensions import db
from anb.models import Role, User, Video, VideoStatus, Vote
from anb.videos import processing

SMALL = ["seed", "ranking", "--players", "50", "--videos", "120", "--votes", "600", "--jury-share", "0.1",
         "--batch", "100"]


def scalar(sql: str) -> int:
    """One number from the database, read in a transaction of its own (so it sees later seeding)."""
    value = db.session.execute(db.text(sql)).scalar()
    db.session.rollback()
    return value


def test_seed_inserts_the_requested_rows_with_unique_votes(runner):
    result = runner.invoke(args=[*SMALL, "--reset"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["reset", "users", "videos", "search terms",
                                                          "votes", "counters", "analyze"]
    assert lines[2].startswith("videos: 120 rows") and lines[-1].startswith("seeded in")
    assert scalar("SELECT COUNT(*) FROM users") == 50
    assert scalar("SELECT COUNT(*) FROM users WHERE role = 'jury'") == 5
    assert scalar("SELECT COUNT(*) FROM videos WHERE status = 'processed' AND processed_key IS NOT NULL "
                  "AND processed_at IS NOT NULL") == 120
    assert scalar("SELECT COUNT(*) FROM votes") == 600
    assert scalar("SELECT COUNT(DISTINCT video_id, voter_id) FROM votes") == 600
    assert scalar("SELECT COUNT(*) FROM votes JOIN videos ON videos.id = votes.video_id "
                  "WHERE videos.owner_id = votes.voter_id") == 0
    assert scalar("SELECT COUNT(*) FROM votes JOIN users ON users.id = votes.voter_id "
                  "WHERE votes.is_jury <> (users.role = 'jury')") == 0
    assert scalar("SELECT COUNT(*) FROM videos JOIN users ON users.id = videos.owner_id "
                  "WHERE users.role = 'jury'") == 0


def test_counters_equal_a_recount(runner):
    runner.invoke(args=[*SMALL, "--reset"])

    assert scalar("SELECT SUM(votes_count) FROM videos") == 600
    assert scalar("SELECT SUM(total_votes) FROM users") == 600
    assert scalar("SELECT SUM(public_votes + jury_votes) FROM users") == 600
    assert scalar("SELECT SUM(jury_votes) FROM users") == scalar("SELECT SUM(is_jury) FROM votes")
    assert scalar("SELECT SUM(processed_videos) FROM users") == 120
    verify = runner.invoke(args=["seed", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "match the recount: 50 users, 120 videos, 600 votes" in verify.output


def test_verify_fails_when_a_counter_is_wrong(runner):
    runner.invoke(args=[*SMALL, "--reset"])
    player = db.session.execute(db.select(User).where(User.total_votes > 0).limit(1)).scalar_one()
    video = db.session.execute(db.select(Video).where(Video.votes_count > 0).limit(1)).scalar_one()
    player_id, total, video_id = player.id, player.total_votes, video.id
    db.session.execute(db.update(User).where(User.id == player_id).values(total_votes=User.total_votes + 1))
    db.session.execute(db.update(Video).where(Video.id == video_id).values(votes_count=0))
    db.session.commit()

    result = runner.invoke(args=["seed", "verify"])

    assert result.exit_code == 1
    assert "2 counters differ" in result.output
    assert f"user {player_id}: total_votes is {total + 1}, the votes say {total}" in result.output
    assert f"video {video_id}: votes_count is 0" in result.output


def test_same_seed_same_data_and_without_reset_it_adds(runner):
    runner.invoke(args=[*SMALL, "--reset"])
    first = pairs()
    runner.invoke(args=[*SMALL, "--reset"])
    assert pairs() == first

    result = runner.invoke(args=SMALL)

    assert result.exit_code == 0, result.output
    assert scalar("SELECT COUNT(*) FROM users") == 100 and scalar("SELECT COUNT(*) FROM votes") == 1200
    assert runner.invoke(args=["seed", "verify"]).exit_code == 0


def pairs() -> list[tuple[int, int, bool]]:
    """Every vote as (video, voter, jury), in order; ends the read so a later --reset can TRUNCATE."""
    query = db.select(Vote.video_id, Vote.voter_id, Vote.is_jury).order_by(Vote.video_id, Vote.voter_id)
    rows = [tuple(row) for row in db.session.execute(query)]
    db.session.rollback()
    return rows


def test_ranking_endpoint_orders_the_seeded_players_by_votes(runner, client):
    runner.invoke(args=[*SMALL, "--reset"])
    expected = db.session.execute(
        db.select(User.first_name, User.last_name, User.total_votes).where(User.processed_videos > 0)
        .order_by(User.total_votes.desc(), User.id)).all()

    response = client.get("/api/public/rankings?page_size=100")

    assert response.status_code == 200
    body = response.get_json()
    assert [entry["position"] for entry in body] == list(range(1, len(expected) + 1))
    assert [(entry["username"], entry["votes"]) for entry in body] == [
        (f"{first} {last}", votes) for first, last, votes in expected]
    assert body[0]["votes"] > body[-1]["votes"]
    assert sum(entry["votes"] for entry in body) == 600


def test_seeded_accounts_have_real_looking_names_and_cities(runner):
    runner.invoke(args=[*SMALL, "--reset", "--cities", "Bogotá, Medellín"])

    users = db.session.execute(db.select(User)).scalars().all()

    assert {user.city for user in users} == {"Bogotá", "Medellín"}
    assert all(user.email.isascii() and user.email.endswith("@seed.anb.example") for user in users)
    assert {user.role for user in users} == {Role.PLAYER, Role.JURY}
    assert len({user.password_hash for user in users}) == 1
    assert set(db.session.execute(db.select(Video.status)).scalars()) == {VideoStatus.PROCESSED}


def test_refuses_production_unless_confirmed(runner, monkeypatch):
    monkeypatch.setenv("ANB_ENV", "production")

    refused = runner.invoke(args=SMALL)
    assert refused.exit_code == 1 and "--yes-i-mean-production" in refused.output
    assert scalar("SELECT COUNT(*) FROM users") == 0

    confirmed = runner.invoke(args=[*SMALL, "--yes-i-mean-production"])
    assert confirmed.exit_code == 0, confirmed.output
    assert scalar("SELECT COUNT(*) FROM users") == 50


def test_refuses_votes_that_cannot_be_unique(runner):
    result = runner.invoke(args=["seed", "ranking", "--players", "3", "--videos", "2", "--votes", "5",
                                 "--jury-share", "0"])

    assert result.exit_code == 1 and "do not fit" in result.output
    assert scalar("SELECT COUNT(*) FROM users") == 0


def test_reset_also_empties_the_timelines_of_the_videos_it_drops(runner, user, make_video):
    video = make_video(user, VideoStatus.UPLOADED)
    processing.record_event(video.id, "trim", host="w1", request_id=None)

    result = runner.invoke(args=[*SMALL, "--reset"])

    assert result.exit_code == 0, result.output
    assert scalar("SELECT COUNT(*) FROM video_events") == 0


def test_load_accounts_are_players_who_can_log_in_with_the_seed_password(runner, client, tmp_path, user):
    out = tmp_path / "load" / "accounts.txt"

    result = runner.invoke(args=["seed", "accounts", "--count", "7", "--out", str(out), "--batch", "3"])

    assert result.exit_code == 0, result.output
    emails = out.read_text().splitlines()
    assert len(set(emails)) == 7 and user.email not in emails
    assert scalar("SELECT COUNT(*) FROM users WHERE role = 'player'") == 8
    assert scalar("SELECT COUNT(*) FROM videos") == 0
    login = client.post("/api/auth/login", json={"email": emails[-1], "password": SEED_PASSWORD})
    assert login.status_code == 200 and login.get_json()["token_type"] == "Bearer"


def test_load_accounts_refuse_a_count_below_two(runner, tmp_path):
    result = runner.invoke(args=["seed", "accounts", "--count", "1", "--out", str(tmp_path / "a.txt")])

    assert result.exit_code != 0
    assert not (tmp_path / "a.txt").exists()
