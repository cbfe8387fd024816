"""POST /api/public/videos/{id}/vote: one vote per person and video, whatever the concurrency."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from anb.extensions import db
from anb.models import Role, User, Video, VideoStatus, Vote
from config import TestingConfig
from tests.helpers import app_with_clean_limits, bearer

VOTED = {"message": "Voto registrado exitosamente."}


def vote(client, video_id, headers, **kwargs):
    return client.post(f"/api/public/videos/{video_id}/vote", headers=headers, **kwargs)


def test_vote_is_recorded_with_its_origin_and_counted(client, user, make_user, make_video):
    video = make_video(user)
    voter = make_user()

    response = vote(client, video.id, {**bearer(voter), "User-Agent": "ANB-App/2.1 (Android 14)"},
                    environ_base={"REMOTE_ADDR": "203.0.113.9"})

    assert response.status_code == 200 and response.get_json() == VOTED
    stored = db.session.execute(db.select(Vote)).scalar_one()
    assert (stored.voter_id, stored.video_id, stored.is_jury) == (voter.id, video.id, False)
    assert (stored.ip_address, stored.user_agent) == ("203.0.113.9", "ANB-App/2.1 (Android 14)")
    db.session.refresh(user)
    db.session.refresh(video)
    assert (video.votes_count, user.public_votes, user.jury_votes, user.total_votes) == (1, 1, 0, 1)


def test_jury_votes_are_counted_apart(client, user, make_user, make_video):
    video = make_video(user)

    assert vote(client, video.id, bearer(make_user(role=Role.JURY))).status_code == 200

    db.session.refresh(user)
    assert (user.public_votes, user.jury_votes, user.total_votes) == (0, 1, 1)
    assert db.session.execute(db.select(Vote.is_jury)).scalar_one() is True


def test_second_vote_is_rejected(client, user, make_user, make_video):
    video = make_video(user)
    headers = bearer(make_user())
    vote(client, video.id, headers)

    response = vote(client, video.id, headers)

    assert response.status_code == 400
    assert response.get_json()["message"] == "Ya has votado por este video."
    db.session.refresh(video)
    assert video.votes_count == 1


def test_own_video_cannot_be_voted(client, user, auth_headers, make_video):
    response = vote(client, make_video(user).id, auth_headers)

    assert response.status_code == 400
    assert response.get_json()["message"] == "No puedes votar por tu propio video."


def test_missing_or_unpublished_video_is_404(client, user, make_user, make_video):
    pending = make_video(user, VideoStatus.PROCESSING)
    headers = bearer(make_user())

    for video_id in (pending.id, pending.id + 100, "nope"):
        response = vote(client, video_id, headers)
        assert response.status_code == 404
        assert response.get_json()["message"] == "Video no encontrado."


def test_vote_needs_a_token(client, user, make_video):
    assert vote(client, make_video(user).id, {}).status_code == 401


def test_fifty_simultaneous_identical_votes_count_once(app, user, make_user, make_video):
    video = make_video(user)
    video_id, headers = video.id, bearer(make_user())
    start = threading.Barrier(50)

    def fire(_):
        start.wait()
        return vote(app.test_client(), video_id, headers).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(fire, range(50)))

    assert sorted(statuses) == [200] + [400] * 49
    db.session.rollback()  # leave this session's snapshot: the votes were committed by other connections
    db.session.refresh(video)
    db.session.refresh(user)
    assert video.votes_count == user.total_votes == 1
    assert db.session.execute(db.select(db.func.count(Vote.id))).scalar() == 1


def test_counters_match_a_recount_after_a_random_burst(app, make_user, make_video):
    rng = random.Random(2025)
    players = [make_user(city=rng.choice(["Cali", "Bogotá"])) for _ in range(6)]
    video_ids = [make_video(player).id for player in players for _ in range(2)]
    voters = players + [make_user(role=Role.JURY if n % 3 == 0 else Role.PLAYER) for n in range(8)]
    tokens = {voter.id: bearer(voter) for voter in voters}
    attempts = [(rng.choice(list(tokens)), rng.choice(video_ids)) for _ in range(300)]

    def fire(attempt):
        voter_id, video_id = attempt
        return vote(app.test_client(), video_id, tokens[voter_id]).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(fire, attempts))

    assert set(statuses) <= {200, 400}
    db.session.rollback()
    assert statuses.count(200) == db.session.execute(db.select(db.func.count(Vote.id))).scalar()
    for video in db.session.execute(db.select(Video)).scalars():
        assert video.votes_count == _count(Vote.video_id == video.id)
    for player in db.session.execute(db.select(User)).scalars():
        owned = Vote.video_id.in_(db.select(Video.id).where(Video.owner_id == player.id))
        assert player.public_votes == _count(owned, Vote.is_jury.is_(False))
        assert player.jury_votes == _count(owned, Vote.is_jury.is_(True))
        assert player.total_votes == player.public_votes + player.jury_votes


def _count(*conditions) -> int:
    return db.session.execute(db.select(db.func.count(Vote.id)).where(*conditions)).scalar()


class VoteRateLimited(TestingConfig):
    RATELIMIT_ENABLED = True
    VOTE_RATE_LIMIT = "2 per minute"


def test_votes_are_rate_limited_per_account(user, make_user, make_video):
    video_ids = [make_video(user).id for _ in range(3)]
    headers = bearer(make_user())
    app = app_with_clean_limits(VoteRateLimited)
    with app.app_context():
        client = app.test_client()
        statuses = [vote(client, video_id, headers).status_code for video_id in video_ids]

    assert statuses == [200, 200, 429]
    db.session.rollback()  # the votes were committed by the other app's connection
    assert _count() == 2
