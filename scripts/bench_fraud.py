"""Benchmark fraud review and voiding at 1M votes, in process, on a database of its own.

Usage: .venv/bin/python scripts/bench_fraud.py [--scale F] [--repeat N] [--json] [--keep]

Drops and re-creates the database anb_bench_fraud (as MariaDB's root; anb, anb_test and anb_bench are never
touched), migrates it, seeds 100,000 players, 300,000 videos and 1,000,000 votes with ``flask seed ranking``'s
functions, plants a vote farm through the vote service (new accounts, one address, one user agent, voting
minutes after signing up), then:

- times each rule of ``flask votes suspicious`` (median of N runs) for windows of 24 h, 7 d and 30 d, and
  shows EXPLAIN of the SQL each rule sends;
- times them again for 24 h with ``ix_votes_created_at`` dropped (then puts it back), to show what it buys;
- times ``flask votes void --ip`` (dry run and real) on the farm's address and checks that every counter
  still equals a recount.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, func, insert, select, text, update  # noqa: E402

from anb import create_app  # noqa: E402
from anb.admin import fraud  # noqa: E402
from anb.admin.voids import VoteFilter, void_votes  # noqa: E402
from anb.cli.seeding import SeedPlan, seed  # noqa: E402
from anb.counters import counter_mismatches  # noqa: E402
from anb.extensions import db  # noqa: E402
from anb.models import User, Video, Vote, now_utc  # noqa: E402
from anb.public.votes import VoteOrigin, vote  # noqa: E402
from anb.security import hash_password  # noqa: E402
from config import TestingConfig, mysql_url  # noqa: E402

DATABASE = "anb_bench_fraud"
PLAN = SeedPlan(players=100_000, videos=300_000, votes=1_000_000)
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
FARM_ADDRESS = "203.0.113.66"
FARM_AGENT = "FarmBot/1.0"
FARM_ACCOUNTS = 40
FARM_VIDEOS = 5
INDEX = "ix_votes_created_at"


class BenchConfig(TestingConfig):
    """The test settings on anb_bench_fraud, as root, with production's fraud thresholds."""

    SQLALCHEMY_DATABASE_URI = mysql_url("root", "", DATABASE)
    RATELIMIT_ENABLED = False
    LOG_LEVEL = "WARNING"


def progress(message: str) -> None:
    """Progress goes to stderr, so stdout is only the report (or the JSON)."""
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _server() -> Iterator:
    engine = create_engine(mysql_url("root", "", ""), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def recreate_database() -> None:
    """A fresh, empty anb_bench_fraud."""
    with _server() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{DATABASE}`"))
        connection.execute(text(f"CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4 "
                                "COLLATE utf8mb4_unicode_ci"))


def drop_database() -> None:
    """Remove anb_bench_fraud and its 1.3M rows."""
    with _server() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{DATABASE}`"))


def build_app() -> Flask:
    """The app on anb_bench_fraud, migrated the way production is."""
    app = create_app(BenchConfig)
    with app.app_context():
        upgrade(directory=str(app.config["MIGRATIONS_DIR"]))
    return app


def plant_farm() -> int:
    """New accounts voting for a few videos from one address and one user agent, minutes after signing up,
    through the vote service (so the counters stay right); returns how many votes."""
    now = now_utc()
    first_id = (db.session.execute(select(func.max(User.id))).scalar() or 0) + 1
    password_hash = hash_password("farm-password-1")
    db.session.execute(insert(User), [
        {"id": first_id + n, "email": f"farm{n}@bench.example", "password_hash": password_hash,
         "first_name": "Granja", "last_name": f"N{n}", "city": "Cali", "country": "Colombia",
         "created_at": now - timedelta(minutes=30)} for n in range(FARM_ACCOUNTS)])
    db.session.commit()
    newest = select(Video.id).order_by(Video.id.desc()).limit(FARM_VIDEOS)
    targets = db.session.execute(newest).scalars().all()
    for n in range(FARM_ACCOUNTS):
        voter = db.session.get(User, first_id + n)
        for video_id in targets:
            vote(str(video_id), voter, VoteOrigin(FARM_ADDRESS, FARM_AGENT))
    db.session.execute(update(Vote).where(Vote.ip_address == FARM_ADDRESS)
                       .values(created_at=now - timedelta(minutes=25)))
    db.session.commit()
    return FARM_ACCOUNTS * len(targets)


@contextmanager
def captured_sql() -> Iterator[list[tuple[str, object]]]:
    """The statements (and parameters) sent while the block runs."""
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def explain(rule: Callable, since, limits) -> list[dict]:
    """EXPLAIN of the SQL ``rule`` sends."""
    with captured_sql() as statements:
        rule(since, limits)
    statement, parameters = statements[-1]
    result = db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters)
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


def time_rule(rule: Callable, since, limits, repeat: int) -> dict:
    """Median and worst seconds of ``repeat`` runs, and how many groups the rule found."""
    samples, found = [], 0
    for _ in range(repeat):
        db.session.rollback()
        started = time.perf_counter()
        found = len(rule(since, limits))
        samples.append(time.perf_counter() - started)
    return {"median_ms": statistics.median(samples) * 1000, "max_ms": max(samples) * 1000, "groups": found}


def time_windows(limits, repeat: int) -> dict:
    """Every rule at every window: votes in the window, then each rule's timing."""
    results = {}
    now = now_utc()
    for name, span in WINDOWS.items():
        since = now - span
        in_window = db.session.execute(select(func.count()).select_from(Vote).where(Vote.created_at >= since))
        results[name] = {"votes_in_window": in_window.scalar(),
                         "rules": {rule.__name__: time_rule(rule, since, limits, repeat)
                                   for rule in fraud.RULES}}
        progress(f"  window {name}: {results[name]['votes_in_window']:,} votes; "
                 + ", ".join(f"{rule} {timing['median_ms']:.0f} ms"
                             for rule, timing in results[name]["rules"].items()))
    return results


def without_index(limits, repeat: int) -> dict:
    """The 24 h window with ix_votes_created_at dropped (then re-created)."""
    since = now_utc() - WINDOWS["24h"]
    db.session.execute(text(f"ALTER TABLE votes DROP INDEX {INDEX}"))
    try:
        return {rule.__name__: time_rule(rule, since, limits, max(1, repeat // 2)) for rule in fraud.RULES}
    finally:
        db.session.execute(text(f"CREATE INDEX {INDEX} ON votes (created_at)"))


def time_void(repeat: int) -> dict:
    """The farm's address voided: a dry run (median of N), then for real; then the recount."""
    which = VoteFilter(ip_address=FARM_ADDRESS)
    dry = []
    for _ in range(repeat):
        started = time.perf_counter()
        counted = void_votes(which, "bench", "bench", dry_run=True)
        dry.append(time.perf_counter() - started)
    started = time.perf_counter()
    result = void_votes(which, "bench", "bench")
    real = time.perf_counter() - started
    started = time.perf_counter()
    mismatches = counter_mismatches(db.session.connection())
    recount = time.perf_counter() - started
    return {"votes": result.votes, "dry_run_votes": counted.votes,
            "dry_run_ms": statistics.median(dry) * 1000, "void_ms": real * 1000, "recount_s": recount,
            "mismatches": len(mismatches)}


def machine() -> dict:
    """What the figures were measured on."""
    version = db.session.execute(text("SELECT VERSION()")).scalar()
    return {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version(),
            "mariadb": version, "platform": platform.platform()}


def run(args: argparse.Namespace) -> dict:
    """Seed, plant, measure."""
    plan = replace(PLAN, players=int(PLAN.players * args.scale), videos=int(PLAN.videos * args.scale),
                   votes=int(PLAN.votes * args.scale))
    recreate_database()
    app = build_app()
    with app.app_context():
        progress(f"seeding {plan.players:,} players, {plan.videos:,} videos, {plan.votes:,} votes")
        with db.engine.connect() as connection:
            seed(connection, plan, echo=lambda line: progress(f"  {line}"))
        planted = plant_farm()
        progress(f"planted {planted} farm votes; timing the rules")
        limits = fraud.Thresholds.from_config(app.config)
        results = {"machine": machine(), "plan": plan.__dict__, "planted_votes": planted,
                   "thresholds": limits.__dict__, "windows": time_windows(limits, args.repeat)}
        results["explain_24h"] = {rule.__name__: explain(rule, now_utc() - WINDOWS["24h"], limits)
                                  for rule in fraud.RULES}
        progress("timing the 24 h window without the index")
        results["without_index_24h"] = without_index(limits, args.repeat)
        progress("voiding the farm")
        results["void"] = time_void(args.repeat)
    return results


def report(results: dict) -> None:
    """The readable report."""
    plan = results["plan"]
    print(f"{plan['players']:,} players, {plan['videos']:,} videos, {plan['votes']:,} seeded votes "
          f"+ {results['planted_votes']} farm votes; {results['machine']}")
    print("\n" + f"{'rule':30}" + "".join(f"{name:>25}" for name in WINDOWS) + f"{'24h, no index':>25}")
    print(" " * 30 + "".join(f"{results['windows'][name]['votes_in_window']:>19,} votes" for name in WINDOWS))
    for rule in (rule.__name__ for rule in fraud.RULES):
        cells = [results["windows"][name]["rules"][rule] for name in WINDOWS]
        cells.append(results["without_index_24h"][rule])
        print(f"{rule:30}" + "".join(f"{cell['median_ms']:>10.0f} ms ({cell['groups']:>4} groups)"
                                     for cell in cells))
    print("\nEXPLAIN (24 h window):")
    for rule, rows in results["explain_24h"].items():
        print(f"  {rule}:")
        for row in rows:
            print(f"    {row.get('table')}: type={row.get('type')} key={row.get('key')} "
                  f"rows={row.get('rows')} {row.get('Extra') or ''}")
    void = results["void"]
    print(f"\nvoid --ip {FARM_ADDRESS}: {void['votes']} votes; dry run {void['dry_run_ms']:.0f} ms, "
          f"void {void['void_ms']:.0f} ms; recount {void['recount_s']:.1f} s, "
          f"{void['mismatches']} mismatches")


def main() -> None:
    """Parse the options, measure, report, and drop anb_bench_fraud unless asked to keep it."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the seeded volumes (0.01 for a quick run)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per rule and window")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of the report")
    parser.add_argument("--keep", action="store_true", help=f"keep the {DATABASE} database afterwards")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    try:
        results = run(args)
    finally:
        if not args.keep:
            drop_database()
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        report(results)
    if results["void"]["mismatches"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
