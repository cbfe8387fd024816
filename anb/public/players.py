"""A player's public page: totals, places in the overall and city rankings, and published videos."""

from __future__ import annotations

from dataclasses import dataclass

from anb.extensions import db
from anb.lookups import parse_id
from anb.models import User
from anb.public.catalogue import CatalogueItem, catalogue
from anb.public.ranking import positions


class PlayerNotFound(LookupError):
    """No player with that id has a published video (or the id cannot be one)."""


@dataclass(frozen=True)
class PlayerPage:
    """What the player page shows."""

    player: User
    position: int | None
    city_position: int | None
    videos: list[CatalogueItem]


def player_page(player_id: str, offset: int, limit: int, viewer_id: int | None = None) -> PlayerPage:
    """The page of the player with this opaque id: only players with a published video have one."""
    numeric_id = parse_id(player_id)
    player = db.session.get(User, numeric_id) if numeric_id is not None else None
    if player is None or player.processed_videos == 0:
        raise PlayerNotFound(player_id)
    position, city_position = positions(player)
    return PlayerPage(player, position, city_position,
                      catalogue(offset, limit, player_id=player.id, viewer_id=viewer_id))
