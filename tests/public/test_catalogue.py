"""GET /api/public/videos and /api/public/videos/{id}: processed videos only, anyone may look."""

from __future__ import annotations

import pytest

from anb.models import VideoStatus


def test_catalogue_lists_processed_videos_with_player_and_votes(client, user, make_user, make_video):
    published = make_video(user)
    for status in (VideoStatus.UPLOADED, VideoStatus.PROCESSING, VideoStatus.FAILED):
        make_video(user, status)

    items = client.get("/api/public/videos").get_json()

    assert items == [{"video_id": str(published.id), "title": "Triple", "username": "Ana Pérez",
                      "city": "Bogotá", "processed_url": f"/media/processed/{published.id}.mp4", "votes": 0,
                      "processed_at": items[0]["processed_at"]}]


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
