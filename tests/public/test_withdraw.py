"""DELETE /api/public/videos/{id}/vote: withdrawing one's own vote, with its counters, race-safe."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from anb.counters import counter_mismatches
from anb.extensions import cache, db
from anb.models import Role, Vote
from tests.helpers import bearer

WITHDRAWN = {"message": "Voto retirado exitosamente."}


def withdraw(client, video_id, headers):
    return client.delete(f"/api/public/videos/{video_id}/vote", headers=headers)


def vote(client, video_id, headers):
    return client.post(f"/api/public/videos/{video_id}/vote", headers=headers)


def test_withdrawal_removes_the_vote_and_its_counts(client, user, make_user, make_video):
    video = make_video(user)
    public, jury = bearer(make_user()), bearer(make_user(role=Role.JURY))
    for headers in (public, jury):
        assert vote(client, video.id, headers).status_code == 200

    response = withdraw(client, video.id, jury)

    assert (response.status_code, response.get_json()) == (200, WITHDRAWN)
    db.session.refresh(video)
    db.session.refresh(user)
    assert (video.votes_count, user.public_votes, user.jury_votes, user.total_votes) == (1, 1, 0, 1)
    assert db.session.execute(db.select(db.func.count(Vote.id))).scalar() == 1
    cache.clear()
    assert client.get("/api/public/rankings").get_json()[0]["votes"] == 1
    assert client.get(f"/api/public/videos/{video.id}", headers=jury).get_json()["voted_by_me"] is False
    assert vote(client, video.id, jury).status_code == 200  # a withdrawn vote may be cast again


def test_withdrawing_without_a_vote_is_404(client, user, make_user, make_video):
    video = make_video(user)
    headers = bearer(make_user())

    response = withdraw(client, video.id, headers)

    assert response.status_code == 404
    assert response.get_json()["message"] == "No has votado por este video."
    for video_id in (video.id + 100, "nope"):
        assert withdraw(client, video_id, headers).get_json()["message"] == "Video no encontrado."


def test_withdrawal_needs_a_token(client, user, make_video):
    assert withdraw(client, make_video(user).id, {}).status_code == 401


def test_simultaneous_withdrawals_count_once(app, user, make_user, make_video):
    video = make_video(user)
    video_id, headers = video.id, bearer(make_user())
    assert vote(app.test_client(), video_id, headers).status_code == 200
    start = threading.Barrier(20)

    def fire(_):
        start.wait()
        return withdraw(app.test_client(), video_id, headers).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(fire, range(20)))

    assert sorted(statuses) == [200] + [404] * 19
    db.session.rollback()
    db.session.refresh(video)
    db.session.refresh(user)
    assert video.votes_count == user.total_votes == 0


def test_counters_match_a_recount_after_votes_and_withdrawals_race(app, make_user, make_video):
    rng = random.Random(15)
    players = [make_user() for _ in range(4)]
    video_ids = [make_video(player).id for player in players for _ in range(2)]
    voters = players + [make_user(role=Role.JURY if n % 3 == 0 else Role.PLAYER) for n in range(6)]
    tokens = [bearer(voter) for voter in voters]
    attempts = [(rng.choice((vote, withdraw)), rng.choice(tokens), rng.choice(video_ids)) for _ in range(300)]

    def fire(attempt):
        action, headers, video_id = attempt
        return action(app.test_client(), video_id, headers).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(fire, attempts))

    assert set(statuses) <= {200, 400, 404} and statuses.count(200) > 0
    db.session.rollback()
    assert counter_mismatches(db.session.connection()) == []
