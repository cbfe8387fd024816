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
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import timedelta

from benchkit import (
    bench_config,
    bench_parser,
    build_app,
    explain,
    machine,
    progress,
    run_bench,
    scaled,
    seed_plan,
)
from sqlalchemy import func, insert, select, text, update

from anb.admin import fraud
from anb.admin.voids import VoteFilter, void_votes
from anb.cli.seeding import SeedPlan
from anb.counters import counter_mismatches
from anb.extensions import db
from anb.models import User, Video, Vote, now_utc
from anb.public.votes import VoteOrigin, vote
from anb.security import hash_password

DATABASE = "anb_bench_fraud"
PLAN = SeedPlan(players=100_000, videos=300_000, votes=1_000_000)
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
FARM_ADDRESS = "203.0.113.66"
FARM_AGENT = "FarmBot/1.0"
FARM_ACCOUNTS = 40
FARM_VIDEOS = 5
INDEX = "ix_votes_created_at"
#: With the test settings' cache and production's fraud thresholds.
CONFIG = bench_config(DATABASE, cache=True)


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


def run(args: argparse.Namespace) -> dict:
    """Seed, plant, measure."""
    plan = scaled(PLAN, args.scale)
    app = build_app(CONFIG)
    progress(f"seeding {plan.players:,} players, {plan.videos:,} videos, {plan.votes:,} votes")
    seed_plan(app, plan)
    with app.app_context():
        planted = plant_farm()
        progress(f"planted {planted} farm votes; timing the rules")
        limits = fraud.Thresholds.from_config(app.config)
        results = {"machine": {**machine(app), "load_average": os.getloadavg()}, "plan": plan.__dict__,
                   "planted_votes": planted, "thresholds": limits.__dict__,
                   "windows": time_windows(limits, args.repeat)}
        since = now_utc() - WINDOWS["24h"]
        results["explain_24h"] = {rule.__name__: explain(lambda rule=rule: rule(since, limits))
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
    parser = bench_parser(__doc__)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the seeded volumes (0.01 for a quick run)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per rule and window")
    warnings.simplefilter("ignore")
    results = run_bench(parser, DATABASE, run, report)
    if results["void"]["mismatches"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
