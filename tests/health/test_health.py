"""GET /api/health against the real services, and against unreachable ones."""

from anb import create_app
from tests.helpers import BrokerDown, DatabaseDown


def test_health_is_ok_when_mariadb_and_rabbitmq_answer(client):
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}


def test_health_names_the_database_when_it_is_down(_migrated_database):
    response = create_app(DatabaseDown).test_client().get("/api/health")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["database"], body["broker"]) == ("unavailable", "ok")
    assert "database" in body["message"]


def test_health_names_the_broker_when_it_is_down(_migrated_database):
    response = create_app(BrokerDown).test_client().get("/api/health")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["database"], body["broker"]) == ("ok", "unavailable")
    assert "broker" in body["message"]
