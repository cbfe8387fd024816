"""Class 13: Spanish messages everywhere, strict paging numbers, one spelling per id, 405 on /upload."""

import pytest

from anb.extensions import db
from anb.models import Vote
from tests.helpers import bearer

ENGLISH_MARKERS = ("Not a valid", "Field may not", "Missing data", "Invalid", "Unknown field", "Length must")


def messages(body: dict) -> list[str]:
    found = [body["message"]]
    for value in body.get("errors", {}).values():
        found.extend(value if isinstance(value, list) else [str(value)])
    return found


@pytest.mark.parametrize("wrong", [None, 12, [], {}, True])
@pytest.mark.parametrize(("path", "method", "fields"), [
    ("/api/auth/login", "POST", ("email", "password")),
    ("/api/auth/signup", "POST", ("first_name", "last_name", "email", "password1", "password2", "city",
                                  "country")),
    ("/api/auth/me", "PATCH", ("first_name", "last_name", "city", "country")),
])
def test_every_validation_message_is_spanish(client, auth_headers, path, method, fields, wrong):
    response = client.open(path, method=method, json=dict.fromkeys(fields, wrong), headers=auth_headers)

    assert response.status_code == 400
    texts = messages(response.get_json())
    assert len(texts) > 1
    assert not [text for text in texts if any(marker in text for marker in ENGLISH_MARKERS)], texts


@pytest.mark.parametrize("page", ["１", "1_000", " 1", "1 ", "+1", "٣", "1.0", "0x1"])
@pytest.mark.parametrize("path", ["/api/public/videos", "/api/public/rankings", "/api/videos"])
def test_page_numbers_are_plain_ascii_digits(client, auth_headers, path, page):
    response = client.get(path, query_string={"page": page}, headers=auth_headers)
    size = client.get(path, query_string={"page_size": page}, headers=auth_headers)

    assert (response.status_code, size.status_code) == (400, 400)
    assert response.get_json()["errors"]["page"] == ["Debe ser un número entero."]


def test_plain_page_numbers_still_work(client, auth_headers):
    assert client.get("/api/public/videos?page=2&page_size=5").status_code == 200


def test_an_id_with_a_leading_zero_names_no_video(client, user, make_user, make_video):
    video = make_video(user)
    voter = bearer(make_user())

    padded = f"0{video.id}"
    responses = [client.post(f"/api/public/videos/{padded}/vote", headers=voter),
                 client.get(f"/api/public/videos/{padded}"),
                 client.get(f"/api/videos/{padded}", headers=bearer(user))]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert db.session.execute(db.select(db.func.count(Vote.id))).scalar() == 0
    assert client.get(f"/api/public/videos/{video.id}").status_code == 200


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "PATCH"])
def test_other_methods_on_the_upload_url_are_405(client, auth_headers, method):
    response = client.open("/api/videos/upload", method=method, headers=auth_headers)

    assert response.status_code == 405
    assert response.get_json() == {"code": 405, "status": "Method Not Allowed",
                                   "message": "Método no permitido para este recurso."}
    assert response.headers["Allow"].split(", ").count("POST") == 1
