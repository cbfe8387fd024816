"""Class 11 and 9 (app side): limits fail closed without Redis; health reports Redis; a Redis password in
REDIS_URL is used by every Redis client (limits, cache, health); the cache holds JSON, never pickle."""

import os
import pickle
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from anb import create_app
from anb.extensions import cache
from config import TestingConfig
from tests.helpers import PASSWORD, bearer, free_port


class RedisDown(TestingConfig):
    RATELIMIT_ENABLED = True
    REDIS_URL = "redis://127.0.0.1:1/0"


def test_login_fails_closed_with_a_json_503_without_redis(user):
    app = create_app(RedisDown)
    with app.app_context():
        response = app.test_client().post("/api/auth/login", json={"email": user.email, "password": PASSWORD})

    assert response.status_code == 503
    assert response.get_json() == {"code": 503, "status": "Service Unavailable",
                                   "message": "El control de solicitudes no está disponible. "
                                              "Intenta de nuevo más tarde."}


def test_votes_fail_closed_too(user, make_user, make_video):
    video = make_video(make_user())
    app = create_app(RedisDown)
    with app.app_context():
        response = app.test_client().post(f"/api/public/videos/{video.id}/vote", headers=bearer(user))

    assert response.status_code == 503


def test_health_names_redis_when_it_is_down(_migrated_database):
    response = create_app(RedisDown).test_client().get("/api/health")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["database"], body["broker"], body["cache"]) == ("ok", "ok", "unavailable")
    assert "cache" in body["message"]


@pytest.fixture(scope="module")
def redis_with_password(tmp_path_factory):
    """A throwaway redis-server with a password, on a free port, stopped after the module."""
    folder: Path = tmp_path_factory.mktemp("redis")
    password, port = secrets.token_hex(16), free_port()
    server = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                               "--requirepass", password, "--save", "", "--appendonly", "no",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL)
    url = f"redis://:{password}@127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.RedisError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(10)


def test_every_redis_client_uses_the_password_in_redis_url(user, redis_with_password):
    class WithPassword(TestingConfig):
        RATELIMIT_ENABLED = True
        REDIS_URL = redis_with_password

    class WithoutPassword(WithPassword):
        REDIS_URL = redis_with_password.replace(redis_with_password.split("@")[0] + "@", "redis://")

    credentials = {"email": user.email, "password": PASSWORD}
    good = create_app(WithPassword)  # one at a time: flask-limiter keeps the storage of the last app made
    with good.app_context():
        assert good.test_client().get("/api/health").get_json()["cache"] == "ok"
        assert good.test_client().post("/api/auth/login", json=credentials).status_code == 200
        cache.set("probe", [1, "dos"])
        assert cache.get("probe") == [1, "dos"]
    bad = create_app(WithoutPassword)
    with bad.app_context():
        assert bad.test_client().get("/api/health").get_json()["cache"] == "unavailable"
        assert bad.test_client().post("/api/auth/login", json=credentials).status_code == 503


class Exploit:
    """Unpickling this writes a file: proof that a planted cache value ran code."""

    def __reduce__(self):
        return (os.system, (f"touch {os.environ['ANB_EXPLOIT_MARK']}",))


def test_the_cache_stores_json_and_never_unpickles(app, client, user, make_video, tmp_path, monkeypatch):
    make_video(user)
    cache.set("probe", {"votes": [1, 2]})
    first = client.get("/api/public/rankings")
    redis_client = redis.Redis.from_url(app.config["REDIS_URL"])
    keys = [key for key in redis_client.keys("anb:*") if b"prepared-lock" not in key]
    assert len(keys) >= 2 and all(redis_client.get(key)[:1] in (b"[", b"{") for key in keys)

    mark = tmp_path / "exploited"
    monkeypatch.setenv("ANB_EXPLOIT_MARK", str(mark))
    for key in keys:
        redis_client.set(key, b"!" + pickle.dumps(Exploit()))

    # A planted value is a miss for the cache's JSON serializer, and a prepared body is served as bytes:
    # neither is ever unpickled.
    assert cache.get("probe") is None
    assert client.get("/api/public/rankings").status_code == first.status_code == 200
    assert not mark.exists()
