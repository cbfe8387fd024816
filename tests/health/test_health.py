"""GET /api/health against the real services, and against unreachable ones."""

from anb import create_app
from config import TestingConfig, celery_settings, mysql_url


def test_health_is_ok_when_mariadb_and_rabbitmq_answer(client):
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok"}


class DatabaseDown(TestingConfig):
    SQLALCHEMY_DATABASE_URI = mysql_url("anb_test", "anb_test", "anb_test").replace(":3306/", ":1/")


class BrokerDown(TestingConfig):
    CELERY = celery_settings("amqp://guest:guest@127.0.0.1:1//", 60)


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
