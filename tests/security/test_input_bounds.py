"""Class 3 and 8: inputs that used to reach a 500 or cost real work are refused with a JSON 4xx."""

import subprocess

import pytest

from anb.media import probe
from tests.helpers import upload

SIGNUP = {"first_name": "Ana", "last_name": "Pérez", "email": "ana@example.com", "password1": "s3cret-pass",
          "password2": "s3cret-pass", "city": "Bogotá", "country": "Colombia"}
LONE_SURROGATE = '"\\ud800"'


def raw_json(client, method: str, path: str, text: str, headers: dict | None = None):
    return client.open(path, method=method, data=text.encode(), content_type="application/json",
                       headers=headers or {})


@pytest.mark.parametrize("field", ["first_name", "email", "password1", "city"])
def test_a_lone_surrogate_in_signup_is_a_json_400(client, field):
    body = ", ".join(f'"{name}": {LONE_SURROGATE if name == field else f'"{value}"'}'
                     for name, value in SIGNUP.items())

    response = raw_json(client, "POST", "/api/auth/signup", "{" + body + "}")

    assert response.status_code == 400
    assert "Unicode" in response.get_json()["message"]


def test_a_lone_surrogate_in_login_or_profile_is_a_json_400(client, auth_headers):
    login = raw_json(client, "POST", "/api/auth/login", '{"email": "ana@example.com", "password": '
                     + LONE_SURROGATE + "}")
    profile = raw_json(client, "PATCH", "/api/auth/me", '{"city": ' + LONE_SURROGATE + "}", auth_headers)

    assert (login.status_code, profile.status_code) == (400, 400)


def test_a_paired_surrogate_escape_is_an_ordinary_character(client, auth_headers):
    response = raw_json(client, "PATCH", "/api/auth/me", '{"city": "Bogot\\ud83d\\ude00"}', auth_headers)

    assert response.status_code == 200
    assert response.get_json()["city"] == "Bogot\U0001f600"


@pytest.mark.parametrize("depth", [50_000, 5_000])
def test_deeply_nested_json_is_a_json_400(client, depth):
    response = raw_json(client, "POST", "/api/auth/login", "[" * depth + "]" * depth)

    assert response.status_code == 400
    assert response.get_json()["code"] == 400


def test_an_email_longer_than_its_column_is_a_400(client):
    response = client.post("/api/auth/signup", json={**SIGNUP, "email": "a" * 64 + "@" + "b" * 250 + ".com"})

    assert response.status_code == 400
    assert response.get_json()["errors"]["email"] == ["Debe tener como máximo 254 caracteres."]


@pytest.mark.parametrize(("field", "limit"), [("first_name", 100), ("last_name", 100), ("city", 120),
                                              ("country", 120)])
def test_every_text_field_is_bounded_by_its_column(client, field, limit):
    response = client.post("/api/auth/signup", json={**SIGNUP, field: "x" * (limit + 1)})

    assert response.status_code == 400
    assert response.get_json()["errors"][field] == [f"Debe tener como máximo {limit} caracteres."]


@pytest.mark.parametrize("name", ["Ana\x00", "An\x1b[31ma", "Ana\nDROP", "A\x7fna"])
def test_control_characters_are_refused_in_names(client, auth_headers, name):
    signup = client.post("/api/auth/signup", json={**SIGNUP, "email": "new@example.com", "first_name": name})
    profile = client.patch("/api/auth/me", json={"last_name": name}, headers=auth_headers)

    assert signup.status_code == 400
    assert signup.get_json()["errors"]["first_name"] == ["No puede contener caracteres de control."]
    assert profile.status_code == 400


def test_a_huge_password_is_refused_before_it_is_hashed(client, user, monkeypatch):
    hashed = []
    monkeypatch.setattr("anb.security.PasswordHasher.verify", lambda *args: hashed.append(args))

    response = client.post("/api/auth/login", json={"email": user.email, "password": "x" * 200_000})

    assert response.status_code == 400
    assert "password" in response.get_json()["errors"]
    assert hashed == []


def test_a_json_body_over_the_small_limit_is_a_json_413(client):
    response = client.post("/api/auth/signup", json={**SIGNUP, "city": "x" * (2 * 1024 * 1024)})

    assert response.status_code == 413
    assert response.get_json() == {"code": 413, "status": "Content Too Large",
                                   "message": "El cuerpo de la solicitud es demasiado grande."}


@pytest.mark.parametrize("step", ["_ffprobe_json", "check_decodable_end"])
def test_a_media_check_that_times_out_is_a_400_not_a_500(app, client, auth_headers, clips, monkeypatch, step):
    """A probe that never finishes: a real ffmpeg/ffprobe on a real file, with a timeout it cannot meet."""
    real_run = subprocess.run
    tool = probe.FFPROBE if step == "_ffprobe_json" else probe.FFMPEG

    def slow_run(command, **kwargs):
        if command[0] == tool:
            kwargs["timeout"] = 0.0001
        return real_run(command, **kwargs)

    monkeypatch.setattr(probe.subprocess, "run", slow_run)

    response = upload(client, auth_headers, clips["valid"])

    assert response.status_code == 400
    assert response.get_json()["message"] == ("Error en el archivo (tipo o tamaño inválido). "
                                             "No se pudo leer el archivo de video a tiempo.")
