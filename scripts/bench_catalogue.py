"""Benchmark catalogue search, sort and "voted_by_me" at 300k videos, in process on a database of its own.

Usage: .venv/bin/python scripts/bench_catalogue.py [--requests N] [--scale F] [--json] [--keep] [--reuse]
                                                  [--migration]

Drops and re-creates the database anb_bench_catalogue (as MariaDB's root, never touching anb, anb_test or
bench_ranking's anb_bench), migrates it, seeds 100,000 players, 300,000 processed videos and 1,000,000 votes
with ``flask seed ranking``'s functions (which also fill the search index), then times each catalogue
request through the Flask test client: the plain page (the baseline), searches from rare to very common
words, a partial word, two common words never together, searches by votes and in a city, the sort by votes,
a player's videos and page, and the plain page with a token (``voted_by_me``), counting the SQL statements
each sends. The cases are timed in rounds, one request of each per round, so that a busy moment of the
machine falls on every case alike instead of on whichever ran then. Target: every search's p95 within 2x of
the plain page's p95; the signed-in page at most one query more than the anonymous one, besides loading the
token's account. ``--reuse`` skips re-seeding a database kept by --keep. ``--migration`` first times the
search index's last migration on the seeded videos: down to 0008 (words only), up again (pairs back-filled),
and a check against a rebuild.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import asdict, dataclass

from benchkit import (
    Latency,
    bench_config,
    bench_parser,
    build_app,
    captured_sql,
    machine,
    progress,
    run_bench,
    scaled,
    seed_plan,
    settle,
    warm,
)
from flask import Flask
from flask_jwt_extended import create_access_token
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from anb.cli.seeding import SeedPlan
from anb.extensions import db
from anb.models import SearchTerm, User, Video, Vote
from anb.search import drift

DATABASE = "anb_bench_catalogue"
PLAN = SeedPlan(players=100_000, videos=300_000, votes=1_000_000)
WARM_UP = 30
TARGET_RATIO = 2.0
#: What a fan types, from a full name down to a word in a sixth of all titles (seeded titles repeat a lot),
#: then a partial word (the words it begins are merged), and two common words never found together.
SEARCHES = (
    ("search: full name", "Santiago García"),
    ("search: surname", "Quintero"),
    ("search: first name", "Yeison"),
    ("search: two title words", "asistencia mirar"),
    ("search: common title word", "clavada"),
    ("search: partial word", "San"),
    ("search: two words never together", "crossover reverso"),
)
#: The same kind of searches sorted by votes, and one within a city.
OTHER_SEARCHES = (
    ("search by votes: full name", "sort=votes&q=Santiago García"),
    ("search by votes: first name", "sort=votes&q=Yeison"),
    ("search by votes: common title word", "sort=votes&q=clavada"),
    ("search in a city: common title word", "city=Cali&q=clavada"),
)
#: Without the cache: every request reaches MariaDB.
CONFIG = bench_config(DATABASE)


@dataclass(frozen=True)
class Case:
    """One catalogue request, anonymous or with the bench voter's token."""

    name: str
    url: str
    signed_in: bool = False
    search: bool = False


def cases(app: Flask) -> tuple[list[Case], str]:
    """The requests to time, and the token of the seeded account that voted most."""
    with app.app_context():
        voter_id = db.session.execute(select(Vote.voter_id).group_by(Vote.voter_id)
                                      .order_by(func.count().desc()).limit(1)).scalar_one()
        token = create_access_token(identity=db.session.get(User, voter_id))
        player_id = db.session.execute(select(Video.owner_id).group_by(Video.owner_id)
                                       .order_by(func.count().desc()).limit(1)).scalar_one()
    base = "/api/public/videos?page_size=20"
    found = [Case("plain page 1", base), Case("plain page 1, signed in (voted_by_me)", base, signed_in=True)]
    found += [Case(name, f"{base}&q={words}", search=True) for name, words in SEARCHES]
    found += [Case(name, f"{base}&{query}", search=True) for name, query in OTHER_SEARCHES]
    found += [Case("search: full name, signed in", f"{base}&q=Santiago García", signed_in=True, search=True),
              Case("sort by votes page 1", f"{base}&sort=votes"),
              Case("one player's videos", f"{base}&player_id={player_id}"),
              Case("player page", f"/api/public/players/{player_id}")]
    return found, token


def time_cases(app: Flask, found: list[Case], token: str, requests: int) -> dict[str, dict]:
    """Per case: latency of the request through the whole app (``requests`` rounds of every case, one
    request each), its result size, and the SQL it sends."""
    client = app.test_client()
    headers = {case.name: {"Authorization": f"Bearer {token}"} if case.signed_in else {} for case in found}
    measured = {}
    for case in found:
        body = warm(client, case.url, WARM_UP, headers[case.name]).get_json()
        with app.app_context(), captured_sql() as statements:
            client.get(case.url, headers=headers[case.name])
        items = len(body["videos"]) if isinstance(body, dict) else len(body)
        measured[case.name] = {"items": items, "queries": len(statements), "url": case.url,
                               "search": case.search, "signed_in": case.signed_in}
    samples: dict[str, list[float]] = {case.name: [] for case in found}
    for _ in range(requests):
        for case in found:
            started = time.perf_counter()
            client.get(case.url, headers=headers[case.name])
            samples[case.name].append(time.perf_counter() - started)
    return {name: {"latency": asdict(Latency.of(samples[name])), **case} for name, case in measured.items()}


def time_migration(app: Flask) -> dict:
    """Seconds to take the index down to migration 0008 and up again (the pairs back-filled), its rows at
    each end, and a check of the result against a rebuild."""
    directory = str(app.config["MIGRATIONS_DIR"])

    def rows() -> int:
        count = db.session.execute(select(func.count()).select_from(SearchTerm)).scalar_one()
        db.session.rollback()
        return count

    with app.app_context():
        started = time.perf_counter()
        downgrade(directory=directory, revision="0008_search_terms")
        down, words_only = time.perf_counter() - started, rows()
        started = time.perf_counter()
        upgrade(directory=directory)
        up, with_pairs = time.perf_counter() - started, rows()
        started = time.perf_counter()
        with db.engine.connect() as connection:
            found = drift(connection)
        return {"downgrade_seconds": down, "rows_at_0008": words_only, "upgrade_seconds": up,
                "rows_at_head": with_pairs, "check_seconds": time.perf_counter() - started,
                "missing": found.missing, "extra": found.extra}


def run(args: argparse.Namespace) -> dict:
    """Seed (unless reusing), time every case, and compare with the plain page."""
    app = build_app(CONFIG, reuse=args.reuse)
    plan = scaled(PLAN, args.scale)
    seeding = []
    if not args.reuse:
        progress(f"seeding {plan.players:,} players, {plan.videos:,} videos, {plan.votes:,} votes")
        seeding = [asdict(phase) for phase in seed_plan(app, plan)]
    migration = None
    if args.migration:
        progress("timing migration 0009 down and up")
        migration = time_migration(app)
    progress(f"MariaDB quiet after {settle(app):.0f} s")
    found, token = cases(app)
    results = {"machine": machine(app), "plan": asdict(plan), "seeding": seeding, "requests": args.requests,
               "migration": migration, "load_average_before": os.getloadavg()}
    progress(f"timing {args.requests:,} rounds of {len(found)} cases")
    results["cases"] = time_cases(app, found, token, args.requests)
    results["load_average_after"] = os.getloadavg()
    return results


def verdicts(results: dict) -> list[str]:
    """The two targets, checked."""
    cases_ = results["cases"]
    plain = cases_["plain page 1"]
    lines = []
    for name, case in cases_.items():
        if case["search"] and not case["signed_in"]:
            ratio = case["latency"]["p95"] / plain["latency"]["p95"]
            lines.append(f"{name}: p95 {ratio:.2f}x the plain page "
                         f"({'within' if ratio <= TARGET_RATIO else 'OVER'} {TARGET_RATIO:g}x)")
    extra = cases_["plain page 1, signed in (voted_by_me)"]["queries"] - plain["queries"]
    lines.append(f"voted_by_me: {extra} more SQL statements than anonymous (the token's account + one IN "
                 f"query for the page = 2 allowed): {'ok' if extra <= 2 else 'TOO MANY'}")
    return lines


def report(results: dict) -> None:
    """The human-readable report."""
    info = results["machine"]
    print(f"Machine: {info['cpus']} CPUs, Python {info['python']}, MariaDB {info['mariadb']} "
          f"(buffer pool {info['innodb_buffer_pool_mib']} MiB); load average before "
          f"{results['load_average_before'][0]:.2f}, after {results['load_average_after'][0]:.2f}")
    plan = results["plan"]
    seeded = sum(phase["seconds"] for phase in results["seeding"])
    print(f"{plan['players']:,} players, {plan['videos']:,} videos, {plan['votes']:,} votes"
          + (f" (seeded in {seeded:.0f} s)" if results["seeding"] else " (kept database)"))
    if timed := results["migration"]:
        print(f"Migration: down to 0008 in {timed['downgrade_seconds']:.0f} s "
              f"({timed['rows_at_0008']:,} rows), up to head in {timed['upgrade_seconds']:.0f} s "
              f"({timed['rows_at_head']:,} rows); check in {timed['check_seconds']:.0f} s: "
              f"{timed['missing']:,} missing, {timed['extra']:,} extra")
    print(f"\n{results['requests']:,} requests per case through the app, cache off (ms)")
    print("| case | p50 | p95 | mean | p95 / plain | items | SQL statements |")
    print("|---|---|---|---|---|---|---|")
    plain = results["cases"]["plain page 1"]["latency"]["p95"]
    for name, case in results["cases"].items():
        latency = case["latency"]
        print(f"| {name} | {latency['p50']:.2f} | {latency['p95']:.2f} | {latency['mean']:.2f} | "
              f"{latency['p95'] / plain:.2f}x | {case['items']} | {case['queries']} |")
    print()
    for line in verdicts(results):
        print(line)


def main() -> None:
    """Parse the options, measure, report, and drop the bench database unless asked to keep it."""
    parser = bench_parser(__doc__)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per case")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the volumes (0.1 for a quick run)")
    parser.add_argument("--reuse", action="store_true", help="time a kept database, without seeding")
    parser.add_argument("--migration", action="store_true", help="time the search index's last migration too")
    run_bench(parser, DATABASE, run, report)


if __name__ == "__main__":
    main()
