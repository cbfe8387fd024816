"""``flask ranking``: who goes to the tournament, the voting windows, and freezing the final ranking once the
last window closed."""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from anb.admin.finalists import Finalist, finalists
from anb.public import ranking
from anb.public.windows import configured_windows, voting_open, voting_over

ranking_cli = AppGroup("ranking", help="Finalists, voting windows and the final ranking.")
COLUMNS = ("city", "position", "player_id", "username", "email", "public_votes", "jury_votes", "total_votes",
           "score")


def _row(finalist: Finalist) -> list:
    return [finalist.city, finalist.position, finalist.user_id, finalist.username, finalist.email,
            finalist.public_votes, finalist.jury_votes, finalist.total_votes, f"{float(finalist.score):.6f}"]


@ranking_cli.command("finalists")
@click.option("--per-city", type=click.IntRange(min=1), required=True, help="Players selected per city.")
@click.option("--jury-weight", type=click.FloatRange(0, 1),
              help="Weight of the jury's share in the score, 0-1 (default: FINALISTS_JURY_WEIGHT, 0.5).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write the finalists to this CSV file.")
def select_finalists(per_city: int, jury_weight: float | None, csv_path: Path | None) -> None:
    """List the finalists per city with public votes, jury votes and the combined score side by side."""
    chosen = current_app.config["FINALISTS_JURY_WEIGHT"] if jury_weight is None else jury_weight
    weight = Fraction(str(chosen))
    selected = finalists(per_city, weight)
    click.echo("\t".join(COLUMNS))
    for finalist in selected:
        click.echo("\t".join(str(value) for value in _row(finalist)))
    if csv_path is not None:
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(_row(finalist) for finalist in selected)
    click.echo(f"{len(selected)} finalists (jury weight {float(weight)}, public weight {float(1 - weight)}).")


@ranking_cli.command("windows")
def show_windows() -> None:
    """Show the configured voting windows (UTC and as configured) and whether voting is open now."""
    windows = configured_windows()
    for window in windows:
        opens = window.opens.isoformat() if window.opens else "always"
        closes = window.closes.isoformat() if window.closes else "never"
        click.echo(f"{window.phase}\t{opens}\t{closes}")
    state = "open" if voting_open(windows) else "closed"
    click.echo(f"Voting {state}; ranking {'final' if voting_over(windows) else 'in progress'}"
               f"{' (frozen)' if ranking.is_frozen() else ''}.")


@ranking_cli.command("freeze")
def freeze() -> None:
    """Snapshot the final ranking (overall and per city; all, public and jury votes) so it never moves.

    Only after the last voting window closed, and only once.
    """
    if not voting_over(configured_windows()):
        raise click.ClickException("Voting has not ended: the ranking can still change.")
    try:
        lines = ranking.freeze()
    except ranking.AlreadyFrozen:
        raise click.ClickException("The final ranking was already frozen.") from None
    click.echo(f"Final ranking frozen: {lines} lines.")
