"""Public reads served as prepared bytes from Redis: the ranking and the anonymous catalogue's first page."""

from __future__ import annotations

import time

from anb import create_app
from anb.cache import prepared_key
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
