"""scripts/benchkit.py, what the database benchmarks share: the cache left off for real, and only bench
databases ever named for creating or dropping."""

from __future__ import annotations

import json
import sys

import pytest
from werkzeug.test import Client

from anb import create_app
from anb.cache import JSONRedisCache, forget_prepared, prepared_json
from anb.extensions import cache
from anb.middleware import PreparedReads
from config import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import benchkit


def test_without_the_cache_every_prepared_body_is_built_again() -> None:
    """NoCache: a benchmark's every request reaches the database (flask-caching's NullCache fails here)."""
    app = create_app(benchkit.bench_config("anb_bench_kit"))
    builds: list[int] = []

    def build() -> dict:
        builds.append(1)
        return {"builds": len(builds)}

    with app.app_context():
        assert isinstance(cache.cache, benchkit.NoCache)
        bodies = [json.loads(prepared_json("kit:page", build, 60)) for _ in range(3)]
        forget_prepared("kit")
    assert bodies == [{"builds": 1}, {"builds": 2}, {"builds": 3}]


def test_without_the_cache_an_anonymous_public_read_reaches_flask() -> None:
    """NoCache answers the calls of the prepared-reads middleware and of an aliased body (nothing found,
    nothing kept), so a benchmark's anonymous catalogue page is built by the app every time."""
    app = create_app(benchkit.bench_config("anb_bench_kit"))
    served: list[str] = []

    def flask_app(environ: dict, start_response) -> list[bytes]:
        served.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [prepared_json("kit:videos", lambda: {"page": 1}, 60, alias=("kit:alias", {}))]

    reads = PreparedReads(flask_app, app.extensions["cache"][cache], {})
    with app.app_context():
        bodies = [Client(reads).get("/api/public/videos").get_data() for _ in range(2)]
    assert served == ["/api/public/videos"] * 2 and bodies == [b'{"page":1}\n'] * 2


def test_with_the_cache_the_test_settings_redis_cache_stays() -> None:
    """cache=True keeps the app's own backend (bench_fraud measures with it)."""
    config = benchkit.bench_config("anb_bench_kit", cache=True)
    with create_app(config).app_context():
        assert isinstance(cache.cache, JSONRedisCache)
    assert config.SQLALCHEMY_DATABASE_URI.split("?")[0].endswith("/anb_bench_kit")


@pytest.mark.parametrize("name", ["anb", "anb_test", "anb_test_benchkit", "anb_bench`; DROP DATABASE anb; --",
                                  "anb_bench-x", ""])
def test_only_bench_databases_are_created_or_dropped(name: str) -> None:
    """Refused before any connection: the kit runs as MariaDB's root."""
    for call in (benchkit.bench_config, benchkit.create_database, benchkit.drop_database):
        with pytest.raises(ValueError, match="not a bench database name"):
            call(name)
