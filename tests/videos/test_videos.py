"""A player's own videos: list, detail, ownership, deletion rules and the protected original."""

from __future__ import annotations

from pathlib import Path

import pytest

from anb.extensions import db
from anb.models import Video, VideoStatus
from tests.helpers import bearer


def test_list_shows_only_own_videos_newest_first_with_paging(client, user, auth_headers, make_user,
                                                             make_video):
    mine = [make_video(user, VideoStatus.UPLOADED, title=f"v{n}") for n in range(3)]
    make_video(make_user())

    first = client.get("/api/videos?page=1&page_size=2", headers=auth_headers).get_json()
    second = client.get("/api/videos?page=2&page_size=2", headers=auth_headers).get_json()
    beyond = client.get("/api/videos?page=3&page_size=2", headers=auth_headers).get_json()

    assert [v["video_id"] for v in first + second] == [str(v.id) for v in reversed(mine)]
    assert beyond == []
    assert set(first[0]) == {"video_id", "title", "status", "uploaded_at", "processed_at", "processed_url",
                              "error"}


@pytest.mark.parametrize("query", ["page=0", "page_size=0", "page_size=101", "page=x"])
def test_list_rejects_bad_paging(client, auth_headers, query):
    response = client.get(f"/api/videos?{query}", headers=auth_headers)

    assert response.status_code == 400
    assert response.get_json()["message"] == "Parámetro inválido en la consulta."


def test_detail_of_a_processed_video(client, user, auth_headers, make_video):
    video = make_video(user)

    detail = client.get(f"/api/videos/{video.id}", headers=auth_headers).get_json()

    assert detail["status"] == "processed"
    assert detail["processed_url"] == f"/media/processed/{video.id}.mp4"
    assert detail["original_url"] == f"/api/videos/{video.id}/original"
    assert detail["votes"] == 0 and detail["processed_at"].endswith("+00:00")


def test_another_players_video_is_403_and_a_missing_one_404(client, auth_headers, make_user, make_video):
    other = make_video(make_user(), VideoStatus.UPLOADED)

    for method in (client.get, client.delete):
        assert method(f"/api/videos/{other.id}", headers=auth_headers).status_code == 403
        assert method(f"/api/videos/{other.id + 1000}", headers=auth_headers).status_code == 404
        assert method("/api/videos/not-an-id", headers=auth_headers).status_code == 404
    assert db.session.get(Video, other.id) is not None


@pytest.mark.parametrize("status", [VideoStatus.UPLOADED, VideoStatus.PROCESSING, VideoStatus.FAILED])
def test_delete_before_processing_ends_removes_row_and_files(app, client, user, auth_headers, make_video,
                                                             status):
    video = make_video(user, status)
    original = Path(app.config["MEDIA_ROOT"]) / video.original_key
    work = Path(app.config["MEDIA_ROOT"]) / "work" / str(video.id)
    work.mkdir(parents=True)
    (work / "trimmed.mp4").write_bytes(b"x")

    response = client.delete(f"/api/videos/{video.id}", headers=auth_headers)

    assert response.status_code == 200
    assert response.get_json() == {"message": "El video ha sido eliminado exitosamente.",
                                   "video_id": str(video.id)}
    assert db.session.get(Video, video.id) is None
    assert not original.exists() and not work.exists()


def test_a_processed_video_cannot_be_deleted(app, client, user, auth_headers, make_video):
    video = make_video(user)

    response = client.delete(f"/api/videos/{video.id}", headers=auth_headers)

    assert response.status_code == 400
    assert response.get_json()["message"] == ("El video no puede ser eliminado porque ya está habilitado "
                                              "para votación.")
    assert (Path(app.config["MEDIA_ROOT"]) / video.processed_key).exists()


def test_original_is_handed_to_nginx_only_for_its_owner(client, user, auth_headers, make_user, make_video):
    video = make_video(user)
    url = f"/api/videos/{video.id}/original"

    own = client.get(url, headers=auth_headers)
    other = client.get(url, headers=bearer(make_user()))

    assert own.status_code == 200
    assert own.headers["X-Accel-Redirect"] == f"/media/{video.original_key}"
    assert own.data == b""
    assert other.status_code == 403 and "X-Accel-Redirect" not in other.headers
    assert client.get(url).status_code == 401
