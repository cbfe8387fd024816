"""GET /api/public/videos and /api/public/videos/{id}: processed videos only, anyone may look."""

from __future__ import annotations

import pytest

from anb.models import VideoStatus
from tests.helpers import bearer, counted_queries


def test_catalogue_lists_processed_videos_with_player_and_votes(client, user, make_user, make_video):
    published = make_video(user)
    for status in (VideoStatus.UPLOADED, VideoStatus.PROCESSING, VideoStatus.FAILED):
        make_video(user, status)

    items = client.get("/api/public/videos").get_json()

    assert items == [{"video_id": str(published.id), "title": "Triple", "username": "Ana Pérez",
                      "city": "Bogotá", "processed_url": f"/media/processed/{published.id}.mp4", "votes": 0,
                      "processed_at": items[0]["processed_at"], "player_id": str(user.id),
                      "poster_url": None}]


def test_catalogue_filters_by_city_ignoring_case_and_accents(client, make_user, make_video):
    bogota = make_video(make_user(city="Bogotá"))
    make_video(make_user(city="Medellín"))

    for city in ("Bogotá", "bogota", "BOGOTÁ", " bogotá "):
        items = client.get("/api/public/videos", query_string={"city": city}).get_json()
        assert [item["video_id"] for item in items] == [str(bogota.id)]


def test_catalogue_pages(client, user, make_video):
    ids = [str(make_video(user).id) for _ in range(5)]

    pages = [client.get(f"/api/public/videos?page={n}&page_size=2").get_json() for n in (1, 2, 3, 4)]

    assert [[item["video_id"] for item in page] for page in pages] == [ids[4:2:-1], ids[2:0:-1], ids[:1], []]


@pytest.mark.parametrize("query", ["page=-1", "page_size=500", "page=1.5", "city="])
def test_catalogue_rejects_bad_parameters(client, query):
    response = client.get(f"/api/public/videos?{query}")

    assert response.status_code == 400
    assert response.get_json()["message"] == "Parámetro inválido en la consulta."


def test_one_public_video_and_404_for_unpublished_or_missing(client, user, make_video):
    published = make_video(user)
    pending = make_video(user, VideoStatus.PROCESSING)

    assert client.get(f"/api/public/videos/{published.id}").get_json()["video_id"] == str(published.id)
    for video_id in (pending.id, published.id + 100, "abc", "²", "9" * 40):
        response = client.get(f"/api/public/videos/{video_id}")
        assert response.status_code == 404
        assert response.get_json()["message"] == "Video no encontrado."


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["video_id"] for item in response.get_json()]


def test_catalogue_sorts_by_votes_or_recency(client, user, make_video, cast_votes):
    quiet, popular, middle = make_video(user), make_video(user), make_video(user)
    cast_votes(popular, 3)
    cast_votes(middle, 1)

    by_votes = ids(client.get("/api/public/videos", query_string={"sort": "votes"}))
    recent = ids(client.get("/api/public/videos", query_string={"sort": "recent"}))

    assert by_votes == [str(popular.id), str(middle.id), str(quiet.id)]
    assert recent == ids(client.get("/api/public/videos")) == [str(middle.id), str(popular.id), str(quiet.id)]


def test_catalogue_filters_by_player(client, make_user, make_video):
    ana, luis = make_user(), make_user()
    mine = make_video(ana)
    make_video(luis)

    assert ids(client.get("/api/public/videos", query_string={"player_id": str(ana.id)})) == [str(mine.id)]
    assert ids(client.get("/api/public/videos", query_string={"player_id": "987654"})) == []


def test_search_finds_words_in_titles_or_player_names_ignoring_case_and_accents(client, make_user,
                                                                              make_video):
    munoz = make_user(first_name="José", last_name="Muñoz")
    diaz = make_user(first_name="Ángela", last_name="Díaz")
    triple = make_video(diaz, title="Triple desde la esquina")
    clavada = make_video(munoz, title="Clavada en contraataque")
    reves = make_video(diaz, title="Clavada de revés")

    def search(text: str) -> list[str]:
        return ids(client.get("/api/public/videos", query_string={"q": text}))

    assert search("jose munoz") == [str(clavada.id)]
    assert search("ANGELA") == [str(reves.id), str(triple.id)]
    assert search("clavada") == [str(reves.id), str(clavada.id)]
    assert search("REVES clav") == [str(reves.id)]
    assert search("tripl") == [str(triple.id)]
    assert search("esquina muñoz") == []
    assert search("nadie") == []


@pytest.mark.parametrize("query", ["sort=oldest", "sort=", "player_id=abc", "player_id=-1", "q=", "q=%20",
                                   "q=de", "q=the%20la", "q=" + "x" * 201])
def test_catalogue_rejects_unknown_values(client, query):
    response = client.get(f"/api/public/videos?{query}")

    assert response.status_code == 400
    assert response.get_json()["message"] == "Parámetro inválido en la consulta."


def test_voted_by_me_marks_the_readers_votes_with_one_query_for_the_page(client, make_user, make_video):
    owner, reader = make_user(), make_user()
    videos = [make_video(owner) for _ in range(5)]
    for video in videos[1:3]:
        assert client.post(f"/api/public/videos/{video.id}/vote", headers=bearer(reader)).status_code == 200
    headers = bearer(reader)

    with counted_queries() as anonymous:
        assert "voted_by_me" not in client.get("/api/public/videos").get_json()[0]
    with counted_queries() as one_item:
        client.get("/api/public/videos?page_size=1", headers=headers)
    with counted_queries() as signed_in:
        items = client.get("/api/public/videos", headers=headers).get_json()

    marked = {item["video_id"]: item["voted_by_me"] for item in items}
    assert marked == {str(video.id): video in videos[1:3] for video in videos}
    # At most the reader's account (from the token) and one IN query for the whole page, whatever its size.
    assert len(signed_in) == len(one_item) <= len(anonymous) + 2
    for video, voted in ((videos[1], True), (videos[0], False)):
        detail = client.get(f"/api/public/videos/{video.id}", headers=headers).get_json()
        assert detail["voted_by_me"] is voted
