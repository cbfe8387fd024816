"""``flask catalogue``: the search index of the public catalogue, rebuilt or checked by an operator."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from anb.extensions import db
from anb.search import REINDEX_BATCH, drift, reindex

catalogue_cli = AppGroup("catalogue", help="The public catalogue's search index.")


@catalogue_cli.command("reindex")
@click.option("--batch", type=click.IntRange(min=1), default=REINDEX_BATCH, show_default=True,
              help="Videos rewritten per transaction.")
def reindex_command(batch: int) -> None:
    """Rewrite the search index from the published videos and their players' names."""
    started = time.perf_counter()
    with db.engine.connect() as connection:
        rows = reindex(connection, batch=batch)
    click.echo(f"Search index rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s.")


@catalogue_cli.command("check")
@click.option("--batch", type=click.IntRange(min=1), default=REINDEX_BATCH, show_default=True,
              help="Videos compared at a time.")
def check_command(batch: int) -> None:
    """Compare the search index with a rebuild; exit 1 if they differ (then run ``catalogue reindex``)."""
    with db.engine.connect() as connection:
        found = drift(connection, batch)
    if not found.clean:
        raise click.ClickException(f"Search index differs from the published videos: {found.missing:,} rows "
                                   f"missing, {found.extra:,} extra. Run `flask catalogue reindex`.")
    click.echo("Search index matches the published videos.")
