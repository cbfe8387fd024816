"""The one error format, for faults outside any single resource."""

from anb import create_app
from tests.helpers import DatabaseDown


def test_unknown_route_is_json_404(client):
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "status": "Not Found", "message": "Recurso no encontrado."}


def test_wrong_method_is_json_405(client):
    response = client.put("/api/auth/login")

    assert response.status_code == 405
    assert response.get_json()["status"] == "Method Not Allowed"


def test_unhandled_fault_is_json_500_without_traceback(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/boom")

    assert response.status_code == 500
    assert response.get_json() == {"code": 500, "status": "Internal Server Error",
                                   "message": "Error interno del servidor."}


def test_openapi_and_swagger_ui_are_served(client):
    spec = client.get("/api/openapi.json")

    assert spec.status_code == 200
    assert "/api/auth/signup" in spec.get_json()["paths"]
    assert client.get("/api/docs").status_code == 200


def test_database_down_during_a_request_is_json_503(_migrated_database):
    response = create_app(DatabaseDown).test_client().post(
        "/api/auth/login", json={"email": "ana@example.com", "password": "whatever-pass"})

    assert response.status_code == 503
    assert response.get_json()["message"].startswith("La base de datos no está disponible")
