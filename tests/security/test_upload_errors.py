"""Class 2 (app side): an upload over the limit, a broken multipart envelope or an over-long title is a 400
with its own message, never a 413."""

import io

import pytest

from anb.errors import UPLOAD_INVALID_MESSAGE
from tests.helpers import upload


def test_a_body_over_the_upload_limit_is_the_contracts_400(app, client, auth_headers):
    app.config["MAX_UPLOAD_BYTES"] = 2 * 1024 * 1024
    body = io.BytesIO(b"\0" * (4 * 1024 * 1024))

    response = client.post("/api/videos/upload", headers=auth_headers, content_type="multipart/form-data",
                           data={"title": "Jugada", "video_file": (body, "clip.mp4", "video/mp4")})

    assert response.status_code == 400
    assert response.get_json()["message"] == (f"{UPLOAD_INVALID_MESSAGE} "
                                             "El archivo supera el tamaño máximo de 2 MB.")


def test_a_valid_upload_bigger_than_the_json_limit_is_accepted(app, client, auth_headers, clips, live_worker):
    app.config["MAX_CONTENT_LENGTH"] = clips["valid"].stat().st_size // 2

    assert upload(client, auth_headers, clips["valid"]).status_code == 201


@pytest.mark.parametrize(("content_type", "body", "message"), [
    ("multipart/form-data", b"--x\r\n", "La carga debe enviarse como multipart/form-data"),
    ("application/json", b'{"title": "x"}', "La carga debe enviarse como multipart/form-data"),
    ("multipart/form-data; boundary=xyz", b"garbage without any boundary" * 100,
     "El cuerpo multipart/form-data de la carga está mal formado."),
])
def test_a_broken_multipart_envelope_is_a_precise_400(client, auth_headers, content_type, body, message):
    response = client.post("/api/videos/upload", headers={**auth_headers, "Content-Type": content_type},
                           data=body)

    assert response.status_code == 400
    assert response.get_json()["message"].startswith(message)


def test_an_over_long_title_is_a_precise_400(client, auth_headers, clips):
    long = upload(client, auth_headers, clips["valid"], title="t" * 201)
    huge = upload(client, auth_headers, clips["valid"], title="t" * 600_000)

    assert long.status_code == 400
    assert long.get_json()["errors"]["title"] == ["Debe tener como máximo 200 caracteres."]
    assert huge.status_code == 400
    assert "title" in huge.get_json()["message"]
