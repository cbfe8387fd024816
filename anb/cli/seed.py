"""``flask seed``: fill a database with fake players, videos and votes, to measure the ranking at scale."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from anb.cli.seeding import CITIES, SeedPlan, insert_load_accounts, production_refused, seed
from anb.counters import counter_mismatches, table_counts
from anb.extensions import db

seed_cli = AppGroup("seed", help="Fill the database with fake data for benchmarks (never in production).")



def _parse_cities(value: str | None) -> tuple[str, ...]:
    cities = tuple(city.strip() for city in (value or "").split(",") if city.strip())
    return cities or CITIES


@seed_cli.command("ranking")
@click.option("--players", default=100_000, show_default=True, help="Accounts to create (jury included).")
@click.option("--videos", default=300_000, show_default=True, help="Processed videos, owned by players.")
@click.option("--votes", default=1_000_000, show_default=True, help="Votes, unique per video and voter.")
@click.option("--jury-share", default=0.05, show_default=True, help="Share of the accounts that are jury.")
@click.option("--cities", help="Comma-separated cities (default: 16 Colombian cities).")
@click.option("--batch", default=20_000, show_default=True, help="Rows per INSERT and commit.")
@click.option("--seed", "rng_seed", default=2025, show_default=True, help="Same seed, same data.")
@click.option("--reset", is_flag=True, help="Empty votes, videos and users first.")
@click.option("--yes-i-mean-production", "confirmed", is_flag=True,
              help="Allow running with ANB_ENV=production (it inserts fake accounts and votes).")
def seed_ranking(players: int, videos: int, votes: int, jury_share: float, cities: str | None, batch: int,
                 rng_seed: int, reset: bool, confirmed: bool) -> None:
    """Insert fake players, processed videos and votes, with counters that match a recount."""
    if production_refused(confirmed):
        raise click.ClickException("ANB_ENV is production: this inserts fake accounts and votes. "
                                   "Add --yes-i-mean-production if that is really what you want.")
    plan = SeedPlan(players, videos, votes, jury_share, _parse_cities(cities), batch, rng_seed)
    started = time.perf_counter()
    with db.engine.connect() as connection:
        try:
            seed(connection, plan, reset, echo=click.echo)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"seeded in {time.perf_counter() - started:.1f} s")


@seed_cli.command("accounts")
@click.option("--count", default=2_000, show_default=True, help="Player accounts to create.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write their emails to, one a line (locustfiles read it: LOAD_ACCOUNTS).")
@click.option("--cities", help="Comma-separated cities (default: 16 Colombian cities).")
@click.option("--batch", default=20_000, show_default=True, help="Rows per INSERT and commit.")
@click.option("--seed", "rng_seed", default=2026, show_default=True, help="Same seed, same names and cities.")
@click.option("--yes-i-mean-production", "confirmed", is_flag=True,
              help="Allow running with ANB_ENV=production (it inserts fake accounts).")
def seed_accounts(count: int, out: str, cities: str | None, batch: int, rng_seed: int,
                  confirmed: bool) -> None:
    """Create player accounts for a load test (password: the seed password) and list their emails."""
    if production_refused(confirmed):
        raise click.ClickException("ANB_ENV is production: this inserts fake accounts. "
                                   "Add --yes-i-mean-production if that is really what you want.")
    with db.engine.connect() as connection:
        try:
            emails = insert_load_accounts(connection, count, _parse_cities(cities), batch, rng_seed)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text("".join(f"{email}\n" for email in emails))
    click.echo(f"{len(emails):,} accounts written to {out}")


@seed_cli.command("verify")
def seed_verify() -> None:
    """Recount the votes and fail (exit 1) if any stored counter differs."""
    started = time.perf_counter()
    with db.engine.connect() as connection:
        mismatches = counter_mismatches(connection)
        counts = table_counts(connection)
    summary = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    seconds = time.perf_counter() - started
    if mismatches:
        shown = "\n".join(mismatch.line() for mismatch in mismatches[:20])
        raise click.ClickException(f"{len(mismatches):,} counters differ from the recount ({summary}, "
                                   f"{seconds:.1f} s):\n{shown}")
    click.echo(f"counters match the recount: {summary} ({seconds:.1f} s)")
