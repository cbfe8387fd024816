"""What the database benchmarks (scripts/bench_ranking.py, bench_catalogue.py, bench_fraud.py) share.

Each runs in process on a bench database of its own, made and dropped as MariaDB's root (only names starting
with ``anb_bench``, so anb and anb_test* are never touched), with the app on it migrated as production is and
the cache on or off; the figures come from Latency, settle, machine and the captured SQL; progress goes to
stderr and every run ends the same way (--json, --keep).

A script imports it as ``benchkit`` (its folder is sys.path[0]). Importing it puts this checkout first on
sys.path, so a benchmark measures the ``anb`` beside it, not an installed copy elsewhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import json
import os
import platform
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from flask import Flask
from flask.testing import FlaskClient
from flask_caching.backends import NullCache
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from werkzeug.test import TestResponse

from anb import create_app
from anb.cli.seeding import Phase, SeedPlan, seed
from anb.extensions import db
from config import TestingConfig, mysql_url

#: The only databases this kit creates or drops: never anb, anb_test or an engineer's anb_test_*.
BENCH_NAME = re.compile(r"anb_bench[a-z0-9_]*")
#: MariaDB counts as quiet after a bulk load once it writes less than this per second, three seconds running.
QUIET_BYTES_PER_SECOND = 1 << 20
SETTLE_LIMIT_SECONDS = 180


def progress(message: str) -> None:
    """Progress goes to stderr, so stdout is only the report (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


def bench_database(name: str) -> str:
    """``name``, checked to be a bench database's (it is written into SQL, and dropped)."""
    if not BENCH_NAME.fullmatch(name):
        raise ValueError(f"not a bench database name (anb_bench...): {name!r}")
    return name


def server_sql(*statements: str) -> None:
    """Run ``statements`` on the server as MariaDB's root, outside any database (autocommit)."""
    engine = create_engine(mysql_url("root", "", ""), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def create_database(name: str, fresh: bool = True) -> None:
    """The bench database ``name``: dropped and made empty (``fresh``), or else kept if it exists."""
    name = bench_database(name)
    drop = [f"DROP DATABASE IF EXISTS `{name}`"] if fresh else []
    server_sql(*drop, f"CREATE DATABASE IF NOT EXISTS `{name}` "
                      "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")


def drop_database(name: str) -> None:
    """Remove the bench database ``name`` and its rows (up to 1.3M)."""
    server_sql(f"DROP DATABASE IF EXISTS `{bench_database(name)}`")


class NoCache(NullCache):
    """Nothing cached, prepared bodies (anb.cache.prepared_json) included: every request reaches MariaDB.

    flask-caching's NullCache lacks the calls anb.cache.JSONRedisCache adds, which the app makes.
    """

    def get_bytes(self, key: str) -> None:
        return None

    def set_bytes(self, key: str, value: bytes, seconds: float) -> None:
        return None

    def claim(self, key: str, seconds: float) -> bool:
        return True

    def point(self, alias: str, key: str, headers: dict[str, str], seconds: float) -> None:
        return None

    def follow(self, alias: str) -> None:
        return None

    def delete_matching(self, pattern: str) -> None:
        return None


class BenchConfig(TestingConfig):
    """The test settings as MariaDB's root on a bench database (made by bench_config), never rate limited."""

    BENCH_DATABASE = ""
    RATELIMIT_ENABLED = False
    LOG_LEVEL = "WARNING"


def bench_config(database: str, cache: bool = False) -> type[BenchConfig]:
    """BenchConfig on ``database``; without ``cache``, NoCache: the figures are MariaDB's cost, not Redis's.

    With ``cache`` the app keeps the test settings' Redis cache (TEST_REDIS_URL).
    """
    settings: dict[str, object] = {"BENCH_DATABASE": bench_database(database),
                                   "SQLALCHEMY_DATABASE_URI": mysql_url("root", "", database)}
    if not cache:
        settings["CACHE_TYPE"] = f"{NoCache.__module__}.{NoCache.__qualname__}"
    return type("BenchConfig", (BenchConfig,), settings)


def build_app(config: type[BenchConfig], reuse: bool = False) -> Flask:
    """The app on ``config``'s bench database, made fresh (with ``reuse``, the one a --keep run left) and
    migrated the way production is; ANB_ENV says testing, whatever the shell said."""
    os.environ["ANB_ENV"] = "testing"
    create_database(config.BENCH_DATABASE, fresh=not reuse)
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(app.config["MIGRATIONS_DIR"]))
    return app


def scaled(plan: SeedPlan, scale: float) -> SeedPlan:
    """``plan`` with its players, videos and votes multiplied by ``scale`` (--scale, for a quick run)."""
    return replace(plan, players=round(plan.players * scale), videos=round(plan.videos * scale),
                   votes=round(plan.votes * scale))


def seed_plan(app: Flask, plan: SeedPlan) -> list[Phase]:
    """Empty the tables and seed ``plan`` with ``flask seed ranking``'s functions, echoing each phase."""
    with app.app_context(), db.engine.connect() as connection:
        return seed(connection, plan, reset=True, echo=lambda line: progress(f"  {line}"))


def settle(app: Flask) -> float:
    """Wait for InnoDB to finish writing out the bulk load, so timings measure queries, not flushing."""
    started = time.perf_counter()
    quiet = 0
    with app.app_context(), db.engine.connect() as connection:
        written = _bytes_written(connection)
        while quiet < 3 and time.perf_counter() - started < SETTLE_LIMIT_SECONDS:
            time.sleep(1)
            previous, written = written, _bytes_written(connection)
            quiet = quiet + 1 if written - previous < QUIET_BYTES_PER_SECOND else 0
    return time.perf_counter() - started


def _bytes_written(connection) -> int:
    return int(connection.execute(text("SHOW GLOBAL STATUS LIKE 'Innodb_data_written'")).one()[1])


def machine(app: Flask) -> dict:
    """What the figures were measured on."""
    with app.app_context():
        version = db.session.execute(text("SELECT VERSION()")).scalar()
        pool = db.session.execute(text("SELECT @@innodb_buffer_pool_size")).scalar()
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "mariadb": version,
            "innodb_buffer_pool_mib": int(pool) // 2**20, "platform": platform.platform()}


@dataclass(frozen=True)
class Latency:
    """Milliseconds over many timed calls."""

    count: int
    p50: float
    p95: float
    mean: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        """Summarise per-call durations in seconds."""
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
        return cls(len(seconds), cuts[49] * 1000, cuts[94] * 1000, statistics.fmean(seconds) * 1000)

    @classmethod
    def measure(cls, call: Callable[[], object], count: int) -> Latency:
        """Time ``count`` calls of ``call``, one after the other."""
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        return cls.of(samples)


def warm(client: FlaskClient, url: str, count: int, headers: dict | None = None) -> TestResponse:
    """GET ``url`` ``count`` times, each answered 200, before timing it; the last response."""
    for _ in range(count):
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, response.get_data(as_text=True)
    return response


@contextmanager
def captured_sql() -> Iterator[list[tuple[str, object]]]:
    """The statements (and their parameters) the app's engine sends while the block runs (app context)."""
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def explain(call: Callable[[], object]) -> list[dict]:
    """EXPLAIN of the very SQL statement ``call`` sends last (caught as it goes to the driver)."""
    with captured_sql() as statements:
        call()
    statement, parameters = statements[-1]
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters).mappings()
    return [dict(row) for row in rows]


def run_bench(parser: argparse.ArgumentParser, database: str, run: Callable[[argparse.Namespace], dict],
              report: Callable[[dict], None]) -> dict:
    """Add --json and --keep to ``parser``, measure with ``run``, drop ``database`` unless --keep (even when
    ``run`` fails), then print the report or the JSON; the results, for the script's exit status."""
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of the report")
    parser.add_argument("--keep", action="store_true", help=f"keep the {database} database afterwards")
    args = parser.parse_args()
    try:
        results = run(args)
    finally:
        if not args.keep:
            drop_database(database)
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        report(results)
    return results


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options parser of a benchmark, its module docstring as the help text."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
