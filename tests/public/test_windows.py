"""Voting windows: votes only while one is open; after the last one the ranking is final, and frozen."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from anb import create_app
from anb.extensions import cache, db
from anb.models import User, now_utc
from anb.public.windows import ALWAYS_OPEN_PHASE, Window, parse_windows
from config import TestingConfig
from tests.helpers import bearer

CLOSED = "La votación no está abierta."


def windows_json(*bounds: tuple[timedelta | None, timedelta | None]) -> str:
    """Windows relative to now, written with an explicit non-UTC offset as an operator would."""
    now = now_utc()

    def instant(delta):
        return None if delta is None else (now + delta).astimezone().isoformat()

    return json.dumps([{"phase": f"fase {n}", "opens": instant(opens), "closes": instant(closes)}
                       for n, (opens, closes) in enumerate(bounds, start=1)])


@pytest.fixture
def set_windows(app):
    """Configure the app's voting windows for one test."""

    def configure(raw: str) -> None:
        app.config["VOTING_WINDOWS"] = raw
        app.extensions["voting_windows"] = parse_windows(raw)

    return configure


HOUR = timedelta(hours=1)


def test_default_is_one_window_that_is_always_open():
    assert parse_windows("") == (Window(ALWAYS_OPEN_PHASE),)


@pytest.mark.parametrize(("raw", "fault"), [
    ('[{"phase": "a", "opens": "2026-11-01T00:00:00"}]', "time zone"),
    ('[{"phase": "a", "opens": "2026-11-02T00:00:00Z", "closes": "2026-11-01T00:00:00Z"}]', "closes before"),
    ('[{"opens": "2026-11-01T00:00:00Z"}]', "phase"),
    ("[]", "non-empty"),
])
def test_a_malformed_setting_stops_the_app_from_starting(raw, fault):
    class BadWindows(TestingConfig):
        VOTING_WINDOWS = raw

    with pytest.raises(ValueError, match=fault):
        create_app(BadWindows)


@pytest.mark.parametrize("bounds", [
    [(HOUR, 2 * HOUR)],                         # not open yet
    [(-2 * HOUR, -HOUR), (HOUR, 2 * HOUR)],     # between two phases
    [(None, -HOUR)],                            # over
])
def test_outside_every_window_votes_and_withdrawals_are_refused(client, user, make_user, make_video,
                                                                set_windows, bounds):
    video = make_video(user)
    headers = bearer(make_user())
    set_windows(windows_json(*bounds))

    for method in (client.post, client.delete):
        response = method(f"/api/public/videos/{video.id}/vote", headers=headers)
        assert response.status_code == 400
        assert response.get_json()["message"] == CLOSED


def test_inside_a_window_votes_count_and_the_ranking_is_not_final(client, user, make_user, make_video,
                                                                  set_windows):
    set_windows(windows_json((-2 * HOUR, -HOUR), (-HOUR, HOUR)))

    response = client.post(f"/api/public/videos/{make_video(user).id}/vote", headers=bearer(make_user()))

    assert response.status_code == 200
    assert "X-Ranking-Final" not in client.get("/api/public/rankings").headers


def test_after_the_last_window_the_ranking_says_it_is_final(client, set_windows):
    set_windows(windows_json((-2 * HOUR, -HOUR), (-HOUR, -HOUR / 2)))

    # The second answer comes from the URL's alias, before Flask (anb.middleware.PreparedReads).
    answers = [client.get("/api/public/rankings") for _ in range(2)]

    assert [answer.headers["X-Ranking-Final"] for answer in answers] == ["true", "true"]


def test_freeze_keeps_the_final_ranking_whatever_happens_to_the_counters(
        client, runner, make_user, make_video, cast_votes, set_windows):
    ana = make_user(first_name="Ana", last_name="Ríos", city="Bogotá")
    luis = make_user(first_name="Luis", last_name="Mejía", city="bogota")
    eva = make_user(first_name="Eva", last_name="Paz", city="Cali")
    cast_votes(make_video(ana), 3)
    cast_votes(make_video(luis), 1, jury=True)
    cast_votes(make_video(eva), 2)
    queries = [{}, {"city": "BOGOTÁ"}, {"voter": "jury"}, {"city": "cali", "voter": "public"},
               {"page": 2, "page_size": 1}]
    live = [client.get("/api/public/rankings", query_string=query).get_json() for query in queries]

    refused = runner.invoke(args=["ranking", "freeze"])
    assert refused.exit_code != 0 and "has not ended" in refused.output

    set_windows(windows_json((-2 * HOUR, -HOUR)))
    frozen = runner.invoke(args=["ranking", "freeze"])
    assert frozen.exit_code == 0, frozen.output
    db.session.execute(db.update(User).where(User.id == eva.id).values(total_votes=50, public_votes=50))
    db.session.commit()
    cache.clear()

    for query, before in zip(queries, live, strict=True):
        response = client.get("/api/public/rankings", query_string=query)
        assert response.get_json() == before
        assert response.headers["X-Ranking-Final"] == "true"
    me = client.get("/api/auth/me", headers=bearer(eva)).get_json()
    assert (me["position"], me["city_position"]) == (2, 1)
    assert runner.invoke(args=["ranking", "freeze"]).exit_code != 0
    shown = runner.invoke(args=["ranking", "windows"]).output
    assert "fase 1" in shown and "closed" in shown and "frozen" in shown
