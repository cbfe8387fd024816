"""``flask ranking``: the voting windows, and freezing the final ranking once the last one closed."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from anb.public import ranking
from anb.public.windows import configured_windows, voting_open, voting_over

ranking_cli = AppGroup("ranking", help="Voting windows and the final ranking.")


@ranking_cli.command("windows")
def show_windows() -> None:
    """Show the configured voting windows (UTC and as configured) and whether voting is open now."""
    windows = configured_windows()
    for window in windows:
        opens = window.opens.isoformat() if window.opens else "siempre"
        closes = window.closes.isoformat() if window.closes else "nunca"
        click.echo(f"{window.phase}\t{opens}\t{closes}")
    state = "abierta" if voting_open(windows) else "cerrada"
    click.echo(f"Votación {state}; ranking {'final' if voting_over(windows) else 'en curso'}"
               f"{' (congelado)' if ranking.is_frozen() else ''}.")


@ranking_cli.command("freeze")
def freeze() -> None:
    """Snapshot the final ranking (overall and per city; all, public and jury votes) so it never moves.

    Only after the last voting window closed, and only once.
    """
    if not voting_over(configured_windows()):
        raise click.ClickException("La votación no ha terminado: el ranking aún puede cambiar.")
    try:
        lines = ranking.freeze()
    except ranking.AlreadyFrozen:
        raise click.ClickException("El ranking final ya estaba congelado.") from None
    click.echo(f"Ranking final congelado: {lines} líneas.")
