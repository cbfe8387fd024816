"""Benchmark the ranking at 1k and at 1M votes, and the vote write rate, in process on its own database.

Usage: .venv/bin/python scripts/bench_ranking.py [--requests N] [--write-votes N] [--threads N] [--scale F]
                                                 [--json] [--keep]

Drops and re-creates the database anb_bench (as MariaDB's root, never touching anb or anb_test), migrates it,
seeds size A (2,000 players, 3,000 videos, 1,000 votes) with ``flask seed ranking``'s functions and times
ranking requests through the Flask test client with the cache off (every request reaches MariaDB); then the
same at size B (100,000 players, 300,000 videos, 1,000,000 votes), shows EXPLAIN of the ranking queries,
measures votes/s single-threaded and with N threads, and checks that the counters equal a recount.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from benchkit import (
    Latency,
    bench_config,
    bench_parser,
    build_app,
    explain,
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
from sqlalchemy import func, select

from anb.cli.seeding import SEED_PASSWORD, SeedPlan, insert_users
from anb.counters import counter_mismatches, table_counts
from anb.extensions import db
from anb.models import User, Video
from anb.public.ranking import ranking
from anb.security import hash_password

DATABASE = "anb_bench"
#: Size A has 2,000 accounts so that about 1,500 players have a video: page 50 (rows 981-1000) is not empty.
SIZES = {"A": SeedPlan(players=2_000, videos=3_000, votes=1_000),
         "B": SeedPlan(players=100_000, videos=300_000, votes=1_000_000)}
PAGE_SIZE = 20
WARM_UP = 50
#: The ratio of size B's latency to size A's that the ranking must stay under.
TARGET_RATIO = 1.2
VOTES_PER_VOTER = 10
#: Without the cache: every ranking request reaches MariaDB.
CONFIG = bench_config(DATABASE)


@dataclass(frozen=True)
class RankingCase:
    """One ranking request: a page, optionally of one city."""

    name: str
    page: int
    city: str | None = None

    @property
    def url(self) -> str:
        """The request the test client sends."""
        city = f"&city={self.city}" if self.city else ""
        return f"/api/public/rankings?page={self.page}&page_size={PAGE_SIZE}{city}"

    @property
    def offset(self) -> int:
        """The rows skipped before the page."""
        return (self.page - 1) * PAGE_SIZE


CASES = (RankingCase("global page 1", 1), RankingCase("city page 1", 1, "bogota"),
         RankingCase("global page 50", 50))


@dataclass(frozen=True)
class WriteRun:
    """Votes posted through the app by ``threads`` threads."""

    threads: int
    votes: int
    failures: int
    seconds: float
    latency: Latency

    @property
    def per_second(self) -> float:
        """Accepted votes per second of wall time."""
        return (self.votes - self.failures) / self.seconds


def time_requests(app: Flask, case: RankingCase, requests: int) -> tuple[Latency, int]:
    """Latency of the ranking request through the whole app, and how many rows a page has."""
    client = app.test_client()
    response = warm(client, case.url, WARM_UP)
    return Latency.measure(lambda: client.get(case.url), requests), len(response.get_json())


def time_queries(app: Flask, case: RankingCase, requests: int) -> Latency:
    """Latency of the ranking query alone (the ranking function, no HTTP), one transaction each."""
    def query() -> None:
        ranking(case.offset, PAGE_SIZE, case.city, None)
        db.session.rollback()

    with app.app_context():
        for _ in range(WARM_UP):
            query()
        return Latency.measure(query, requests)


def explain_case(app: Flask, case: RankingCase) -> list[dict]:
    """EXPLAIN of the very SQL the ranking sends for ``case``."""
    with app.app_context():
        return explain(lambda: ranking(case.offset, PAGE_SIZE, case.city, None))


def uses_ranking_index(plan: list[dict]) -> bool:
    """The page's ids come from a ranking index alone, in index order; only the page itself may be sorted."""
    scans = [row for row in plan if (row["key"] or "").startswith(("ix_users_rank_", "ix_users_city_rank_"))]
    covered = len(scans) == 1 and "Using index" in (scans[0]["Extra"] or "") \
        and "filesort" not in (scans[0]["Extra"] or "")
    sorts_only_the_page = all(row["table"].startswith("<derived") for row in plan
                              if "filesort" in (row["Extra"] or ""))
    return covered and sorts_only_the_page


def vote_jobs(app: Flask, voters: int, rng: random.Random) -> list[tuple[str, int]]:
    """(token, video id) pairs no vote exists for: new accounts, each voting for distinct seeded videos."""
    with app.app_context(), db.engine.connect() as connection:
        first, last = connection.execute(select(func.min(Video.id), func.max(Video.id))).one()
        plan = SeedPlan(players=voters, videos=0, votes=0, jury_share=0, seed=rng.randrange(1 << 30))
        seeded = insert_users(connection, plan, rng, hash_password(SEED_PASSWORD))
        users = db.session.execute(select(User).where(User.id.in_(seeded.ids))).scalars()
        tokens = [create_access_token(identity=user) for user in users]
    return [(token, video_id) for token in tokens
            for video_id in rng.sample(range(first, last + 1), VOTES_PER_VOTER)]


def time_votes(app: Flask, jobs: list[tuple[str, int]], threads: int) -> WriteRun:
    """POST every job's vote, spread over ``threads`` threads with a test client each."""
    chunks = [jobs[index::threads] for index in range(threads)]
    lock = threading.Lock()
    samples: list[float] = []
    failures: list[int] = []

    def post_all(chunk: list[tuple[str, int]]) -> None:
        client = app.test_client()
        for token, video_id in chunk:
            started = time.perf_counter()
            response = client.post(f"/api/public/videos/{video_id}/vote",
                                   headers={"Authorization": f"Bearer {token}"})
            with lock:
                samples.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(response.status_code)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(post_all, chunks))
    return WriteRun(threads, len(jobs), len(failures), time.perf_counter() - started, Latency.of(samples))


def measure_size(app: Flask, name: str, plan: SeedPlan, requests: int) -> dict:
    """Seed one size and time every ranking case at it."""
    progress(f"size {name}: seeding {plan.players:,} players, {plan.videos:,} videos, {plan.votes:,} votes")
    phases = seed_plan(app, plan)
    settled = settle(app)
    progress(f"size {name}: MariaDB quiet after {settled:.0f} s")
    result = {"plan": asdict(plan), "seeding": [asdict(phase) for phase in phases], "settle_seconds": settled,
              "cases": {}}
    for case in CASES:
        progress(f"size {name}: timing {requests:,} x {case.name}")
        http, rows = time_requests(app, case, requests)
        query = time_queries(app, case, requests)
        result["cases"][case.name] = {"http": asdict(http), "query": asdict(query), "rows": rows}
    return result


def measure_writes(app: Flask, votes: int, threads: int, rng: random.Random) -> list[WriteRun]:
    """Votes/s single-threaded, then with ``threads`` threads, each run on fresh voter/video pairs."""
    runs = []
    for count in (1, threads):
        jobs = vote_jobs(app, max(1, votes // VOTES_PER_VOTER), rng)
        progress(f"writes: {len(jobs):,} votes with {count} thread(s)")
        runs.append(time_votes(app, jobs, count))
    return runs


def ratios(sizes: dict) -> dict:
    """Size B over size A for p50 and p95, per case and per layer."""
    return {case.name: {layer: {stat: sizes["B"]["cases"][case.name][layer][stat]
                                / sizes["A"]["cases"][case.name][layer][stat] for stat in ("p50", "p95")}
                        for layer in ("http", "query")}
            for case in CASES}


def run(args: argparse.Namespace) -> dict:
    """Every measurement, as one JSON-ready dict."""
    rng = random.Random(7)
    progress(f"creating database {DATABASE}")
    app = build_app(CONFIG)
    sizes = {"A": SIZES["A"], "B": scaled(SIZES["B"], args.scale)}
    results = {"machine": machine(app), "requests": args.requests, "page_size": PAGE_SIZE,
               "sizes": {name: measure_size(app, name, plan, args.requests) for name, plan in sizes.items()}}
    results["ratios"] = ratios(results["sizes"])
    results["explain"] = {case.name: explain_case(app, case) for case in CASES}
    writes = measure_writes(app, args.write_votes, args.threads, rng)
    results["writes"] = [{**asdict(write), "per_second": write.per_second} for write in writes]
    with app.app_context(), db.engine.connect() as connection:
        progress("verifying the counters against a recount")
        results["mismatches"] = [asdict(mismatch) for mismatch in counter_mismatches(connection)]
        results["final_rows"] = table_counts(connection)
    return results


def report(results: dict, out: Callable[[str], None] = print) -> None:
    """The human-readable report: seeding, ranking latencies and ratios, EXPLAIN, writes, recount."""
    info = results["machine"]
    out(f"Machine: {info['cpus']} CPUs, Python {info['python']}, MariaDB {info['mariadb']} "
        f"(buffer pool {info['innodb_buffer_pool_mib']} MiB), {info['platform']}")
    for name, size in results["sizes"].items():
        plan = size["plan"]
        seeding = ", ".join(f"{phase['name']} {phase['seconds']:.1f} s" for phase in size["seeding"])
        total = sum(phase["seconds"] for phase in size["seeding"])
        out(f"\nSize {name}: {plan['players']:,} players, {plan['videos']:,} videos, {plan['votes']:,} votes "
            f"- seeded in {total:.1f} s ({seeding}); MariaDB quiet {size['settle_seconds']:.0f} s later")
    out(f"\nRanking, {results['requests']:,} requests per case, page_size {results['page_size']}, cache off "
        "(ms; http = whole request through the app, query = ranking alone)")
    out("| case | layer | A p50 | A p95 | A mean | B p50 | B p95 | B mean | B/A p50 | B/A p95 |")
    out("|---|---|---|---|---|---|---|---|---|---|")
    for case in CASES:
        for layer in ("http", "query"):
            a, b = (results["sizes"][size]["cases"][case.name][layer] for size in ("A", "B"))
            ratio = results["ratios"][case.name][layer]
            out(f"| {case.name} | {layer} | {a['p50']:.2f} | {a['p95']:.2f} | {a['mean']:.2f} | "
                f"{b['p50']:.2f} | {b['p95']:.2f} | {b['mean']:.2f} | {_ratio(ratio['p50'])} | "
                f"{_ratio(ratio['p95'])} |")
    out("\nEXPLAIN at size B")
    for name, plan in results["explain"].items():
        verdict = ("ids from the covering ranking index, only the page sorted" if uses_ranking_index(plan)
                   else "NOT the ranking index")
        out(f"{name}: {verdict}")
        for row in plan:
            out("  " + " ".join(f"{key}={value}" for key, value in row.items()))
    out("\nVotes through the app (POST /api/public/videos/{id}/vote with a JWT, fresh voter/video pairs)")
    for write in results["writes"]:
        latency = write["latency"]
        out(f"{write['threads']:>2} thread(s): {write['votes']:,} votes, {write['failures']} failed, "
            f"{write['per_second']:.0f} votes/s (p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms)")
    rows = ", ".join(f"{count:,} {table}" for table, count in results["final_rows"].items())
    state = "all counters equal the recount" if not results["mismatches"] else (
        f"{len(results['mismatches'])} COUNTERS DIFFER from the recount")
    out(f"\nAfterwards: {rows}; {state}")


def _ratio(value: float) -> str:
    flag = "" if value <= TARGET_RATIO else " (over target)"
    return f"{value:.2f}x{flag}"


def main() -> None:
    """Parse the options, measure, report, and drop anb_bench unless asked to keep it."""
    parser = bench_parser(__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="timed ranking requests per case and size")
    parser.add_argument("--write-votes", type=int, default=2000, help="votes per write run")
    parser.add_argument("--threads", type=int, default=16, help="threads of the concurrent write run")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply size B (e.g. 0.1 for a quick run)")
    results = run_bench(parser, DATABASE, run, report)
    if results["mismatches"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
