"""Votes under concurrency, through the API: one per person and video, counters equal to a recount, and a
delete attempt in the middle of a burst changes nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from anb.counters import counter_mismatches
from anb.extensions import db
from anb.models import User, Video, VideoStatus, Vote
from tests.helpers import bearer

THREADS = 32


def _vote(app, video_id: int, headers: dict) -> int:
    return app.test_client().post(f"/api/public/videos/{video_id}/vote", headers=headers).status_code


def _voters(password_hash: str, count: int) -> list[dict]:
    users = [User(email=f"fan{n}@example.com", first_name="Fan", last_name=f"N{n}", city="Cali",
                  country="Colombia", password_hash=password_hash) for n in range(count)]
    db.session.add_all(users)
    db.session.commit()
    return [bearer(user) for user in users]


def _recount_agrees() -> None:
    db.session.rollback()  # a fresh snapshot: the votes were committed by other connections
    with db.engine.connect() as connection:
        assert counter_mismatches(connection) == []


def _votes() -> int:
    return db.session.scalar(db.select(db.func.count(Vote.id)))


def test_200_concurrent_votes_of_one_person_for_one_video_count_once(app, user, make_user, make_video,
                                                                      figures):
    video_id, headers = make_video(user).id, bearer(make_user())

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(lambda _: _vote(app, video_id, headers), range(200)))

    assert sorted(statuses) == [200] + [400] * 199
    _recount_agrees()
    assert _votes() == 1
    figures["votes_same_person"] = {"sent": 200, "counted": _votes(), "status_5xx": 0}


def test_1000_concurrent_votes_by_different_people_match_the_recount(app, user, make_video, password_hash,
                                                                     figures):
    video_id = make_video(user).id
    tokens = _voters(password_hash, 1000)

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(lambda headers: _vote(app, video_id, headers), tokens))

    assert statuses == [200] * 1000
    _recount_agrees()
    assert db.session.get(Video, video_id).votes_count == _votes() == 1000
    assert db.session.get(User, user.id).total_votes == 1000
    figures["votes_many_people"] = {"sent": 1000, "counted": _votes(),
                                    "status_5xx": sum(status >= 500 for status in statuses)}


def test_votes_during_delete_attempts_stay_consistent(app, user, make_video, password_hash):
    published, pending = make_video(user).id, make_video(user, VideoStatus.PROCESSING).id
    tokens = _voters(password_hash, 150)
    owner = bearer(user)

    def delete(video_id: int) -> int:
        return app.test_client().delete(f"/api/videos/{video_id}", headers=owner).status_code

    jobs = [("vote", published, headers) for headers in tokens[:100]]
    jobs += [("vote", pending, headers) for headers in tokens[100:]]
    jobs[50:50] = [("delete", published, None)] * 5
    jobs[120:120] = [("delete", pending, None)]

    def run(job) -> tuple[str, int, int]:
        kind, video_id, headers = job
        return kind, video_id, delete(video_id) if kind == "delete" else _vote(app, video_id, headers)

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(run, jobs))

    def statuses(kind: str, video_id: int) -> list[int]:
        return sorted(status for done, target, status in results if (done, target) == (kind, video_id))

    assert statuses("vote", published) == [200] * 100
    assert statuses("delete", published) == [400] * 5
    assert statuses("delete", pending) == [200]
    assert set(statuses("vote", pending)) == {404}
    _recount_agrees()
    assert db.session.get(Video, pending) is None
    assert db.session.get(Video, published).votes_count == _votes() == 100
