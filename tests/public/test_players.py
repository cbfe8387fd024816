"""GET /api/public/players/{id} and the standing in GET /api/auth/me: totals and ranking places."""

from __future__ import annotations

import pytest

from anb.models import VideoStatus
from tests.helpers import bearer


def player(client, player_id, **query):
    return client.get(f"/api/public/players/{player_id}", query_string=query)


def test_player_page_shows_totals_places_and_published_videos(client, make_user, make_video, cast_votes):
    ana = make_user(first_name="Ana", last_name="Ríos", city="Bogotá", country="Colombia")
    luis = make_user(first_name="Luis", last_name="Ríos", city="Medellín")
    first, second = make_video(ana, title="Primera"), make_video(ana, title="Segunda")
    make_video(ana, VideoStatus.PROCESSING)
    cast_votes(first, 1)
    cast_votes(second, 1, jury=True)
    cast_votes(make_video(luis), 3)

    response = player(client, ana.id)

    assert response.status_code == 200
    page = response.get_json()
    assert {key: page[key] for key in page if key != "videos"} == {
        "player_id": str(ana.id), "username": "Ana Ríos", "city": "Bogotá", "country": "Colombia",
        "votes": 2, "public_votes": 1, "jury_votes": 1, "position": 2, "city_position": 1}
    assert [video["video_id"] for video in page["videos"]] == [str(second.id), str(first.id)]
    assert {video["player_id"] for video in page["videos"]} == {str(ana.id)}


def test_places_break_ties_as_the_ranking_does(client, make_user, make_video, cast_votes):
    """Equal votes: the earlier signup is ahead, in the overall and in the city ranking alike."""
    early, late = make_user(city="Cali"), make_user(city="cali")
    other_city = make_user(city="Pasto")
    for owner in (early, late, other_city):
        cast_votes(make_video(owner), 2)
    cast_votes(make_video(make_user(city="Cali")), 5)

    ranking = client.get("/api/public/rankings").get_json()
    city_ranking = client.get("/api/public/rankings", query_string={"city": "CALI"}).get_json()
    for owner in (early, late, other_city):
        page = player(client, owner.id).get_json()
        expected = next(row["position"] for row in ranking if row["username"] == owner.username)
        assert page["position"] == expected
    assert [player(client, owner.id).get_json()["city_position"] for owner in (early, late)] == [2, 3]
    assert [row["position"] for row in city_ranking if row["votes"] == 2] == [2, 3]
    assert player(client, other_city.id).get_json()["city_position"] == 1


def test_player_videos_are_paged(client, user, make_video):
    ids = [str(make_video(user).id) for _ in range(3)]

    pages = [player(client, user.id, page=n, page_size=2).get_json()["videos"] for n in (1, 2)]

    assert [[video["video_id"] for video in page] for page in pages] == [ids[:0:-1], ids[:1]]
    assert player(client, user.id, page_size=500).status_code == 400


@pytest.mark.parametrize("player_id", ["999999", "abc", "²", "9" * 40, "unpublished"])
def test_unknown_or_unpublished_player_is_404(client, make_user, make_video, player_id):
    if player_id == "unpublished":
        owner = make_user()
        make_video(owner, VideoStatus.PROCESSING)
        player_id = owner.id

    response = player(client, player_id)

    assert response.status_code == 404
    assert response.get_json()["message"] == "Jugador no encontrado."


def test_me_shows_the_players_totals_and_places(client, make_user, make_video, cast_votes):
    leader, ana = make_user(city="Cali"), make_user(city="Bogotá")
    cast_votes(make_video(leader), 3)
    cast_votes(make_video(ana), 1, jury=True)
    cast_votes(make_video(ana), 1)

    me = client.get("/api/auth/me", headers=bearer(ana)).get_json()

    assert {key: me[key] for key in ("votes", "public_votes", "jury_votes", "position", "city_position")} == {
        "votes": 2, "public_votes": 1, "jury_votes": 1, "position": 2, "city_position": 1}


def test_me_without_a_published_video_has_no_place(client, user, auth_headers):
    me = client.get("/api/auth/me", headers=auth_headers).get_json()

    assert (me["votes"], me["position"], me["city_position"]) == (0, None, None)
