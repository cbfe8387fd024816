"""``flask ranking``: who goes to the tournament."""

from __future__ import annotations

import csv
from fractions import Fraction
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from anb.admin.finalists import Finalist, finalists

ranking_cli = AppGroup("ranking", help="Select the tournament's finalists.")
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
