"""GET /api/health (readiness) and /api/health/live (liveness), against real and unreachable services."""

from anb import create_app
from anb.health import service
from config import TestingConfig
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


class RedisDown(TestingConfig):
    """The testing config with Redis on a port where nothing listens."""

    REDIS_URL = "redis://127.0.0.1:1/0"


class EverythingDown(DatabaseDown, BrokerDown, RedisDown):
    """MariaDB, RabbitMQ and Redis all unreachable."""


def test_health_names_redis_when_it_is_down(_migrated_database):
    response = create_app(RedisDown).test_client().get("/api/health")

    assert response.status_code == 503
    assert response.get_json()["cache"] == "unavailable"
    assert "cache" in response.get_json()["message"]


def test_liveness_answers_with_the_contract_body(client):
    response = client.get("/api/health/live")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_liveness_touches_no_other_service(_migrated_database):
    response = create_app(EverythingDown).test_client().get("/api/health/live")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def _counting_broker_checks(monkeypatch) -> list[bool]:
    """Record every real broker check readiness makes."""
    calls: list[bool] = []

    def counted() -> bool:
        calls.append(real())
        return calls[-1]

    real = service.broker_ok
    monkeypatch.setattr(service, "broker_ok", counted)
    return calls


def test_readiness_reuses_its_checks_within_the_configured_seconds(app, monkeypatch):
    app.config["HEALTH_CACHE_SECONDS"] = 60
    calls = _counting_broker_checks(monkeypatch)
    client = app.test_client()

    answers = [client.get("/api/health") for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200] * 5
    assert calls == [True]


def test_readiness_checks_again_once_its_result_is_older_than_allowed(app, monkeypatch):
    app.config["HEALTH_CACHE_SECONDS"] = 0
    calls = _counting_broker_checks(monkeypatch)
    client = app.test_client()

    for _ in range(3):
        assert client.get("/api/health").status_code == 200

    assert calls == [True, True, True]
