"""Public reads served as prepared bytes from Redis: the ranking and the anonymous catalogue's first page."""

from __future__ import annotations

import re
import time

import pytest
from flask import request
from prometheus_client import REGISTRY

from anb import create_app
from anb.cache import prepared_key, url_alias
from anb.extensions import cache
from config import TestingConfig
from tests.helpers import bearer, counted_queries


def _stored(kind: str, *selection) -> bytes | None:
    return cache.cache.get_bytes(f"prepared:{prepared_key(kind, *selection)}")


def test_the_ranking_is_served_from_its_stored_body_without_touching_the_database(
        client, make_user, make_video, cast_votes):
    ana, luis = make_user(first_name="Ana", last_name="Ríos"), make_user(first_name="Luis", last_name="Paz")
    make_video(ana)
    cast_votes(make_video(luis), 2)
    cache.clear()

    first = client.get("/api/public/rankings?page_size=5")
    with counted_queries() as statements:
        second = client.get("/api/public/rankings?page_size=5")

    assert second.status_code == 200 and second.mimetype == "application/json"
    assert second.get_json() == [
        {"position": 1, "username": "Luis Paz", "city": luis.city, "votes": 2},
        {"position": 2, "username": "Ana Ríos", "city": ana.city, "votes": 0}]
    assert second.data == first.data == _stored("ranking", 0, 5, None, None)
    assert statements == []


def test_the_cached_catalogue_page_is_byte_for_byte_the_uncached_answer(client, make_user, make_video,
                                                                         cast_votes):
    player = make_user(city="Cali")
    for title in ("Primera", "Segunda", "Tercera"):
        make_video(player, title=title)
    cache.clear()

    cached = client.get("/api/public/videos?city=cali")
    # The same videos through the uncached path (a player filter is never cached) and flask-smorest.
    uncached = client.get(f"/api/public/videos?player_id={player.id}")

    assert [item["title"] for item in cached.get_json()] == ["Tercera", "Segunda", "Primera"]
    assert cached.data == uncached.data == _stored("catalogue", 20, "cali", "recent")


def test_a_signed_in_readers_catalogue_is_never_shared(client, make_user, make_video):
    owner, reader = make_user(), make_user()
    video = make_video(owner)
    assert client.post(f"/api/public/videos/{video.id}/vote", headers=bearer(reader)).status_code == 200
    cache.clear()

    anonymous = client.get("/api/public/videos").get_json()
    signed_in = client.get("/api/public/videos", headers=bearer(reader)).get_json()
    anonymous_again = client.get("/api/public/videos").get_json()

    assert "voted_by_me" not in anonymous[0] and "voted_by_me" not in anonymous_again[0]
    assert signed_in[0]["voted_by_me"] is True


def test_a_vote_shows_in_the_cached_catalogue_and_ranking_within_two_seconds(client, make_user, make_video,
                                                                             cast_votes):
    player = make_user(first_name="Eva", last_name="Luna")
    video = make_video(player)
    cache.clear()
    assert client.get("/api/public/videos").get_json()[0]["votes"] == 0
    assert client.get("/api/public/rankings").get_json()[0]["votes"] == 0

    cast_votes(video, 1)

    deadline = time.monotonic() + 2
    while (client.get("/api/public/videos").get_json()[0]["votes"],
           client.get("/api/public/rankings").get_json()[0]["votes"]) != (1, 1):
        assert time.monotonic() < deadline, "the vote did not reach the cached reads within 2 s"
        time.sleep(0.1)


def test_while_one_reader_rebuilds_the_others_get_the_previous_body(client, make_user, make_video,
                                                                    cast_votes):
    video = make_video(make_user())
    cache.clear()
    before = client.get("/api/public/rankings").data
    cast_votes(video, 1)
    key = prepared_key("ranking", 0, 20, None, None)
    cache.cache.delete(f"prepared:{key}")  # the fresh body expired...
    assert cache.cache.claim(f"prepared-lock:{key}", 5)  # ...and another worker is rebuilding it

    with counted_queries() as statements:
        during = client.get("/api/public/rankings")
    cache.cache.delete(f"prepared-lock:{key}")
    after = client.get("/api/public/rankings")

    assert during.data == before and statements == []
    assert after.get_json()[0]["votes"] == 1


class RedisDown(TestingConfig):
    """The testing config with Redis on a port where nothing listens."""

    REDIS_URL = "redis://127.0.0.1:1/0"


def test_without_redis_public_reads_are_served_uncached(app):
    client = create_app(RedisDown).test_client()  # on the emptied database of ``app``

    for path in ("/api/public/rankings", "/api/public/videos"):
        response = client.get(path)
        assert (response.status_code, response.get_json()) == (200, [])


@pytest.fixture
def flask_calls(app) -> list[str]:
    """The paths of the requests that reached Flask's routing (a hook registered before any request)."""
    calls: list[str] = []
    app.before_request(lambda: calls.append(request.full_path))
    return calls


def _requests_counted(endpoint: str) -> float:
    return REGISTRY.get_sample_value("anb_http_requests_total",
                                     {"method": "GET", "endpoint": endpoint, "status": "200"}) or 0.0


@pytest.mark.parametrize("path", ["/api/public/rankings?page_size=5", "/api/public/videos",
                                  "/api/public/videos?city=cali&sort=votes"])
def test_an_anonymous_get_of_a_prepared_read_is_answered_before_flask_with_the_same_answer(
        app, flask_calls, make_user, make_video, cast_votes, path):
    cast_votes(make_video(make_user(city="Cali")), 2)
    flask_calls.clear()
    client = app.test_client()
    counted = _requests_counted(path.split("?")[0])

    through_flask = client.get(path)
    before_flask = client.get(path, headers={"X-Request-ID": "caller-id-1234"})

    assert len(flask_calls) == 1
    assert before_flask.data == through_flask.data and before_flask.status_code == 200
    assert before_flask.headers["X-Request-ID"] == "caller-id-1234"
    assert sorted(before_flask.headers.keys()) == sorted(through_flask.headers.keys())
    for name, value in through_flask.headers.items():
        if name != "X-Request-ID":
            assert before_flask.headers[name] == value, name
    assert _requests_counted(path.split("?")[0]) == counted + 2


def test_a_request_id_that_is_not_acceptable_is_replaced_before_flask_too(app, flask_calls):
    client = app.test_client()
    client.get("/api/public/rankings")

    answer = client.get("/api/public/rankings", headers={"X-Request-ID": "bad id <script>"})

    assert len(flask_calls) == 1 and answer.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


@pytest.mark.parametrize("headers", [{"Authorization": "Bearer x"}, {"Origin": "https://front.example"}])
def test_a_token_or_an_origin_always_goes_through_flask(app, flask_calls, headers):
    client = app.test_client()
    client.get("/api/public/videos")

    answer = client.get("/api/public/videos", headers=headers)

    assert len(flask_calls) == 2 and answer.status_code in (200, 401)


def test_only_urls_flask_answered_from_a_prepared_body_are_answered_before_it(app, flask_calls, make_user,
                                                                               make_video):
    make_video(make_user())
    client = app.test_client()
    for path in ("/api/public/videos?page=2", "/api/public/videos?q=jugada", "/api/public/rankings?page=0"):
        client.get(path)
        client.get(path)
    client.head("/api/public/rankings")
    client.head("/api/public/rankings")

    assert len(flask_calls) == 8


def test_an_expired_body_goes_back_to_flask_which_rebuilds_it(app, flask_calls, make_user, make_video,
                                                              cast_votes):
    video = make_video(make_user())
    client = app.test_client()
    assert client.get("/api/public/rankings").get_json()[0]["votes"] == 0
    cast_votes(video, 1)
    cache.cache.delete(f"prepared:{prepared_key('ranking', 0, 20, None, None)}")  # the body expired
    flask_calls.clear()

    assert client.get("/api/public/rankings").get_json()[0]["votes"] == 1
    assert client.get("/api/public/rankings").get_json()[0]["votes"] == 1
    assert flask_calls == ["/api/public/rankings?"]


def test_an_alias_naming_anything_but_a_prepared_body_is_ignored(app, flask_calls):
    client = app.test_client()
    client.get("/api/public/rankings")
    cache.set("probe", {"secret": 1})
    cache.cache.point(url_alias({"PATH_INFO": "/api/public/rankings", "QUERY_STRING": ""}), "probe", {}, 10)
    flask_calls.clear()

    answer = client.get("/api/public/rankings")

    assert flask_calls == ["/api/public/rankings?"] and answer.get_json() == []
